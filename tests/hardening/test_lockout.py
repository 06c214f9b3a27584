"""Brute force: wrong passwords lock the username out from that address on the site, the admin and the API token
endpoint; the right password does not get in while locked."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PurchaserFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


@pytest.fixture
def official(password):
    return PurchaserFactory(username="purchaser_lock")


def test_site_login_locks_out_after_the_failure_limit(settings, official, password):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client(REMOTE_ADDR="203.0.113.20")
    for _ in range(5):
        client.post("/accounts/login/", {"username": official.username, "password": WRONG})
    response = client.post("/accounts/login/", {"username": official.username, "password": password})
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out.
    other = Client(REMOTE_ADDR="203.0.113.21")
    assert other.post("/accounts/login/", {"username": official.username, "password": password}).status_code == 302


def test_rotating_forwarded_for_does_not_escape_the_lockout(settings, official, password):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        Client(REMOTE_ADDR="203.0.113.22", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").post(
            "/accounts/login/", {"username": official.username, "password": WRONG}
        )
    fresh = Client(REMOTE_ADDR="203.0.113.22", HTTP_X_FORWARDED_FOR="10.1.1.99")
    assert fresh.post("/accounts/login/", {"username": official.username, "password": password}).status_code == 429


def test_admin_login_locks_out(settings, password):
    settings.AXES_FAILURE_LIMIT = 3
    admin = SuperuserFactory(username="root_lock")
    client = Client(REMOTE_ADDR="203.0.113.23")
    for _ in range(3):
        client.post("/admin/login/", {"username": admin.username, "password": WRONG})
    response = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": password})
    assert response.status_code == 429


def test_api_token_endpoint_locks_out_with_the_api_error_body(settings, official, password):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient(REMOTE_ADDR="203.0.113.24")
    statuses = [
        client.post("/api/v1/auth/token/", {"username": official.username, "password": WRONG}).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]  # the failure that reaches the limit is answered with the lockout
    response = client.post(
        "/api/v1/auth/token/", {"username": official.username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "locked_out"
    assert "15 minutes" in error["message_en"] and "15 分钟" in error["message_zh"]
    assert "token" not in response.json()
