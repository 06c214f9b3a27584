"""The public organization directory: search, filters, sorting, pagination, export and a constant query count."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.models import CreditListing, Organization, Rating
from tests.factories import CreditListingFactory, DepartmentFactory, OrganizationFactory, RatingFactory, region

pytestmark = pytest.mark.django_db

URL = reverse("registry:organization-list")


def names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].paginated_rows]


@pytest.fixture
def directory():
    """Four organizations in three cities, with ratings, listings and statuses that the filters tell apart."""
    today = timezone.localdate()
    sunshine = OrganizationFactory(
        name="呼和浩特市阳光社会工作服务中心",
        region=region("150102"),
        org_type=Organization.Type.SERVICE,
        established_on=datetime.date(2012, 5, 4),
    )
    youth = OrganizationFactory(
        name="包头市青少年发展基金会",
        region=region("150200"),
        org_type=Organization.Type.FOUNDATION,
        established_on=datetime.date(2018, 9, 1),
    )
    elders = OrganizationFactory(
        name="赤峰市老年协会",
        region=region("150400"),
        org_type=Organization.Type.ASSOCIATION,
        established_on=datetime.date(2020, 1, 15),
        status=Organization.Status.DEREGISTERED,
        status_changed_on=datetime.date(2025, 12, 1),
        status_reason="自行解散",
    )
    hohhot = OrganizationFactory(
        name="呼和浩特市志愿者协会",
        region=region("150100"),
        org_type=Organization.Type.ASSOCIATION,
        established_on=datetime.date(2016, 3, 1),
    )
    RatingFactory(organization=sunshine, grade=Rating.Grade.A4, awarded_on=today - datetime.timedelta(days=400))
    RatingFactory(organization=youth, grade=Rating.Grade.A5, awarded_on=datetime.date(2015, 1, 10))  # expired
    CreditListingFactory(organization=youth, listed_on=today - datetime.timedelta(days=30))
    CreditListingFactory(
        organization=hohhot,
        listed_on=datetime.date(2024, 7, 1),
        removed_on=datetime.date(2024, 12, 1),
        removal_reason="已补报年度工作报告",
    )
    return {"sunshine": sunshine, "youth": youth, "elders": elders, "hohhot": hohhot}


def test_directory_is_public_and_lists_every_organization(client, directory):
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(org.name for org in directory.values())
    page = response.content.decode()
    assert "社会组织名录" in page
    assert directory["sunshine"].uscc in page
    assert "呼和浩特市新城区" in page  # a county is shown with its city


def test_the_directory_shows_the_legal_representative_and_the_authority_and_filters_by_it(client, directory):
    sunshine = directory["sunshine"]
    page = client.get(URL).content.decode()
    assert "法定代表人" in page and sunshine.legal_representative in page
    assert sunshine.registration_authority.name in page
    response = client.get(URL, {"authority": sunshine.registration_authority.code})
    assert names(response) == [sunshine.name]
    assert names(client.get(URL, {"authority": sunshine.registration_authority.name})) == [sunshine.name]
    assert "authority" in client.get(URL, {"authority": "NOPE"}).context["filter"].form.errors


def test_search_by_partial_chinese_name(client, directory):
    assert names(client.get(URL, {"q": "阳光"})) == ["呼和浩特市阳光社会工作服务中心"]
    assert sorted(names(client.get(URL, {"q": "协会"}))) == ["呼和浩特市志愿者协会", "赤峰市老年协会"]


def test_search_by_partial_uscc_lower_case_with_spaces(client, directory):
    code = directory["youth"].uscc
    fragment = code[4:10].lower() + " " + code[10:15].lower()
    assert names(client.get(URL, {"q": fragment})) == ["包头市青少年发展基金会"]
    assert names(client.get(URL, {"q": code.lower()})) == ["包头市青少年发展基金会"]


def test_filter_by_type(client, directory):
    response = client.get(URL, {"org_type": Organization.Type.ASSOCIATION})
    assert sorted(names(response)) == ["呼和浩特市志愿者协会", "赤峰市老年协会"]


def test_filter_by_city_includes_its_counties(client, directory):
    response = client.get(URL, {"region": "150100"})
    assert sorted(names(response)) == ["呼和浩特市志愿者协会", "呼和浩特市阳光社会工作服务中心"]
    assert names(client.get(URL, {"region": "150102"})) == ["呼和浩特市阳光社会工作服务中心"]
    assert len(names(client.get(URL, {"region": "150000"}))) == 4


def test_the_region_filter_is_typed_and_shows_the_chosen_regions_name(client, directory):
    response = client.get(URL, {"region": "150102"})
    field = str(response.context["filter"].form["region"])
    assert "<select" not in field and 'value="呼和浩特市新城区（150102）"' in field
    assert reverse("registry:region-suggestions") in field
    assert names(client.get(URL, {"region": "呼和浩特市新城区（150102）"})) == ["呼和浩特市阳光社会工作服务中心"]


def test_filter_by_status(client, directory):
    assert names(client.get(URL, {"status": Organization.Status.DEREGISTERED})) == ["赤峰市老年协会"]
    assert len(names(client.get(URL, {"status": Organization.Status.NORMAL}))) == 3


def test_filter_by_current_grade_and_no_valid_grade(client, directory):
    assert names(client.get(URL, {"grade": "4A"})) == ["呼和浩特市阳光社会工作服务中心"]
    assert names(client.get(URL, {"grade": "5A"})) == []  # 5A expired in 2020
    no_grade = sorted(names(client.get(URL, {"grade": "none"})))
    assert no_grade == ["包头市青少年发展基金会", "呼和浩特市志愿者协会", "赤峰市老年协会"]


def test_filter_by_current_credit_listing(client, directory):
    assert names(client.get(URL, {"on_credit_list": "true"})) == ["包头市青少年发展基金会"]
    not_listed = names(client.get(URL, {"on_credit_list": "false"}))
    assert "呼和浩特市志愿者协会" in not_listed  # removed listings do not count
    assert "包头市青少年发展基金会" not in not_listed


def test_filter_by_established_year_range(client, directory):
    response = client.get(URL, {"established_from": "2016", "established_to": "2018"})
    assert sorted(names(response)) == ["包头市青少年发展基金会", "呼和浩特市志愿者协会"]
    assert names(client.get(URL, {"established_from": "2019"})) == ["赤峰市老年协会"]


def test_filters_combine(client, directory):
    response = client.get(URL, {"region": "150100", "org_type": Organization.Type.SERVICE, "q": "中心"})
    assert names(response) == ["呼和浩特市阳光社会工作服务中心"]


def test_sort_by_columns(client, directory):
    by_date = names(client.get(URL, {"sort": "established_on"}))
    assert by_date == [
        "呼和浩特市阳光社会工作服务中心",
        "呼和浩特市志愿者协会",
        "包头市青少年发展基金会",
        "赤峰市老年协会",
    ]
    assert names(client.get(URL, {"sort": "-established_on"})) == list(reversed(by_date))
    by_region = names(client.get(URL, {"sort": "region"}))
    assert by_region[-2:] == ["包头市青少年发展基金会", "赤峰市老年协会"]
    by_uscc = names(client.get(URL, {"sort": "uscc"}))
    assert by_uscc == [org.name for org in sorted(directory.values(), key=lambda org: org.uscc)]
    assert names(client.get(URL, {"sort": "-current_grade"}))[0] == "呼和浩特市阳光社会工作服务中心"
    page = client.get(URL, {"sort": "name", "q": "协会"}).content.decode()
    assert "sort=-name" in page  # the header link reverses the order and keeps the search
    assert "q=%E5%8D%8F%E4%BC%9A" in page


def test_pagination_keeps_the_query_string(client):
    department = DepartmentFactory()
    OrganizationFactory.create_batch(30, registration_authority=department, org_type=Organization.Type.SERVICE)
    response = client.get(URL, {"q": "社会工作", "org_type": "service", "per_page": "10", "sort": "-name"})
    table = response.context["table"]
    assert table.paginator.num_pages == 3 and len(table.page.object_list) == 10
    hrefs = [html.unescape(href) for href in re.findall(r'href="(\?[^"]*)"', response.content.decode())]
    links = [query for query in (parse_qs(urlsplit(href).query) for href in hrefs) if "page" in query]
    assert links, "the page shows pagination links"
    for query in links:
        assert query["q"] == ["社会工作"]
        assert query["org_type"] == ["service"]
        assert query["per_page"] == ["10"]
        assert query["sort"] == ["-name"]
    second = client.get(URL, {"q": "社会工作", "org_type": "service", "per_page": "10", "sort": "-name", "page": "2"})
    assert second.context["table"].page.number == 2
    assert set(names(second)).isdisjoint(names(response))


def test_per_page_is_capped_and_bad_pages_fall_back(client):
    department = DepartmentFactory()
    OrganizationFactory.create_batch(105, registration_authority=department)
    assert len(names(client.get(URL))) == 25
    assert len(names(client.get(URL, {"per_page": "500"}))) == 100
    assert len(names(client.get(URL, {"per_page": "abc"}))) == 25
    assert client.get(URL, {"page": "99"}).context["table"].page.number == 5
    assert client.get(URL, {"page": "x"}).context["table"].page.number == 1


def test_invalid_filter_values_show_an_error_and_no_rows(client, directory):
    response = client.get(URL, {"region": "999999", "established_from": "abc"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"region", "established_from"}
    assert names(response) == []
    assert len(names(client.get(URL))) == 4


# ---- export ----------------------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_keeps_the_filters_and_has_chinese_headers(client, directory):
    response = client.get(URL, {"export": "csv", "region": "150100", "sort": "name"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    header = rows[0]
    assert header[:4] == ["名称", "统一社会信用代码", "类型", "所属区划"]
    assert "当前评估等级" in header and "当前列入信用名单" in header
    assert "联系电话" not in header and "联系邮箱" not in header  # contact data is not public
    body = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(body) == {"呼和浩特市阳光社会工作服务中心", "呼和浩特市志愿者协会"}
    sunshine = body["呼和浩特市阳光社会工作服务中心"]
    assert sunshine["统一社会信用代码"] == directory["sunshine"].uscc
    assert sunshine["所属区划"] == "呼和浩特市新城区"
    assert sunshine["类型"] == "社会服务机构(民办非企业单位)"
    assert sunshine["当前评估等级"] == "4A"
    assert sunshine["成立日期"] == "2012-05-04"
    assert sunshine["注册资金(元)"] == "30000.00"
    assert body["呼和浩特市志愿者协会"]["当前列入信用名单"] == "否"
    listed = csv_rows(client.get(URL, {"export": "csv", "on_credit_list": "true"}))
    assert [row[0] for row in listed[1:]] == ["包头市青少年发展基金会"]
    assert dict(zip(listed[0], listed[1], strict=True))["当前列入信用名单"] == "是"


@pytest.fixture
def formula_organization():
    return OrganizationFactory(
        name='=HYPERLINK("http://example.com","点击")',
        legal_representative="@SUM(1+1)",
        supervisory_unit="-2+3",
        domicile="+86 呼和浩特市",
    )


def test_csv_export_escapes_formulas(client, formula_organization):
    rows = csv_rows(client.get(URL, {"export": "csv"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["名称"] == '\'=HYPERLINK("http://example.com","点击")'
    assert row["法定代表人"] == "'@SUM(1+1)"
    assert row["业务主管单位"] == "'-2+3"
    assert row["住所"] == "'+86 呼和浩特市"
    assert row["统一社会信用代码"] == formula_organization.uscc


def xlsx_sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_xlsx_export_keeps_the_filters(client, directory):
    sheet = xlsx_sheet(client.get(URL, {"export": "xlsx", "grade": "none", "sort": "established_on"}))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("名称", "统一社会信用代码", "类型")
    assert [row[0] for row in rows[1:]] == ["呼和浩特市志愿者协会", "包头市青少年发展基金会", "赤峰市老年协会"]
    youth = dict(zip(header, rows[2], strict=True))
    assert youth["统一社会信用代码"] == directory["youth"].uscc
    assert youth["成立日期"] == datetime.datetime(2018, 9, 1)
    assert youth["注册资金(元)"] == 30000
    assert youth["当前列入信用名单"] == "是"
    assert youth["当前评估等级"] is None  # its 5A expired
    elders = dict(zip(header, rows[3], strict=True))
    assert elders["登记状态"] == "注销"


def test_xlsx_export_writes_formulas_as_text(client, formula_organization):
    sheet = xlsx_sheet(client.get(URL, {"export": "xlsx"}))
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for column, text in [
        ("名称", '=HYPERLINK("http://example.com","点击")'),
        ("法定代表人", "@SUM(1+1)"),
        ("业务主管单位", "-2+3"),
    ]:
        cell = cells[column]
        assert cell.value == text
        assert cell.data_type == "s", f"{column} must be stored as text, not as a formula"
        assert cell.quotePrefix


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_past_the_row_cap_asks_for_a_narrower_filter(client, directory, settings, file_format):
    settings.DIRECTORY_EXPORT_MAX_ROWS = 2
    response = client.get(URL, {"export": file_format, "status": "normal"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {"status": ["normal"]}
    page = client.get(response["Location"]).content.decode()
    assert "超过导出上限 2 条" in page
    assert client.get(URL, {"export": file_format, "status": "deregistered"}).status_code == 200


def test_exports_are_throttled_per_client(client, directory, settings):
    settings.DIRECTORY_EXPORTS_PER_MINUTE = 3
    statuses = [client.get(URL, {"export": "csv", "status": "deregistered"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="198.51.100.40").get(URL, {"export": "csv"}).status_code == 200
    assert client.get(URL).status_code == 200  # the page itself is not throttled


# ---- query count -----------------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    department = DepartmentFactory()
    organizations = OrganizationFactory.create_batch(
        110, registration_authority=department, region=region("150102"), org_type=Organization.Type.SERVICE
    )
    for index, organization in enumerate(organizations):
        RatingFactory(organization=organization, awarding_authority=department)
        if index % 3 == 0:
            CreditListingFactory(organization=organization, deciding_authority=department)
        if index % 5 == 0:
            CreditListingFactory(
                organization=organization, deciding_authority=department, list_kind=CreditListing.List.SERIOUS
            )

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        return len(queries), len(names(response))

    small, small_rows = count({"per_page": "10", "region": "150100", "sort": "region"})
    large, large_rows = count({"per_page": "100", "region": "150100", "sort": "region"})
    assert (small_rows, large_rows) == (10, 100)
    assert small == large
    with django_assert_max_num_queries(6):
        client.get(URL, {"per_page": "100", "grade": "4A", "on_credit_list": "true"})


@pytest.mark.parametrize("year", ["0", "10000", "-5"])
def test_impossible_established_year_is_a_form_error_not_a_server_error(client, year):
    response = client.get(URL, {"established_from": year})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["established_from"]
