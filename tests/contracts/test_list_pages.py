"""The listings: purchase lists and contracts with their filters, what each user sees, and constant query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    OrganizationFactory,
    PublishedPurchaseListFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return sorted(row.record.title for row in response.context["table"].page.object_list)


# ---- purchase lists ----------------------------------------------------------------------------------------------


@pytest.fixture
def lists(department):
    """Published lists in Hohhot, one of its counties and Chifeng, and a Hohhot draft."""
    county = PurchasingDepartmentFactory(region=region("150102"), name="新城区民政局")
    chifeng = PurchasingDepartmentFactory(region=region("150400"), name="赤峰市卫生健康委员会")
    hohhot = PublishedPurchaseListFactory(department=department, year=2026, title="呼和浩特养老目录")
    PurchaseItemFactory(purchase_list=hohhot, category="basic_public", service_name="居家养老上门服务")
    county_list = PublishedPurchaseListFactory(department=county, year=2027, title="新城区社区治理目录")
    PurchaseItemFactory(purchase_list=county_list, category="social_management", service_name="社区议事协商")
    chifeng_list = PublishedPurchaseListFactory(department=chifeng, year=2026, title="赤峰技术服务目录")
    PurchaseItemFactory(purchase_list=chifeng_list, category="technical", service_name="绩效评价技术服务")
    PurchaseListFactory(department=department, year=2027, title="呼和浩特草稿目录")
    return {"hohhot": hohhot, "county": county_list, "chifeng": chifeng_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["呼和浩特养老目录", "新城区社区治理目录", "赤峰技术服务目录"]),
        ({"year": "2027"}, ["新城区社区治理目录"]),
        ({"region": "150100"}, ["呼和浩特养老目录", "新城区社区治理目录"]),
        ({"region": "150102"}, ["新城区社区治理目录"]),
        ({"region": "150400"}, ["赤峰技术服务目录"]),
        ({"category": "technical"}, ["赤峰技术服务目录"]),
        ({"q": "议事协商"}, ["新城区社区治理目录"]),
        ({"q": "赤峰"}, ["赤峰技术服务目录"]),
        ({"status": "draft"}, []),
    ],
)
def test_purchase_list_filters(client, lists, query, expected):
    response = client.get(reverse("contracts:purchase-list-list"), query)
    assert response.status_code == 200
    assert titles(response) == sorted(expected)


def test_department_filter(client, lists):
    department = lists["chifeng"].department
    response = client.get(reverse("contracts:purchase-list-list"), {"department": department.pk})
    assert titles(response) == ["赤峰技术服务目录"]


def test_purchasers_also_see_their_regions_drafts(client, lists, purchaser, chifeng_purchaser):
    client.force_login(purchaser)
    response = client.get(reverse("contracts:purchase-list-list"), {"status": "draft"})
    assert titles(response) == ["呼和浩特草稿目录"]
    client.force_login(chifeng_purchaser)
    assert titles(client.get(reverse("contracts:purchase-list-list"), {"status": "draft"})) == []


def test_purchase_list_row_shows_item_count_and_budget(client, lists):
    response = client.get(reverse("contracts:purchase-list-list"), {"q": "议事协商"})
    text = response.content.decode()
    assert "300,000.00" in text
    assert reverse("contracts:purchase-list-detail", args=[lists["county"].pk]) in text


# ---- contracts ---------------------------------------------------------------------------------------------------


@pytest.fixture
def contracts(department, organization, chifeng_purchaser):
    """Hohhot: a signed contract with an overdue deliverable, a performing one, a draft; Chifeng: a completed one."""
    today = timezone.localdate()
    overdue = SignedContractFactory(department=department, organization=organization, title="逾期合同", year=2026)
    DeliverableFactory(contract=overdue, due_on=today - datetime.timedelta(days=30), payment_share=100)
    performing = SignedContractFactory(
        department=department,
        organization=OrganizationFactory(name="青城社会工作服务中心"),
        title="履行中合同",
        status="performing",
        year=2025,
    )
    DeliverableFactory(contract=performing, due_on=datetime.date(2027, 1, 31), payment_share=100)
    draft = ContractFactory(department=department, organization=organization, title="草稿合同")
    completed = SignedContractFactory(
        department=chifeng_purchaser.department,
        title="赤峰已完成合同",
        status="completed",
        completed_on=datetime.date(2026, 10, 1),
    )
    return {"overdue": overdue, "performing": performing, "draft": draft, "completed": completed}


def contract_titles(response) -> list[str]:
    return sorted(row.record.title for row in response.context["table"].page.object_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["履行中合同", "赤峰已完成合同", "逾期合同"]),
        ({"status": "performing"}, ["履行中合同"]),
        ({"organization": "青城"}, ["履行中合同"]),
        ({"year": "2025"}, ["履行中合同"]),
        ({"overdue": "true"}, ["逾期合同"]),
        ({"overdue": "false"}, ["履行中合同", "赤峰已完成合同"]),
        ({"q": "赤峰"}, ["赤峰已完成合同"]),
        ({"status": "draft"}, []),  # not a choice on the public page: the field's message, no rows
    ],
)
def test_public_contract_filters(client, contracts, query, expected):
    response = client.get(reverse("contracts:contract-list"), query)
    assert response.status_code == 200
    assert contract_titles(response) == sorted(expected)


def test_filter_by_organization_code_and_department(client, contracts, organization):
    response = client.get(reverse("contracts:contract-list"), {"organization": organization.uscc.lower()})
    assert contract_titles(response) == ["逾期合同"]
    department = contracts["completed"].department
    response = client.get(reverse("contracts:contract-list"), {"department": department.pk})
    assert contract_titles(response) == ["赤峰已完成合同"]


def test_public_list_hides_drafts_even_from_their_purchasers(client, contracts, purchaser):
    client.force_login(purchaser)
    response = client.get(reverse("contracts:contract-list"))
    assert "草稿合同" not in contract_titles(response)


def test_manage_list_is_the_region_with_drafts(client, contracts, purchaser, chifeng_purchaser):
    client.force_login(purchaser)
    response = client.get(reverse("contracts:contract-manage"))
    assert contract_titles(response) == ["履行中合同", "草稿合同", "逾期合同"]
    response = client.get(reverse("contracts:contract-manage"), {"status": "draft"})
    assert contract_titles(response) == ["草稿合同"]
    assert "登记合同" in response.content.decode()
    client.force_login(chifeng_purchaser)
    assert contract_titles(client.get(reverse("contracts:contract-manage"))) == ["赤峰已完成合同"]


def test_my_contracts_are_the_organizations_public_ones(client, contracts, member, other_member):
    client.force_login(member)
    assert contract_titles(client.get(reverse("contracts:contract-mine"))) == ["逾期合同"]
    client.force_login(other_member)
    assert contract_titles(client.get(reverse("contracts:contract-mine"))) == []


def test_overdue_is_shown_in_the_row_and_on_the_page(client, contracts):
    response = client.get(reverse("contracts:contract-list"), {"overdue": "true"})
    row = response.context["table"].page.object_list[0]
    assert row.record.overdue_count == 1
    detail = client.get(reverse("contracts:contract-detail", args=[contracts["overdue"].number]))
    assert 'data-testid="overdue"' in detail.content.decode()


def make_contracts(count, department, organization):
    for index in range(count):
        contract = SignedContractFactory(
            department=department, organization=organization, amount=Decimal("50000.00") + index
        )
        DeliverableFactory(contract=contract, due_on=datetime.date(2026, 1, 31), payment_share=50)
        DeliverableFactory(contract=contract, due_on=datetime.date(2027, 1, 31), payment_share=50)


def count_queries(client, url, per_page) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == per_page
    return len(queries)


@pytest.mark.parametrize("page", ["contract-list", "contract-manage"])
def test_contract_list_query_count_does_not_grow_with_page_size(client, department, organization, purchaser, page):
    make_contracts(60, department, organization)  # more than either page holds
    client.force_login(purchaser)
    url = reverse(f"contracts:{page}")
    client.get(url)  # warm up the session and content types
    assert count_queries(client, url, 10) == count_queries(client, url, 50)


def test_purchase_list_query_count_does_not_grow_with_page_size(client, department):
    for index in range(60):  # more than either page holds
        purchase_list = PublishedPurchaseListFactory(department=department, title=f"目录{index:02d}")
        PurchaseItemFactory(purchase_list=purchase_list)
    url = reverse("contracts:purchase-list-list")
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"per_page": 10})
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"per_page": 50})
    assert len(small) == len(large)


def test_contract_detail_query_count_does_not_grow_with_deliverables(client, signed_contract):
    url = reverse("contracts:contract-detail", args=[signed_contract.number])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for index in range(10):
        DeliverableFactory(contract=signed_contract, title=f"追加事项{index}", payment_share=1)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(before) == len(after)
    assert Contract.objects.get(pk=signed_contract.pk).deliverables.count() == 12


def test_draft_is_no_status_choice_on_the_public_page_even_with_prebuilt_fields(client, contracts):
    from contracts.filters import ContractFilter

    assert ContractFilter.base_filters["status"].field  # OpenAPI schema generation builds the fields like this
    response = client.get(reverse("contracts:contract-list"), {"status": "draft"})
    assert contract_titles(response) == []
    assert "status" in response.context["filter"].form.errors
    choices = [value for value, _label in response.context["filter"].form.fields["status"].choices]
    assert "draft" not in choices and "signed" in choices


def test_the_contract_list_reads_only_what_its_cells_show(client):
    for index in range(3):
        SignedContractFactory(title=f"合同{index}", description="很长的合同说明" * 50)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("contracts:contract-list"))
    assert response.status_code == 200
    rows = [q["sql"] for q in queries.captured_queries if '"contracts_contract"."title"' in q["sql"]]
    assert len(rows) == 1  # the page's rows: one query
    for column in ('"description"', '"search_document"', '"search_vector"', '"business_scope"', '"registry_region"'):
        assert column not in rows[0]
    assert '"registry_department"' in rows[0] and '"registry_organization"' in rows[0]
    assert "很长的合同说明" not in response.content.decode()
    assert all(f"合同{index}" in response.content.decode() for index in range(3))
