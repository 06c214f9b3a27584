"""The OCDS list pages with the page cache on: a page is read back whole until a write to one of its tables commits,
and the next request after such a write shows it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contracts.models import Contract
from core import pagecache
from tests.factories import DeliverableFactory, PaymentFactory, SignedContractFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/ocds/releases/", "/api/v1/ocds/records/"]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    pagecache._TABLES_READ.clear()
    yield
    pagecache._TABLES_READ.clear()


def fetched(url: str, **params):
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url, params)
    assert response.status_code == 200
    contract_queries = [q for q in queries.captured_queries if '"contracts_contract"' in q["sql"]]
    return response, len(contract_queries)


def learned(committed, url: str, **params) -> None:
    """Fetch the page until it is kept by its tables. The first computation recalls the contracts' count for the
    first time (kept until the next write, so the page is too: its tables are not learned); the second learns the
    page's tables, still kept until the next write; from the third on it is kept with its tables' generations."""
    for _ in range(2):
        with committed():
            UserFactory()
        _response, built = fetched(url, **params)
        assert built > 0


@pytest.mark.parametrize("url", LISTS)
def test_a_page_is_read_back_until_a_write_to_its_tables(url, committed, department, organization):
    with committed():
        contract = SignedContractFactory(department=department, organization=organization)
        DeliverableFactory(contract=contract, payment_share=100)
    first, built = fetched(url, page_size=5)
    assert built > 0
    learned(committed, url, page_size=5)
    again, read = fetched(url, page_size=5)
    assert read == 0, "a remembered page reads no contract"
    assert again.content == first.content
    assert again["X-Total-Count"] == first["X-Total-Count"] == "1"
    assert again["Content-Type"] == "application/json"

    with committed():
        UserFactory()  # a table no OCDS page reads
    _response, read = fetched(url, page_size=5)
    assert read == 0

    with committed():
        Contract.objects.filter(pk=contract.pk).update(title="社区居家养老服务（调整）")
    changed, read = fetched(url, page_size=5)
    assert read > 0
    assert "社区居家养老服务（调整）" in changed.content.decode()


def test_a_payment_shows_on_the_next_request(committed, department, organization):
    with committed():
        contract = SignedContractFactory(department=department, organization=organization)
        DeliverableFactory(contract=contract, payment_share=100)
    before, _read = fetched("/api/v1/ocds/releases/")
    learned(committed, "/api/v1/ocds/releases/")
    again, read = fetched("/api/v1/ocds/releases/")
    assert read == 0 and again.content == before.content
    assert "transactions" not in before.content.decode()
    with committed():
        PaymentFactory(contract=contract, amount=Decimal("1000.00"), paid_on=contract.signed_on)
    after, read = fetched("/api/v1/ocds/releases/")
    assert read > 0
    assert "transactions" in after.content.decode()


def test_pages_differ_by_query_string(committed, department, organization):
    with committed():
        for _ in range(3):
            SignedContractFactory(department=department, organization=organization)
    one, _read = fetched("/api/v1/ocds/releases/", page_size=1)
    two, _read = fetched("/api/v1/ocds/releases/", page_size=2)
    assert len({release["ocid"] for release in one.json()["releases"]}) == 1
    assert len({release["ocid"] for release in two.json()["releases"]}) == 2
    assert "next" in one["Link"] and "next" in two["Link"]
