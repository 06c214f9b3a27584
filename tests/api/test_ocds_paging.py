"""Cursor pagination of the OCDS lists: every contract exactly once while contracts are signed meanwhile, links both
ways, page numbers and broken cursors refused with a clear message, and a query count that does not depend on the
page size or the depth."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from requests.utils import parse_header_links
from rest_framework.test import APIClient

from api.ocds_cursor import encode_cursor
from contracts.models import Amendment, Contract

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/ocds/releases/", "/api/v1/ocds/records/"]


@pytest.fixture
def prefix(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    return "ocds-test01"


def links(response) -> dict[str, str]:
    return {link["rel"]: link["url"] for link in parse_header_links(response.get("Link", ""))}


def ocids(response) -> list[str]:
    body = response.json()
    if "records" in body:
        return [record["ocid"] for record in body["records"]]
    return list(dict.fromkeys(release["ocid"] for release in body["releases"]))


def signed(department, organization, day: datetime.date, *, rich: bool = False) -> Contract:
    from tests.factories import DeliverableFactory, PaymentFactory, SignedContractFactory, UserFactory

    contract = SignedContractFactory(department=department, organization=organization, signed_on=day)
    deliverable = DeliverableFactory(contract=contract)
    if rich:
        DeliverableFactory(contract=contract)
        PaymentFactory(contract=contract, deliverable=deliverable, paid_on=day + datetime.timedelta(days=20))
        Amendment.objects.create(
            contract=contract,
            kind=Amendment.Kind.OTHER,
            old_value="每月一次",
            new_value="每两周一次",
            reason="服务频次调整",
            amended_on=day + datetime.timedelta(days=10),
            amended_by=UserFactory(),
        )
    return contract


@pytest.mark.parametrize("url", LISTS)
def test_every_contract_once_while_contracts_are_signed(url, prefix, department, organization):
    days = [datetime.date(2026, 1, 1) + datetime.timedelta(days=index // 2) for index in range(7)]
    for day in days:
        signed(department, organization, day)
    client = APIClient()
    response = client.get(url, {"page_size": 3})
    assert response["X-Total-Count"] == "7"
    seen = ocids(response)
    # Signed while the client pages: one after every contract (it must come once), one before the client's position
    # (it is behind the cursor and must not push another contract onto the next page a second time).
    late = signed(department, organization, datetime.date(2026, 6, 1))
    signed(department, organization, datetime.date(2025, 12, 1))
    pages = 1
    while "next" in links(response):
        response = client.get(links(response)["next"])
        assert response.status_code == 200
        seen += ocids(response)
        pages += 1
    assert len(seen) == len(set(seen)) == 8
    assert seen[-1].endswith(late.number)
    expected = Contract.objects.exclude(signed_on=datetime.date(2025, 12, 1)).order_by("signed_on", "number")
    assert [ocid.split("-", 2)[2] for ocid in seen] == list(expected.values_list("number", flat=True))
    assert pages == 3
    assert response["X-Total-Count"] == "9"


@pytest.mark.parametrize("url", LISTS)
def test_prev_links_lead_back_page_by_page(url, prefix, department, organization):
    for index in range(5):
        signed(department, organization, datetime.date(2026, 2, 1 + index))
    client = APIClient()
    pages = [client.get(url, {"page_size": 2})]
    while "next" in links(pages[-1]):
        pages.append(client.get(links(pages[-1])["next"]))
    assert [len(ocids(page)) for page in pages] == [2, 2, 1]
    response = pages[-1]
    for page in reversed(pages[:-1]):
        response = client.get(links(response)["prev"])
        assert ocids(response) == ocids(page)
    assert "prev" not in links(response)


@pytest.mark.parametrize("url", LISTS)
def test_page_numbers_and_broken_cursors_are_refused(url, prefix, signed_contract):
    client = APIClient()
    assert client.get(url, {"page": 1}).status_code == 200
    response = client.get(url, {"page": 2})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]["page"][0]
    for cursor in ("nonsense", encode_cursor("n", signed_contract)[:-3] + "!!!", "eHx5fHo"):
        response = client.get(url, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert response.json()["error"]["fields"]["cursor"]


@pytest.mark.parametrize("url", LISTS)
def test_query_count_does_not_grow_with_page_size_or_depth(url, prefix, department, organization):
    for index in range(12):
        signed(department, organization, datetime.date(2026, 3, 1 + index), rich=True)

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = APIClient().get(url, params)
        assert response.status_code == 200
        return len(captured)

    small = queries({"page_size": 2})
    assert queries({"page_size": 12}) == small
    deep = Contract.objects.order_by("signed_on", "number")[8]
    assert queries({"page_size": 2, "cursor": encode_cursor("n", deep)}) == small
    assert queries({"page_size": 2, "cursor": encode_cursor("p", deep)}) == small
    assert small <= 10
