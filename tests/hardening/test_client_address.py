"""One client address for every rate limit: X-Forwarded-For is believed only from TRUSTED_PROXIES, and the complaint
limit counts per real client on the form and the API alike."""

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from core.clients import client_address
from supervision.models import Complaint
from tests.factories import OrganizationFactory
from tests.supervision.test_complaint_pages import URL, filing

PROXY = "10.0.0.2"


def address(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_forwarded_header_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_forwarded_header_is_believed_from_a_trusted_proxy_only(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert address(PROXY, "198.51.100.1") == "198.51.100.1"
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"  # not from the proxy: header ignored


def test_a_client_cannot_prepend_a_fake_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert address(PROXY, "1.2.3.4, 198.51.100.1") == "198.51.100.1"


def test_chained_trusted_proxies_and_garbage(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.1"]
    assert address(PROXY, "198.51.100.1, 192.168.1.1, 10.9.9.9") == "198.51.100.1"
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY, "[2001:db8::1]:443") == "2001:db8::1"
    assert address("garbage") == "unknown"


@pytest.mark.django_db
def test_api_complaint_limit_is_not_bypassed_by_rotating_forwarded_for(settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 2
    settings.TRUSTED_PROXIES = []
    organization = OrganizationFactory()
    client = APIClient()
    data = {"organization": organization.uscc, "subject": "投诉", "text": "内容"}
    statuses = [
        client.post("/api/v1/complaints/", data, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [201, 201, 429, 429, 429, 429]
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_form_behind_the_proxy_limits_each_visitor_not_the_proxy(settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 2
    settings.TRUSTED_PROXIES = [PROXY]
    organization = OrganizationFactory()
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert [first.post(URL, filing(organization)).status_code for _ in range(3)] == [302, 302, 200]
    assert second.post(URL, filing(organization)).status_code == 302
    assert Complaint.objects.count() == 3


@pytest.mark.django_db
def test_form_and_api_share_one_count_per_client(settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 2
    organization = OrganizationFactory()
    assert Client(REMOTE_ADDR="198.51.100.7").post(URL, filing(organization)).status_code == 302
    api = APIClient(REMOTE_ADDR="198.51.100.7")
    data = {"organization": organization.uscc, "subject": "投诉", "text": "内容"}
    assert api.post("/api/v1/complaints/", data, format="json").status_code == 201
    assert api.post("/api/v1/complaints/", data, format="json").status_code == 429
