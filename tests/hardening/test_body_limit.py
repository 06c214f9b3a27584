"""Request bodies are capped before they are read, and the refusal names the limit of the page posted to."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HUGE = str(300 * 1024 * 1024)


def test_a_huge_complaint_post_is_refused_naming_the_complaint_limit(settings):
    response = Client().post("/complaints/new/", {"subject": "x"}, CONTENT_LENGTH=HUGE)
    assert response.status_code == 413
    assert "不能超过 10 MB" in response.content.decode()


def test_the_api_refuses_with_its_error_body_in_both_languages():
    response = Client().post("/api/v1/complaints/", {"subject": "x"}, CONTENT_LENGTH=HUGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert (
        error["message"] == error["message_en"] == "The request is too large: files uploaded here may not exceed 10 MB."
    )
    assert "不能超过 10 MB" in error["message_zh"]


def test_other_pages_take_the_site_upload_limit(settings):
    settings.UPLOAD_MAX_MB = 20
    too_big = str(22 * 1024 * 1024)
    response = Client().post("/accounts/login/", {"username": "x"}, CONTENT_LENGTH=too_big)
    assert response.status_code == 413
    assert "20 MB" in response.content.decode()
    # Within the limit (plus the allowance for the form's fields) the request goes through to the page.
    assert Client().post("/accounts/login/", {"username": "x"}).status_code == 200
