"""API tokens expire, a password change revokes them, and their holder sees and revokes them on a page."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PurchaserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    return PurchaserFactory()


def token_of(user, password):
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password})
    assert response.status_code == 200
    return response.json()


def me(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/contracts/").status_code


def test_token_endpoint_says_when_the_token_expires(settings, official, password):
    settings.API_TOKEN_DAYS = 30
    body = token_of(official, password)
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert datetime.timedelta(days=29, hours=23) < expires - timezone.now() <= datetime.timedelta(days=30)


def test_an_expired_token_is_refused_and_a_new_one_issued(settings, official, password):
    settings.API_TOKEN_DAYS = 7
    key = token_of(official, password)["token"]
    assert me(key) == 200
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=8))
    assert me(key) == 401
    fresh = token_of(official, password)["token"]
    assert fresh != key and me(fresh) == 200


def test_changing_the_password_revokes_the_token(official, password):
    key = token_of(official, password)["token"]
    client = Client()
    client.force_login(official)
    response = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "Saihan-Tala-2026!", "new_password2": "Saihan-Tala-2026!"},
    )
    assert response.status_code == 302
    assert me(key) == 401


def test_an_administrator_setting_the_password_revokes_the_token(official, password):
    key = token_of(official, password)["token"]
    official.set_password("Another-long-pass-2026")
    official.save()
    assert me(key) == 401


def test_the_token_page_shows_issues_and_revokes(official, password):
    key = token_of(official, password)["token"]
    client = Client()
    client.force_login(official)
    page = client.get("/accounts/tokens/")
    assert page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert f"{key[:4]}…{key[-4:]}" in text and key not in text  # never the whole key after it was issued

    client.post("/accounts/tokens/", {"action": "renew"})
    shown = client.get("/accounts/tokens/").content.decode()
    new_key = Token.objects.get(user=official).key
    assert new_key != key and new_key in shown and me(key) == 401

    client.post("/accounts/tokens/", {"action": "revoke"})
    assert not Token.objects.filter(user=official).exists() and me(new_key) == 401
    assert 'data-testid="no-token"' in client.get("/accounts/tokens/").content.decode()


def test_the_token_page_needs_a_signed_in_user():
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
