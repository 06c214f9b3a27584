"""Lists and summaries the pages show: orders by scope, "my rectification orders", the public summary."""

import datetime

import pytest

from supervision import services
from supervision.escalation import check_deadlines
from supervision.selectors import order_facts, order_list, organization_order_list, organization_supervision_summary
from tests.factories import CreditListingFactory, OrganizationFactory, PurchaserFactory, region
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db


def issue(actor, organization, requirements="整改", deadline=DEADLINE):
    return services.order_issue(
        actor=actor, organization=organization, requirements=requirements, deadline=deadline, issued_on=ISSUED_ON
    )


def test_order_lists_by_role(
    registrar, purchaser, county_registrar, baotou_registrar, member, other_member, organization
):
    mine = issue(registrar, organization)
    by_purchaser = issue(purchaser, organization)
    elsewhere = issue(baotou_registrar, OrganizationFactory(region=region("150203")))
    assert set(order_list(user=registrar)) == {mine, by_purchaser}
    assert set(order_list(user=county_registrar)) == {mine, by_purchaser}
    assert list(order_list(user=baotou_registrar)) == [elsewhere]
    assert set(order_list(user=member)) == {mine, by_purchaser}
    assert list(order_list(user=other_member)) == []
    assert list(order_list(user=None)) == []
    # "Mine": an official's own department's orders; a member's organization's.
    assert list(order_list(user=registrar, mine=True)) == [mine]
    assert list(order_list(user=purchaser, mine=True)) == [by_purchaser]
    assert set(order_list(user=member, mine=True)) == {mine, by_purchaser}
    # A purchaser of another department in the same city sees the region's orders but has none of its own.
    colleague = PurchaserFactory(department__region=region("150100"))
    assert set(order_list(user=colleague)) == {mine, by_purchaser}
    assert list(order_list(user=colleague, mine=True)) == []


def test_order_list_annotations(registrar, member, organization):
    order = issue(registrar, organization)
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 11, 3))
    row = organization_order_list(organization=organization, user=registrar, on=datetime.date(2026, 11, 5)).get()
    assert row.is_overdue_now
    # The answers are counted for the shown page's rows (order_facts), not in the list's query.
    assert not hasattr(row, "response_count")
    assert order_facts([row])[0].response_count == 1
    row = order_list(user=member, on=datetime.date(2026, 10, 20)).get()
    assert not row.is_overdue_now


def test_public_summary(registrar, member, organization):
    closed = issue(registrar, organization, "公开年度报告")
    overdue = issue(registrar, organization, "建立专账")
    issue(registrar, organization, "完善制度", deadline=datetime.date(2026, 12, 31))
    services.order_answer(actor=member, order=closed, text="已公开", now=at(2026, 10, 20))
    services.order_verify(actor=registrar, order=closed, on=datetime.date(2026, 10, 22))
    check_deadlines(on=datetime.date(2026, 11, 2))
    old = CreditListingFactory(
        organization=OrganizationFactory(region=region("150102")), listed_on=datetime.date(2025, 7, 1)
    )
    assert old.organization != organization
    from tests.factories import ComplaintFactory

    ComplaintFactory(organization=organization, status="received")
    upheld = ComplaintFactory(organization=organization)
    services.complaint_accept(actor=registrar, complaint=upheld)
    services.complaint_start_review(actor=registrar, complaint=upheld)
    services.complaint_uphold(actor=registrar, complaint=upheld, reasoning="属实")

    summary = organization_supervision_summary(organization, on=datetime.date(2026, 11, 10))
    assert summary.upheld_complaint_count == 1
    assert [order.pk for order in summary.closed_orders] == [closed.pk]
    assert summary.open_order_count == 2 and summary.overdue_order_count == 1
    assert [listing.organization_id for listing in summary.credit_listings] == [organization.pk]
    assert overdue.pk in {link.order_id for link in summary.credit_listings[0].supervision_orders.all()}
