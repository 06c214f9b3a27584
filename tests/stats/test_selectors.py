"""Every figure equals a count or sum of the records it summarizes: each is computed by the aggregate selectors and
again here by walking the records in Python, for every dimension; disclosure and region scoping hold; the query count
does not grow with the data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract, Deliverable, Payment, PurchaseItem, PurchaseList
from evaluations.models import Evaluation
from registry.models import Organization
from stats.scope import Scope
from stats.selectors import available_years, concentration, statistics_table, summary
from supervision.models import Complaint, Inspection, RectificationOrder
from tests.factories import PurchaserFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db

DIMENSIONS = ["region", "year", "department", "category", "org_type"]


def _under(path: str, prefix: str) -> bool:
    return path.startswith(prefix)


def by_hand(scope: Scope, today: datetime.date, row_filter) -> dict:
    """The figures of the records that `row_filter(kind, record)` admits, walking every record in Python."""
    prefix, year = scope.prefix, scope.year
    figures: dict = {}

    items = [
        item
        for item in PurchaseItem.objects.select_related("purchase_list__region")
        if item.purchase_list.status == "published"
        and _under(item.purchase_list.region.path, prefix)
        and (year is None or item.purchase_list.year == year)
        and row_filter("item", item)
    ]
    figures["lists_published"] = sum(
        1
        for plist in PurchaseList.objects.select_related("region").prefetch_related("items")
        if plist.status == "published"
        and _under(plist.region.path, prefix)
        and (year is None or plist.year == year)
        and row_filter("list", plist)
    )
    figures["items_published"] = len(items)
    figures["budget"] = sum((item.budget for item in items), Decimal("0.00"))

    contracts = [
        contract
        for contract in Contract.objects.select_related("department__region", "organization__region", "purchase_item")
        if contract.status != "draft"
        and _under(contract.department.region.path, prefix)
        and (year is None or contract.year == year)
        and row_filter("contract", contract)
    ]
    figures["contracts_signed"] = len(contracts)
    figures["contract_amount"] = sum((contract.amount for contract in contracts), Decimal("0.00"))
    outside = [contract for contract in contracts if not _under(contract.organization.region.path, prefix)]
    figures["outside_contracts"] = len(outside)
    figures["outside_amount"] = sum((contract.amount for contract in outside), Decimal("0.00"))

    def of_contract(record) -> bool:
        contract = record.contract
        return (
            contract.status != "draft"
            and _under(contract.department.region.path, prefix)
            and row_filter("contract", contract)
        )

    payments = [
        payment
        for payment in Payment.objects.select_related("contract__department__region", "contract__organization")
        if of_contract(payment) and (year is None or payment.paid_on.year == year)
    ]
    figures["payments"] = len(payments)
    figures["paid"] = sum((payment.amount for payment in payments), Decimal("0.00"))

    deliverables = [
        deliverable
        for deliverable in Deliverable.objects.select_related("contract__department__region", "contract__organization")
        if of_contract(deliverable) and (year is None or deliverable.due_on.year == year)
    ]
    figures["deliverables_due"] = len(deliverables)
    accepted = [deliverable for deliverable in deliverables if deliverable.status == "accepted"]
    figures["accepted_on_time"] = sum(
        1 for deliverable in accepted if deliverable.accepted_at.astimezone().date() <= deliverable.due_on
    )
    figures["accepted_late"] = len(accepted) - figures["accepted_on_time"]
    figures["overdue"] = sum(
        1
        for deliverable in deliverables
        if deliverable.contract.status in ("signed", "performing")
        and deliverable.due_on < today
        and deliverable.status != "accepted"
    )
    figures["returned"] = sum(1 for deliverable in deliverables if deliverable.status == "returned")

    evaluations = [
        evaluation
        for evaluation in Evaluation.objects.select_related("contract__department__region", "contract__organization")
        if evaluation.status == "finalized" and of_contract(evaluation) and (year is None or evaluation.year == year)
    ]
    figures["evaluations"] = len(evaluations)
    for grade in ("excellent", "good", "fair", "poor"):
        figures[f"grade_{grade}"] = sum(1 for evaluation in evaluations if evaluation.grade == grade)
    return figures


def _row_filter(dimension: str, key: str):
    """Admit the records of one row of `dimension`."""

    def admit(kind: str, record) -> bool:
        contract = record if kind == "contract" else None
        if kind == "list":
            if dimension == "region":
                return f"/{key}/" in f"/{record.region.path}"
            if dimension == "department":
                return str(record.department_id) == key
            if dimension == "category":
                return any(item.category == key for item in record.items.all())
            return dimension != "org_type"
        if dimension == "region":
            path = record.purchase_list.region.path if kind == "item" else contract.department.region.path
            return f"/{key}/" in f"/{path}"
        if dimension == "department":
            department_id = record.purchase_list.department_id if kind == "item" else contract.department_id
            return str(department_id) == key
        if dimension == "category":
            category = record.category if kind == "item" else getattr(contract.purchase_item, "category", None)
            return category == key
        if dimension == "org_type":
            return kind == "contract" and contract.organization.org_type == key
        return True

    return admit


def _compare(row_values: dict, expected: dict, label: str) -> None:
    for key, value in expected.items():
        if row_values.get(key) is None:
            continue  # not broken down that way (e.g. purchase items by organization type)
        assert row_values[key] == value, f"{label}: {key} = {row_values[key]}, counted by hand {value}"


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("year", [2026, None])
def test_every_row_and_total_equal_the_records_they_summarize(world, dimension, year):
    today = world["today"]
    scope = Scope(region=region("150000"), year=year)
    table = statistics_table(scope, dimension, today=today)
    assert table.rows
    for row in table.rows:
        if dimension == "year":
            expected = by_hand(Scope(region=scope.region, year=int(row.key)), today, lambda kind, record: True)
        elif dimension == "region" and row.key == "=":
            continue
        else:
            expected = by_hand(scope, today, _row_filter(dimension, row.key))
        _compare(row.values, expected, f"{dimension} {row.label}")
    if dimension != "year":
        _compare(table.total.values, by_hand(scope, today, lambda kind, record: True), "total")


def test_known_figures_with_amendments_drafts_and_withdrawn_lists(world):
    values = summary(Scope(region=region("150000"), year=2026), today=world["today"])
    # 120,000 (amended twice, counted once at its current amount) + 80,000 + 150,000 + 300,000; the draft is not.
    assert values["contract_amount"] == Decimal("650000.00")
    assert values["contracts_signed"] == 4
    # 300,000 + 100,000 + 200,000 + 400,000: neither the draft list's item nor the withdrawn list's.
    assert values["budget"] == Decimal("1000000.00")
    assert values["contracted_share"] == Decimal("65.0")
    assert values["lists_published"] == 3
    assert (values["accepted_on_time"], values["accepted_late"], values["returned"]) == (1, 1, 1)
    assert values["overdue"] == 2  # the returned one (due 10-31) and the submitted one (due 11-30)
    assert (values["evaluations"], values["grade_excellent"], values["grade_fair"]) == (2, 1, 1)
    assert values["average_score"] == Decimal("81.50")
    assert values["outside_contracts"] == 1 and values["outside_amount"] == Decimal("80000.00")
    assert values["paid"] == Decimal("360000.00")
    # Public figures carry no supervision measures.
    assert "inspections" not in values and "complaints" not in values


def test_region_scoping_and_drill_down(world):
    today = world["today"]
    hohhot = Scope(region=world["hohhot"], year=2026)
    values = summary(hohhot, today=today)
    assert values["contracts_signed"] == 3
    assert values["contract_amount"] == Decimal("350000.00")
    table = statistics_table(hohhot, "region", today=today)
    rows = {row.key: row for row in table.rows}
    # Hohhot's own departments form the 本级 row; Xincheng district holds the county contract.
    assert rows["150102"]["contracts_signed"] == 1
    assert rows["="]["contracts_signed"] == 2
    assert sum(row["contracts_signed"] for row in table.rows) == table.total["contracts_signed"]
    # Baotou's contract went to a Baotou organization: not "outside" for Baotou, but Beijing's is outside Hohhot.
    assert summary(Scope(region=world["baotou"], year=2026), today=today)["outside_contracts"] == 0
    assert values["outside_contracts"] == 1


def test_officials_in_scope_see_supervision_measures(world):
    today = world["today"]
    values = summary(Scope(region=world["hohhot"], year=2026, detailed=True), today=today)
    assert values["inspections"] == Inspection.objects.filter(status="completed").count() == 1
    assert values["problems_found"] == 1
    assert values["orders_issued"] == RectificationOrder.objects.count() == 1
    assert values["orders_verified"] == 1
    assert values["complaints"] == Complaint.objects.count() == 1 and values["complaints_upheld"] == 1
    assert summary(Scope(region=world["baotou"], year=2026, detailed=True), today=today)["inspections"] == 0


def test_organizations_figures(world):
    values = summary(Scope(region=region("150000")), today=world["today"])
    in_province = Organization.objects.filter(region__path__startswith=region("150000").path)
    assert values["organizations_active"] == in_province.filter(status="normal").count()
    assert values["organizations_rated"] == 1
    assert values["abnormal_listed"] == 1 and values["serious_listed"] == 0


def test_filters_narrow_every_family(world):
    today = world["today"]
    scope = Scope(region=region("150000"), year=2026, category="technical")
    values = summary(scope, today=today)
    assert values["contracts_signed"] == 1 and values["budget"] == Decimal("300000.00")
    assert values["lists_published"] == 2
    by_category = statistics_table(Scope(region=region("150000"), year=2026), "category", today=today)
    assert by_category.total["lists_published"] == 3
    assert sum(row["lists_published"] for row in by_category.rows) == 4
    # Organizations are not classified by service category: not applicable rather than a wrong zero.
    assert values["organizations_active"] is None
    department = Scope(region=region("150000"), year=2026, department_id=world["hohhot_dept"].pk)
    assert summary(department, today=today)["contract_amount"] == Decimal("200000.00")


def test_concentration(world):
    result = concentration(Scope(region=world["hohhot"], year=2026), today=world["today"])
    assert result.total_amount == Decimal("350000.00")
    assert [supplier.amount for supplier in result.suppliers] == [
        Decimal("150000.00"),
        Decimal("120000.00"),
        Decimal("80000.00"),
    ]
    assert result.suppliers[2].outside and not result.suppliers[0].outside
    assert result.top_share == Decimal("100.0")
    assert result.outside_contracts == 1


def test_available_years(world):
    assert available_years() == [2026, 2025]


def test_query_count_does_not_grow(world, django_assert_max_num_queries):
    scope = Scope(region=region("150000"), year=2026, detailed=True)
    with CaptureQueriesContext(connection) as first:
        statistics_table(scope, "region", today=world["today"])
    world_more = [RegistrarFactory(), PurchaserFactory()]
    assert world_more
    with CaptureQueriesContext(connection) as second:
        statistics_table(scope, "department", today=world["today"])
    assert len(first.captured_queries) <= 22
    assert len(second.captured_queries) <= 22


@pytest.mark.parametrize("detailed", [False, True])
def test_the_summary_table_gives_the_same_figures(world, detailed):
    """After `refresh_summary`, the pages read the summary rows: every row and total equals the records' figures."""
    from stats.summary import refresh_summary, summary_in_use

    today = world["today"]
    scopes = [
        Scope(region=region("150000"), year=2026, detailed=detailed),
        Scope(region=region("150000"), year=None, detailed=detailed),
        Scope(region=world["hohhot"], year=2026, detailed=detailed),
        Scope(region=region("150000"), year=2026, category="technical", detailed=detailed),
        Scope(region=region("150000"), year=2026, department_id=world["hohhot_dept"].pk, detailed=detailed),
        Scope(region=region("150000"), year=2026, org_type="service", detailed=detailed),
    ]

    def figures():
        out = []
        for scope in scopes:
            out.append(summary(scope, today=today))
            out.append(concentration(scope, today=today))
            for dimension in DIMENSIONS:
                table = statistics_table(
                    scope.with_year(None) if dimension == "year" else scope, dimension, today=today
                )
                out.append([(row.key, row.values) for row in [*table.rows, table.total]])
        return out

    assert summary_in_use(today) is None
    live = figures()
    refresh = refresh_summary(today)
    assert summary_in_use(today) == refresh and refresh.rows > 0
    summarized = figures()
    for index, (left, right) in enumerate(zip(summarized, live, strict=True)):
        assert left == right, index
    # A refresh of another day is not used.
    assert summary_in_use(today + datetime.timedelta(days=1)) is None


def test_summary_queries(world):
    from stats.summary import refresh_summary

    refresh_summary(world["today"])
    scope = Scope(region=region("150000"), year=2026, detailed=True)
    with CaptureQueriesContext(connection) as queries:
        statistics_table(scope, "region", today=world["today"])
    # The refresh lookup, the summary rows and the child regions.
    assert len(queries.captured_queries) == 3


def test_refresh_command_and_task(world):
    from django.core.management import call_command

    from stats.models import SummaryRefresh, SummaryRow
    from stats.tasks import refresh_statistics_task

    call_command("refresh_statistics", "--on", "2026-12-06", stdout=open("/dev/null", "w"))
    first = SummaryRow.objects.count()
    assert first > 0 and SummaryRefresh.objects.get().rows == first
    result = refresh_statistics_task.enqueue("2026-12-06").return_value
    assert result["rows"] == first and SummaryRow.objects.count() == first  # replaced, not added
