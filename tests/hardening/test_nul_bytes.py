"""A NUL byte anywhere in the path or the query string is a 400, before any view or query runs."""

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/organizations/%00/",
    "/organizations/%00/report.pdf",
    "/contracts/%00/ocds.json",
    "/api/v1/complaints/%00/",
    "/api/v1/organizations/%00/",
    "/complaints/new/?organization=%00",
    "/organizations/?q=%00",
    "/contracts/?q=a%00b",
    "/api/v1/contracts/?search=%00",
    "/complaints/track/?code=%00",
    "/evaluations/?year=%00",
]


@pytest.mark.parametrize("url", URLS)
def test_nul_byte_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400


def test_api_answers_nul_with_its_error_body(client):
    body = client.get("/api/v1/complaints/%00/", HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert body["code"] == "bad_request"
    assert body["message_en"] == "The request holds a character that is not allowed (a NUL byte)."
    assert "空字符" in body["message_zh"]
