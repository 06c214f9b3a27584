"""The statistics pages: public figures, drill-down with breadcrumbs, every table downloadable, accessible charts with
data tables, links to the filtered lists, officials' richer figures, the annual report and the data-quality report."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.spreadsheets import csv_lines
from notifications.todo import assemble
from tests.factories import (
    DeliverableFactory,
    OrganizationFactory,
    PaymentFactory,
    PurchaserFactory,
    RegistrarFactory,
    region,
)

pytestmark = pytest.mark.django_db

URL = "/statistics/"


def csv_text(response) -> str:
    """The text of a CSV download, which is streamed."""
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_public_overview_of_the_province(world, client: Client):
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    # Hohhot and Baotou rows drill down to their own statistics; the breadcrumbs start at the province.
    assert 'href="/statistics/?region=150100&amp;year=2026"' in html
    assert "内蒙古自治区" in html
    assert "<svg" in html and 'role="img"' in html
    # Contract count of Hohhot links to the contract list filtered the same way.
    assert "/contracts/?region=150100&amp;year=2026" in html
    # The officials' measures are not shown to the public.
    assert "完成监督检查" not in html
    assert response.context["total"].values["contract_amount"] == Decimal("650000.00")
    assert 'data-testid="sum-contracts">4<' in html


def test_drill_down_to_a_county_with_breadcrumbs(world, client: Client):
    response = client.get(URL, {"region": "150100", "year": 2026})
    crumbs = [region.code for region in response.context["breadcrumbs"]]
    assert crumbs == ["150000", "150100"]
    rows = {row.key: row for row in response.context["table"].rows}
    assert rows["150102"].values["contracts_signed"] == 1
    county = client.get(URL, {"region": "150102", "year": 2026})
    assert [region.code for region in county.context["breadcrumbs"]] == ["150000", "150100", "150102"]
    assert county.context["total"].values["contract_amount"] == Decimal("150000.00")


def test_regions_outside_the_province_and_bad_parameters_are_not_found(world, client: Client):
    assert client.get(URL, {"region": "110000"}).status_code == 404
    assert client.get(URL, {"year": "abc"}).status_code == 404
    assert client.get(URL, {"by": "colour"}).status_code == 404
    assert client.get(URL, {"category": "x"}).status_code == 404


@pytest.mark.parametrize("by", ["region", "department", "category", "org_type"])
def test_each_dimension_and_its_downloads(world, client: Client, by):
    assert client.get(URL, {"year": 2026, "by": by}).status_code == 200
    xlsx = client.get(URL, {"year": 2026, "by": by, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert rows[-1][0] == "合计"
    amount_column = header.index("合同·合同金额（元）")
    assert Decimal(str(rows[-1][amount_column])) == Decimal("650000.00")
    text = csv_text(client.get(URL, {"year": 2026, "by": by, "format": "csv"}))
    assert list(csv.reader(io.StringIO(text)))[0] == list(header)


def test_trend_and_concentration_downloads(world, client: Client):
    trend = csv_text(client.get(URL, {"year": 2026, "table": "trend", "format": "csv"}))
    rows = list(csv.reader(io.StringIO(trend)))
    assert [row[0] for row in rows[1:]] == ["2025", "2026", "合计"]
    top = client.get(URL, {"region": "150100", "year": 2026, "table": "concentration", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(top.content)).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [150000, 120000, 80000]


@pytest.mark.parametrize("table", ["main", "trend", "concentration"])
def test_csv_downloads_stream_the_same_text_as_the_whole_file(world, client: Client, table):
    """Each CSV table is sent in blocks as it is written, and the blocks make up exactly the text that the whole
    table written at once gives (byte-order mark, header, rows, total)."""
    from stats.presentation import concentration_table, download_table
    from stats.scope import Scope
    from stats.selectors import concentration, statistics_table

    response = client.get(URL, {"region": "150100", "year": 2026, "table": table, "format": "csv"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    scope = Scope(region=region("150100"), year=2026)
    if table == "concentration":
        headers, rows = concentration_table(concentration(scope))
    else:
        headers, rows = download_table(
            statistics_table(
                scope.with_year(None) if table == "trend" else scope, "year" if table == "trend" else "region"
            )
        )
    whole = "".join(csv_lines(headers, rows)).encode("utf-8")
    assert body == whole
    assert body.startswith("\ufeff".encode()) and len(rows) >= 2


def test_csv_download_sends_a_long_table_in_several_blocks(world, client: Client, monkeypatch):
    """A data-quality list longer than one block is streamed in more than one piece, read from the database as it
    is sent."""
    from core import spreadsheets

    monkeypatch.setattr(spreadsheets, "CSV_CHUNK_CHARS", 40)
    purchaser = PurchaserFactory(department=world["hohhot_dept"])
    client.force_login(purchaser)
    response = client.get("/statistics/quality/", {"item": "no_contract_text", "format": "csv"})
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[0][0]


def test_officials_in_scope_see_supervision_figures(world, client: Client, password):
    registrar = RegistrarFactory(department__region=region("150100"))
    client.force_login(registrar)
    html = client.get(URL, {"region": "150100", "year": 2026}).content.decode()
    assert "完成监督检查" in html
    # Outside the official's region the page is the public one.
    assert "完成监督检查" not in client.get(URL, {"region": "150200", "year": 2026}).content.decode()


def test_year_selector_and_all_years(world, client: Client):
    response = client.get(URL, {"year": ""})
    assert response.context["scope"].year is None
    assert response.context["total"].values["contracts_signed"] == 5
    assert response.context["years"] == [2026, 2025]


def test_constant_query_count(world, client: Client):
    with CaptureQueriesContext(connection) as first:
        client.get(URL, {"year": 2026})
    for _ in range(3):
        DeliverableFactory(contract=world["contracts"][0])
        PaymentFactory(contract=world["contracts"][1], instalment=2 + _)
    with CaptureQueriesContext(connection) as second:
        client.get(URL, {"year": 2026})
    assert len(second.captured_queries) == len(first.captured_queries)


def test_annual_report_pdf(world, client: Client):
    response = client.get("/statistics/report.pdf", {"region": "150100", "year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get("/statistics/report.pdf", {"year": ""}).status_code == 404


def test_annual_report_sentences(world):
    from stats.reports import narrative
    from stats.scope import Scope
    from stats.selectors import summary

    scope = Scope(region=region("150000"), year=2026)
    values = summary(scope, today=world["today"])
    previous = summary(scope.with_year(2025), today=world["today"])
    first = narrative(scope, values, previous, Decimal("100.0"), 4)[0]
    # 650,000 against 450,000 the year before.
    assert first == "2026 年内蒙古自治区共签订政府向社会组织购买服务合同 4 份，金额 65.00 万元，较上年增长 44.4%。"


def test_data_quality_report(world, client: Client):
    purchaser = PurchaserFactory(department=world["hohhot_dept"])
    client.force_login(purchaser)
    response = client.get("/statistics/quality/")
    assert response.status_code == 200
    counts = {item.key: item.count for item in response.context["report"].items}
    # The purchaser answers for the own department's contracts (3 signed, none with a public contract text), not for
    # the county department's below it.
    assert counts["no_contract_text"] == 3
    assert "missing_contact" not in counts  # a registrar's item
    detail = client.get("/statistics/quality/", {"item": "no_contract_text"})
    assert len(detail.context["rows"]) == 3
    download = client.get("/statistics/quality/", {"item": "no_contract_text", "format": "csv"})
    assert len(list(csv.reader(io.StringIO(csv_text(download))))) == 4
    # The same check is on the purchaser's to-do list.
    groups = {group.key: group for group in assemble(purchaser)}
    assert groups["stats.no_contract_text"].count == 3
    assert "stats.missing_contact" not in groups


def test_data_quality_is_for_officials_in_their_region(world, client: Client):
    assert client.get("/statistics/quality/").status_code == 302
    registrar = RegistrarFactory(department__region=region("150200"))
    client.force_login(registrar)
    assert client.get("/statistics/quality/", {"region": "150100"}).status_code == 404
    report = client.get("/statistics/quality/").context["report"]
    assert {item.key for item in report.items} == {"missing_contact", "expired_rating", "missing_inspection"}
    assert report.item("missing_contact").count == 0
    # Registered by this registrar's bureau: on the report and on the 待办.
    OrganizationFactory(
        region=region("150203"), contact_phone="", contact_email="", registration_authority=registrar.department
    )
    OrganizationFactory(region=region("150102"), contact_phone="")  # Hohhot: not this registrar's
    report = client.get("/statistics/quality/").context["report"]
    assert report.item("missing_contact").count == 1
    groups = {group.key: group for group in assemble(registrar)}
    assert groups["stats.missing_contact"].count == 1
    assert groups["stats.missing_contact"].items[0].url.startswith("/organizations/")


def test_the_page_reads_the_summary_of_the_day(world, client: Client):
    from stats.summary import refresh_summary

    live = client.get(URL, {"year": 2026})
    refresh_summary()
    summarized = client.get(URL, {"year": 2026})
    assert "数据汇总于" in summarized.content.decode() and "数据汇总于" not in live.content.decode()
    assert summarized.context["total"].values == live.context["total"].values
    assert [row.values for row in summarized.context["table"].rows] == [
        row.values for row in live.context["table"].rows
    ]


def test_figures_are_kept_until_a_write_to_their_tables(world, client: Client, committed, settings):
    """With the page cache on, a signed-in official's overview is read back (its figures kept by the tables they
    were read from): a write elsewhere leaves them, a payment recorded shows on the next request."""
    from core import pagecache
    from tests.factories import ComplaintFactory

    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    pagecache._TABLES_READ.clear()
    client.force_login(RegistrarFactory(department__region=region("150100")))

    def paid() -> Decimal:
        return client.get(URL, {"year": 2026}).context["total"].values["paid"]

    def summary_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"year": 2026})
        return sum('"contracts_contract"' in q["sql"] or '"stats_summaryrow"' in q["sql"] for q in queries)

    with committed():
        pass  # the fixtures' rows, committed
    before = paid()
    for _ in range(2):  # the figures' tables are learned on their second computation
        with committed():
            ComplaintFactory(organization=world["local_org"])
        paid()
    assert summary_queries() == 0
    with committed():
        ComplaintFactory(organization=world["local_org"])  # a table the figures are not read from
    assert summary_queries() == 0
    with committed():
        PaymentFactory(contract=world["contracts"][1], instalment=5, amount=Decimal("1000.00"))
    assert paid() == before + Decimal("1000.00")
    pagecache._TABLES_READ.clear()
