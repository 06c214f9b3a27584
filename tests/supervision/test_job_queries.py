"""The scheduled jobs write in bulk: the deadline check and the planning of a draw's inspections make the same number
of queries for a few items as for many, and write the same records (history included) as one at a time."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from registry.models import CreditListing
from supervision import services
from supervision.escalation import check_deadlines
from supervision.models import Inspection, OrderListing, RectificationOrder
from tests.factories import (
    CreditListingFactory,
    DeliverableFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    SignedContractFactory,
    region,
)
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db

AFTER = datetime.date(2026, 11, 2)


def overdue_world(size, registrar, purchaser, hohhot_bureau):
    """`size` organizations, each with a member, an overdue order and an overdue deliverable; the first one already on
    the activity-abnormal list, the second with two overdue orders."""
    orders = []
    for n in range(size):
        organization = OrganizationFactory(region=region("150102"), registration_authority=hohhot_bureau)
        OrganizationMemberFactory(organization=organization)
        if n == 0:
            CreditListingFactory(organization=organization, listed_on=datetime.date(2026, 7, 1))
        for requirement in ("建立项目资金专账", "公开年度报告")[: 2 if n == 1 else 1]:
            orders.append(
                services.order_issue(
                    actor=registrar,
                    organization=organization,
                    requirements=requirement,
                    deadline=DEADLINE,
                    issued_on=ISSUED_ON,
                )
            )
        contract = SignedContractFactory(
            organization=organization, department=purchaser.department, status="performing"
        )
        DeliverableFactory(contract=contract, due_on=datetime.date(2026, 10, 20), payment_share=100)
    return orders


def run_check(on):
    with CaptureQueriesContext(connection) as queries:
        report = check_deadlines(on=on, now=at(2026, 11, 2, 1))
    return report, len(queries)


def test_deadline_check_queries_do_not_grow_with_the_orders(
    registrar, purchaser, hohhot_bureau, django_assert_max_num_queries
):
    small = overdue_world(2, registrar, purchaser, hohhot_bureau)
    small_report, small_queries = run_check(AFTER)
    assert len(small_report.marked_orders) == len(small) == 3

    large = overdue_world(12, registrar, purchaser, hohhot_bureau)
    with django_assert_max_num_queries(small_queries):
        large_report = check_deadlines(on=AFTER + datetime.timedelta(days=1), now=at(2026, 11, 3, 1))
    assert len(large_report.marked_orders) == len(large) == 13
    assert len(large_report.listings_created) == 11 and len(large_report.listings_linked) == 2
    assert len(large_report.flagged_deliverables) == 12 and not large_report.errors
    # The same records as one order at a time: each order linked once, each new listing with its history row (the
    # system's decision) and its organization's members told once.
    assert OrderListing.objects.filter(order__in=large).count() == 13
    for order in RectificationOrder.objects.filter(pk__in=[o.pk for o in large]):
        assert order.overdue_marked_at == at(2026, 11, 3, 1)
        assert order.history.first().history_type == "~"
    new = CreditListing.objects.filter(listed_on=AFTER + datetime.timedelta(days=1))
    assert new.count() == 11
    for listing in new:
        [history] = listing.history.all()
        assert history.history_user is None and "系统自动处理" in history.history_change_reason
    assert Notification.objects.filter(kind=Notification.Kind.LISTING_ADDED, target_id__in=new).count() == 11
    # A second run changes nothing.
    assert not check_deadlines(on=AFTER + datetime.timedelta(days=1)).changed


def test_deadline_check_command_says_how_long_it_took(registrar, purchaser, hohhot_bureau):
    overdue_world(2, registrar, purchaser, hohhot_bureau)
    out = io.StringIO()
    call_command("check_deadlines", "--on", AFTER.isoformat(), stdout=out)
    assert "用时" in out.getvalue() and "数据库查询" in out.getvalue()


@pytest.fixture
def population(hohhot_bureau):
    codes = ["150100", "150102", "150103", "150104", "150105", "150121"]
    return [
        OrganizationFactory(region=region(codes[n % len(codes)]), registration_authority=hohhot_bureau)
        for n in range(60)
    ]


def test_planning_a_draw_makes_the_same_queries_for_any_sample(
    registrar, second_registrar, population, django_assert_max_num_queries
):
    now = at(2026, 11, 20)
    small = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, rate="5", now=now)
    large = services.sample_draw_create(actor=registrar, region=region("150100"), year=2027, rate="50", now=now)
    assert (small.sample_size, large.sample_size) == (3, 30)
    planned_on = datetime.date(2026, 12, 10)
    inspectors = [registrar, second_registrar]
    with CaptureQueriesContext(connection) as queries:
        services.sample_draw_plan_inspections(actor=registrar, draw=small, planned_on=planned_on, inspectors=inspectors)
    with django_assert_max_num_queries(len(queries)):
        created = services.sample_draw_plan_inspections(
            actor=registrar, draw=large, planned_on=planned_on, inspectors=inspectors
        )
    assert len(created) == 30
    assert {i.organization_id for i in created} == set(large.entries.values_list("organization_id", flat=True))
    # Each inspection as the one-at-a-time service wrote it: its history row by the registrar, with its inspectors.
    for inspection in Inspection.objects.filter(sample_draw=large):
        assert inspection.kind == Inspection.Kind.RANDOM and inspection.is_planned
        assert set(inspection.inspectors.values_list("pk", flat=True)) == {registrar.pk, second_registrar.pk}
        [history] = inspection.history.all()
        assert history.history_user == registrar and history.history_type == "+"
        assert set(history.inspectors.values_list("user_id", flat=True)) == {registrar.pk, second_registrar.pk}
    assert services.sample_draw_plan_inspections(actor=registrar, draw=large, planned_on=planned_on) == []


def test_draw_command_says_how_long_it_took(registrar, population):
    out = io.StringIO()
    call_command(
        "draw_inspection_sample",
        "150100",
        "--year",
        "2026",
        "--user",
        registrar.username,
        "--plan-on",
        "2026-12-10",
        stdout=out,
    )
    text = out.getvalue()
    assert "已安排检查 3 项" in text and "用时" in text and "数据库查询" in text
