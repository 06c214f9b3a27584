"""Headers and sessions: a Content-Security-Policy without inline script (and no page needing one), a
Permissions-Policy, no caching of private pages, officials signed out when idle, stronger passwords, and amounts typed
in other scripts' digits normalized (full-width) or refused."""

import re
import time
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from core.middleware import IDLE_SESSION_KEY
from tests.factories import OrganizationFactory, OrganizationMemberFactory, PurchaserFactory, RegistrarFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
PUBLIC_PAGES = [
    "/",
    "/organizations/",
    "/contracts/",
    "/complaints/new/",
    "/accounts/login/",
    "/api/docs/",
    "/api/redoc/",
]


def assert_no_inline_script(response, url):
    text = response.content.decode()
    assert not INLINE_SCRIPT.search(text), f"{url} holds an inline script"
    assert not EVENT_HANDLER.search(text), f"{url} holds an inline event handler"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_pages_carry_a_strict_policy_and_no_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert_no_inline_script(response, url)


def test_signed_in_pages_carry_no_inline_script_and_are_not_cached():
    client = Client()
    client.force_login(RegistrarFactory())
    for url in ["/accounts/workspace/", "/accounts/tokens/", "/organizations/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert_no_inline_script(response, url)


def test_anonymous_public_pages_may_be_cached(client):
    assert "no-store" not in client.get("/organizations/").get("Cache-Control", "")


def idle(client, minutes):
    session = client.session
    session[IDLE_SESSION_KEY] = time.time() - minutes * 60
    session.save()


def test_an_idle_official_is_signed_out(settings):
    settings.OFFICIAL_IDLE_MINUTES = 30
    client = Client()
    client.force_login(PurchaserFactory())
    assert client.get("/accounts/workspace/").status_code == 200
    idle(client, 20)
    assert client.get("/accounts/workspace/").status_code == 200  # still within the limit
    idle(client, 31)
    response = client.get("/accounts/workspace/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟未操作" in page


def test_the_last_request_is_marked_at_most_once_a_minute():
    client = Client()
    client.force_login(PurchaserFactory())
    assert client.session[IDLE_SESSION_KEY] <= time.time()  # signing in starts the mark
    client.get("/accounts/workspace/")
    marked = client.session[IDLE_SESSION_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/workspace/").status_code == 200
    assert client.session[IDLE_SESSION_KEY] == marked  # the session is not written again within the minute
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    idle(client, 1.5)
    before = time.time()
    client.get("/accounts/workspace/")
    assert client.session[IDLE_SESSION_KEY] >= before


def test_an_organization_member_is_not_an_official_for_the_idle_limit(settings):
    settings.OFFICIAL_IDLE_MINUTES = 30
    client = Client()
    client.force_login(OrganizationMemberFactory(organization=OrganizationFactory()))
    client.get("/accounts/workspace/")
    idle(client, 45)
    assert client.get("/accounts/workspace/").status_code == 200


def test_passwords_need_ten_characters_and_not_the_users_name():
    user = PurchaserFactory(username="wangxiuying")
    with pytest.raises(ValidationError, match="10"):
        validate_password("Qy-7%kx2p", user)  # nine characters
    with pytest.raises(ValidationError):
        validate_password("wangxiuying1", user)  # too like the user name
    with pytest.raises(ValidationError):
        validate_password("password123", user)  # common
    validate_password("Saihan-Tala-2026", user)


@pytest.mark.parametrize(("typed", "expected"), [("１００", Decimal("100")), ("１２３４．５０", Decimal("1234.50"))])
def test_full_width_amounts_are_normalized(typed, expected):
    assert forms.DecimalField(max_digits=14, decimal_places=2).clean(typed) == expected
    assert serializers.DecimalField(max_digits=14, decimal_places=2).to_internal_value(typed) == expected


@pytest.mark.parametrize("typed", ["٣", "१००", "12٣"])
def test_amounts_in_other_scripts_digits_are_refused(typed):
    with pytest.raises(ValidationError):
        forms.DecimalField(max_digits=14, decimal_places=2).clean(typed)
    with pytest.raises(serializers.ValidationError):
        serializers.DecimalField(max_digits=14, decimal_places=2).to_internal_value(typed)


def test_api_docs_load_their_start_up_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert "/api/docs/?script=" in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
