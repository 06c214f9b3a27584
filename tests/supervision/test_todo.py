"""Supervision's to-do kinds: complaints with their handling deadlines, answers to verify, overdue orders, this
year's draw, listings that may be removed, orders to answer; scoped to the officials of the organization's region."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import services as registry_services
from registry.models import CreditListing
from supervision import services
from supervision.escalation import check_deadlines
from tests.factories import ComplaintFactory, OrganizationFactory, RectificationOrderFactory, make_upload, region
from tests.inbox import todo_counts, todo_group, todo_urls
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db


def _supervision(counts: dict) -> dict:
    return {key: value for key, value in counts.items() if key.startswith("supervision.")}


def test_complaint_waits_for_acceptance_then_for_an_outcome(registrar, organization, baotou_registrar):
    complaint = ComplaintFactory(organization=organization, received_at=at(2026, 10, 1))
    counts = todo_counts(registrar, datetime.date(2026, 10, 16))
    assert counts["supervision.complaints_received"] == (1, 0)  # due 10-16: on the day, not yet late
    assert todo_counts(registrar, datetime.date(2026, 10, 17))["supervision.complaints_received"] == (1, 1)
    group = todo_group(registrar, datetime.date(2026, 10, 17), "supervision.complaints_received")
    assert group.items[0].deadline == datetime.date(2026, 10, 16)
    assert group.items[0].url == reverse("supervision:complaint-detail", args=[complaint.pk])
    assert not _supervision(todo_counts(baotou_registrar, datetime.date(2026, 10, 17)))

    services.complaint_start_review(actor=registrar, complaint=complaint, now=at(2026, 10, 17))
    counts = todo_counts(registrar, datetime.date(2026, 10, 17))
    assert "supervision.complaints_received" not in counts
    assert counts["supervision.complaints_reviewing"] == (1, 0)  # outcome due 11-30
    assert todo_counts(registrar, datetime.date(2026, 12, 1))["supervision.complaints_reviewing"] == (1, 1)

    services.complaint_dismiss(actor=registrar, complaint=complaint, reasoning="经核实，服务记录齐全")
    assert not _supervision(todo_counts(registrar, datetime.date(2026, 12, 1)))


def test_complaint_deadline_is_counted_in_local_days(registrar, organization):
    # 2026-10-01 23:30 in Shanghai is 15:30 UTC: the local day of receipt counts.
    ComplaintFactory(organization=organization, received_at=at(2026, 10, 1, 23, 30))
    assert todo_counts(registrar, datetime.date(2026, 10, 16))["supervision.complaints_received"] == (1, 0)
    assert todo_counts(registrar, datetime.date(2026, 10, 17))["supervision.complaints_received"] == (1, 1)


def test_purchaser_sees_complaints_about_contracts_they_manage(purchaser, contract, organization):
    ComplaintFactory(organization=organization, received_at=at(2026, 10, 1))  # not about a contract
    ComplaintFactory(organization=organization, contract=contract, received_at=at(2026, 10, 1))
    assert todo_counts(purchaser, datetime.date(2026, 10, 5))["supervision.contract_complaints"] == (1, 0)


def test_answer_to_verify_and_overdue_orders(registrar, member, organization, purchaser, baotou_registrar):
    order = services.order_issue(
        actor=registrar, organization=organization, requirements="补充财务制度", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    assert todo_counts(member, datetime.date(2026, 10, 5))["supervision.orders_to_answer"] == (1, 0)
    assert todo_urls(member, datetime.date(2026, 10, 5), "supervision.orders_to_answer") == [
        reverse("supervision:order-answer", args=[order.pk])
    ]
    assert todo_counts(member, datetime.date(2026, 11, 1))["supervision.orders_to_answer"] == (1, 1)
    assert todo_counts(registrar, datetime.date(2026, 11, 1))["supervision.orders_overdue"] == (1, 1)

    services.order_answer(actor=member, order=order, text="已建立专账", files=[make_upload()], now=at(2026, 10, 20))
    assert "supervision.orders_to_answer" not in todo_counts(member, datetime.date(2026, 10, 21))
    counts = todo_counts(registrar, datetime.date(2026, 10, 21))
    assert counts["supervision.answers"] == (1, 0)
    assert todo_urls(registrar, datetime.date(2026, 10, 21), "supervision.answers") == [
        reverse("supervision:order-decide", args=[order.pk])
    ]
    # The purchaser did not issue it; a registrar of another city does not supervise the organization.
    assert "supervision.department_answers" not in todo_counts(purchaser, datetime.date(2026, 10, 21))
    assert not _supervision(todo_counts(baotou_registrar, datetime.date(2026, 10, 21)))

    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 10, 22), now=at(2026, 10, 22))
    assert not _supervision(todo_counts(registrar, datetime.date(2026, 11, 5)))


def test_purchaser_verifies_the_orders_their_department_issued(purchaser, member, organization, contract):
    order = services.order_issue(
        actor=purchaser,
        organization=organization,
        requirements="补充服务台账",
        deadline=DEADLINE,
        issued_on=ISSUED_ON,
        contract=contract,
    )
    services.order_answer(actor=member, order=order, text="已补充", files=[make_upload()], now=at(2026, 10, 20))
    assert todo_counts(purchaser, datetime.date(2026, 10, 21))["supervision.department_answers"] == (1, 0)


def test_listing_removable_after_the_escalated_order_is_verified(registrar, member, organization):
    order = RectificationOrderFactory(organization=organization, issued_by=registrar)
    check_deadlines(on=datetime.date(2026, 11, 2), now=at(2026, 11, 2))
    assert "supervision.listings_removable" not in todo_counts(registrar, datetime.date(2026, 11, 2))
    services.order_answer(actor=member, order=order, text="已整改", files=[make_upload()], now=at(2026, 11, 3))
    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 11, 4), now=at(2026, 11, 4))
    assert todo_counts(registrar, datetime.date(2026, 11, 5))["supervision.listings_removable"] == (1, 0)
    listing = CreditListing.objects.get(organization=organization)
    registry_services.credit_listing_remove(
        actor=registrar, listing=listing, removed_on=datetime.date(2026, 11, 5), reason="整改已核验"
    )
    assert "supervision.listings_removable" not in todo_counts(registrar, datetime.date(2026, 11, 5))


def test_this_years_draw_until_the_results_are_recorded(county_registrar, other_county_registrar, hohhot_bureau):
    today = timezone.localdate()
    for _ in range(3):
        OrganizationFactory(region=region("150102"), registration_authority=hohhot_bureau)
    draw = services.sample_draw_create(actor=county_registrar, region=region("150102"), year=today.year, rate="1")
    inspections = services.sample_draw_plan_inspections(actor=county_registrar, draw=draw, planned_on=today)
    assert todo_counts(county_registrar, today)["supervision.draw_inspections"] == (len(inspections), 0)
    assert "supervision.draw_inspections" not in todo_counts(other_county_registrar, today)
    for inspection in inspections:
        services.inspection_complete(
            actor=county_registrar,
            inspection=inspection,
            inspected_on=today,
            conclusion="no_problem",
            inspectors=[county_registrar],
        )
    assert "supervision.draw_inspections" not in todo_counts(county_registrar, today)
