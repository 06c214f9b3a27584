"""The list pages' region, department and organization filters: typed with the forms' suggestions instead of
selects. A code (what the dashboards' links carry), a suggestion's "名称（代码）" or a name filters; text that names
nothing gets the field's message (never a server error); the officials' lists suggest their own region's choices;
and a page reads no list of choices, so its query count does not grow with the regions and departments."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CreditListingFactory,
    FinalizedEvaluationFactory,
    InspectionFactory,
    OrganizationFactory,
    PublishedPurchaseListFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RectificationOrderFactory,
    SignedContractFactory,
    SuperuserFactory,
    region,
)

pytestmark = pytest.mark.django_db

# The public lists with a region filter, and what a row of each shows of the fixture's two sides.
REGION_PAGES = {
    "registry:organization-list": ("新城阳光社会工作服务中心", "赤峰红山养老服务中心"),
    "contracts:purchase-list-list": ("新城区养老服务目录", "赤峰市养老服务目录"),
    "contracts:contract-list": ("新城居家养老合同", "赤峰居家养老合同"),
    "evaluations:evaluation-list": ("新城居家养老合同", "赤峰居家养老合同"),
    "supervision:credit-listings": ("新城阳光社会工作服务中心", "赤峰红山养老服务中心"),
}


@pytest.fixture
def sides(db):
    """Two of everything: one side in Hohhot's 新城区, the other in Chifeng."""
    made = {}
    for key, code, department, organization, place in [
        ("xincheng", "150102", "新城区卫生健康局", "新城阳光社会工作服务中心", "新城"),
        ("chifeng", "150400", "赤峰市卫生健康委员会", "赤峰红山养老服务中心", "赤峰"),
    ]:
        dept = PurchasingDepartmentFactory(name=department, code=f"T{code}", region=region(code))
        org = OrganizationFactory(name=organization, region=region(code))
        contract = SignedContractFactory(department=dept, organization=org, title=f"{place}居家养老合同")
        PublishedPurchaseListFactory(department=dept, title=f"{department[:3]}养老服务目录")
        FinalizedEvaluationFactory(contract=contract)
        CreditListingFactory(organization=org)
        InspectionFactory(organization=org)
        RectificationOrderFactory(organization=org)
        made[key] = {"department": dept, "organization": org, "contract": contract}
    return made


def shown(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def field_html(response, name: str) -> str:
    return str(response.context["filter"].form[name])


@pytest.mark.parametrize("page", REGION_PAGES)
@pytest.mark.parametrize("typed", ["150102", "呼和浩特市新城区（150102）", "呼和浩特 新城区", "hhhts xcq"])
def test_a_region_code_label_name_or_pinyin_filters(client, sides, page, typed):
    xincheng, chifeng = REGION_PAGES[page]
    response = client.get(reverse(page), {"region": typed})
    text = shown(response)
    assert xincheng in text and chifeng not in text
    field = field_html(response, "region")
    assert "<select" not in field and 'value="呼和浩特市新城区（150102）"' in field  # the chosen region's name
    assert reverse("registry:region-suggestions") in field


@pytest.mark.parametrize("page", REGION_PAGES)
def test_a_city_code_takes_its_counties_and_an_exact_name_resolves(client, sides, page):
    xincheng, chifeng = REGION_PAGES[page]
    text = shown(client.get(reverse(page), {"region": "150100"}))
    assert xincheng in text and chifeng not in text
    text = shown(client.get(reverse(page), {"region": "赤峰市"}))
    assert chifeng in text and xincheng not in text


@pytest.mark.parametrize("page", REGION_PAGES)
def test_a_region_that_names_nothing_or_several_gets_the_message(client, sides, page):
    text = shown(client.get(reverse(page), {"region": "火星区"}))
    assert "没有找到“火星区”" in text
    text = shown(client.get(reverse(page), {"region": "新城区"}))  # a county name many cities have
    assert "“新城区”对应多个" in text and "呼和浩特市新城区（150102）" in text


@pytest.mark.parametrize("page", REGION_PAGES)
def test_a_filter_filled_in_wrongly_shows_no_rows_rather_than_every_row(client, sides, page):
    xincheng, chifeng = REGION_PAGES[page]
    for typed in ("火星区", "新城区"):
        text = shown(client.get(reverse(page), {"region": typed}))
        assert xincheng not in text and chifeng not in text
    text = shown(client.get(reverse(page)))
    assert xincheng in text and chifeng in text


@pytest.mark.parametrize("page", ["contracts:purchase-list-list", "contracts:contract-list"])
def test_a_department_code_label_name_or_key_filters(client, sides, page):
    xincheng, chifeng = REGION_PAGES[page]
    department = sides["chifeng"]["department"]
    label = f"{department.name}（{department.code}）"
    # The dashboards and statistics link with the department's key.
    for typed in (department.code, department.code.lower(), label, department.name, str(department.pk)):
        response = client.get(reverse(page), {"department": typed})
        text = shown(response)
        assert chifeng in text and xincheng not in text, typed
        assert f'value="{label}"' in field_html(response, "department")
    text = shown(client.get(reverse(page), {"department": "外交部"}))
    assert "没有找到“外交部”" in text


def test_the_directorys_authority_is_a_civil_affairs_department_typed(client, sides):
    authority = sides["chifeng"]["organization"].registration_authority
    response = client.get(reverse("registry:organization-list"), {"authority": authority.name})
    text = shown(response)
    assert "赤峰红山养老服务中心" in text and "新城阳光社会工作服务中心" not in text
    assert "scope=civil_affairs" in field_html(response, "authority")
    purchaser = sides["chifeng"]["department"]  # not a registration authority
    text = shown(client.get(reverse("registry:organization-list"), {"authority": purchaser.code}))
    assert f"没有找到“{purchaser.code}”" in text


ORGANIZATION_PAGES = {
    "contracts:contract-list": "新城居家养老合同",
    "evaluations:evaluation-list": "新城居家养老合同",
    "supervision:credit-listings": "新城阳光社会工作服务中心",
    "supervision:inspection-list": "新城阳光社会工作服务中心",
    "supervision:order-list": "新城阳光社会工作服务中心",
}


@pytest.mark.parametrize("page", ORGANIZATION_PAGES)
def test_an_organization_code_suggestion_or_words_filter(client, sides, page):
    client.force_login(SuperuserFactory())
    organization = sides["xincheng"]["organization"]
    other = sides["chifeng"]["organization"]
    label = f"{organization.name}（{organization.uscc}）"
    for typed in (organization.uscc, organization.uscc.lower(), label, "新城阳光"):
        response = client.get(reverse(page), {"organization": typed})
        text = shown(response)
        assert ORGANIZATION_PAGES[page] in text and other.name not in text, typed
    field = field_html(response, "organization")
    assert reverse("registry:organization-suggestions") in field and "<select" not in field
    unknown = "91150100MA0000000X"
    text = shown(client.get(reverse(page), {"organization": f"不存在的组织（{unknown}）"}))
    assert f"没有找到“不存在的组织（{unknown}）”" in text


def test_the_officials_lists_suggest_their_own_regions_choices(client, sides):
    xincheng = sides["xincheng"]["department"]
    client.force_login(PurchaserFactory(department=xincheng))
    for page in ("contracts:contract-manage", "evaluations:evaluation-manage"):
        response = client.get(reverse(page))
        assert "scope=official" in field_html(response, "region"), page
        # A region outside the official's own is no choice there.
        text = shown(client.get(reverse(page), {"region": "150400"}))
        assert "没有找到“150400”" in text, page
    assert "scope=official" in field_html(client.get(reverse("contracts:contract-manage")), "department")
    assert "新城居家养老合同" in shown(client.get(reverse("contracts:contract-manage"), {"department": xincheng.code}))

    regions = shown(client.get(reverse("registry:region-suggestions"), {"scope": "official", "region": "新城"}))
    assert "呼和浩特市新城区（150102）" in regions and "150402" not in regions
    assert "赤峰" not in shown(client.get(reverse("registry:region-suggestions"), {"scope": "official", "q": "赤峰"}))
    departments = reverse("registry:department-suggestions")
    assert "新城区卫生健康局" in shown(client.get(departments, {"scope": "official", "department": "卫生健康"}))
    assert "赤峰" not in shown(client.get(departments, {"scope": "official", "department": "卫生健康"}))
    assert "赤峰市卫生健康委员会" in shown(client.get(departments, {"department": "卫生健康"}))  # the public lists
    client.logout()
    assert shown(client.get(departments, {"scope": "official", "department": "卫生健康"})).strip() == ""


def test_the_export_form_types_its_region(client, sides):
    client.force_login(PurchaserFactory(department=sides["xincheng"]["department"]))
    response = client.post(reverse("exports:list"), {"kind": "contracts", "file_format": "csv", "region": "火星"})
    assert response.status_code == 400 and "没有找到“火星”" in html.unescape(response.content.decode())
    assert "<select" not in str(response.context["form"]["region"])


@pytest.mark.parametrize("page", [*REGION_PAGES, "contracts:contract-manage"])
def test_a_region_filtered_page_reads_no_list_of_regions_or_departments(client, sides, page):
    client.force_login(PurchaserFactory(department=sides["xincheng"]["department"]))
    url = reverse(page)
    client.get(url, {"region": "150100"})  # warm up the session and content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"region": "150100"}).status_code == 200
        return len(queries)

    before = count()
    for code in ("150202", "150203", "150204", "150402", "150403", "150502", "150602", "150702"):
        department = PurchasingDepartmentFactory(region=region(code))
        organization = OrganizationFactory(region=region(code))
        contract = SignedContractFactory(department=department, organization=organization)
        PublishedPurchaseListFactory(department=department)
        FinalizedEvaluationFactory(contract=contract)
        CreditListingFactory(organization=organization)
    assert count() == before
