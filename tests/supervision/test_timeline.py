"""Timelines: events in date order from the historied records, public events for everyone, the working record only
for insiders, and a query count that does not grow with the number of events."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Amendment, Submission
from registry import services as registry_services
from supervision import services
from supervision.escalation import check_deadlines
from supervision.timeline import contract_timeline, organization_timeline
from tests.factories import DeliverableFactory, PaymentFactory
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db


def build_history(contract, deliverable, registrar, second_registrar, member, purchaser, count=1):
    """`count` rounds of submissions, payments and amendments, plus an inspection and an escalated, verified order."""
    for n in range(count):
        item = deliverable if n == 0 else DeliverableFactory(contract=contract, payment_share=1)
        Submission.objects.create(
            deliverable=item,
            report="服务台账",
            submitted_by=member,
            submitted_at=at(2026, 5, 10 + n),
            decision="accepted",
            decided_by=purchaser,
            decided_at=at(2026, 5, 12 + n),
            accepted_on=datetime.date(2026, 5, 12 + n),
        )
        PaymentFactory(
            contract=contract, instalment=n + 1, paid_on=datetime.date(2026, 5, 20 + n), recorded_by=purchaser
        )
        Amendment.objects.create(
            contract=contract,
            kind="amount",
            old_value="100000.00",
            new_value="110000.00",
            reason="增加服务人次",
            amended_on=datetime.date(2026, 6, 1 + n),
            amended_by=purchaser,
        )
    inspection = services.inspection_plan(
        actor=registrar,
        organization=contract.organization,
        kind="on_site",
        planned_on=datetime.date(2026, 9, 10),
        inspectors=[registrar, second_registrar],
        contract=contract,
    )
    services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=datetime.date(2026, 9, 11),
        conclusion="problems_found",
        findings="服务台账不完整",
    )
    order = services.order_issue(
        actor=registrar,
        organization=contract.organization,
        requirements="补全服务台账",
        deadline=DEADLINE,
        issued_on=ISSUED_ON,
        source="inspection",
        inspection=inspection,
        contract=contract,
    )
    check_deadlines(on=datetime.date(2026, 11, 2), now=at(2026, 11, 2, 1))
    services.order_answer(actor=member, order=order, text="已补全", now=at(2026, 11, 5))
    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 11, 6), now=at(2026, 11, 6))
    return order


def kinds(events):
    return [event.kind for event in events]


def test_contract_timeline_in_date_order(contract, deliverable, registrar, second_registrar, member, purchaser):
    order = build_history(contract, deliverable, registrar, second_registrar, member, purchaser)
    events = contract_timeline(contract, user=purchaser)
    assert [event.sort_key for event in events] == sorted(event.sort_key for event in events)
    assert kinds(events) == [
        "contract_signed",
        "submission",
        "submission_accepted",
        "payment",
        "amendment",
        "inspection_completed",
        "order_issued",
        "listing_added",
        "order_overdue",
        "order_answered",
        "order_verified",
    ]
    assert events[0].day == datetime.date(2026, 2, 20) and events[0].target == ("contract", contract.number)
    assert ("order", order.pk) in {event.target for event in events}
    assert "逾期" in events[kinds(events).index("order_overdue")].title


def test_public_sees_only_public_events(contract, deliverable, registrar, second_registrar, member, purchaser):
    build_history(contract, deliverable, registrar, second_registrar, member, purchaser)
    public = kinds(contract_timeline(contract, user=None))
    assert "submission" not in public and "order_answered" not in public
    assert {"contract_signed", "payment", "amendment", "order_verified", "listing_added"} <= set(public)
    findings = [e.detail for e in contract_timeline(contract, user=None) if e.kind == "inspection_completed"]
    assert findings and "服务台账不完整" not in findings[0]


def test_open_orders_are_not_public(contract, registrar, member):
    services.order_issue(
        actor=registrar, organization=contract.organization, requirements="整改", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    assert "order_issued" not in kinds(organization_timeline(contract.organization, user=None))
    assert "order_issued" in kinds(organization_timeline(contract.organization, user=member))
    assert "order_issued" in kinds(organization_timeline(contract.organization, user=registrar))


def test_organization_timeline(contract, deliverable, registrar, second_registrar, member, purchaser, organization):
    build_history(contract, deliverable, registrar, second_registrar, member, purchaser)
    registry_services.organization_change_status(
        actor=registrar,
        organization=organization,
        status="deregistered",
        changed_on=datetime.date(2026, 11, 20),
        reason="理事会决议注销",
    )
    events = organization_timeline(organization, user=registrar)
    assert [event.sort_key for event in events] == sorted(event.sort_key for event in events)
    assert events[0].kind == "registered"
    assert events[-1].kind == "status_changed" and events[-1].detail == "理事会决议注销"
    assert {"contract_signed", "inspection_completed", "order_issued", "listing_added", "order_verified"} <= set(
        kinds(events)
    )


def test_query_count_does_not_grow(contract, deliverable, registrar, second_registrar, member, purchaser):
    build_history(contract, deliverable, registrar, second_registrar, member, purchaser, count=1)
    with CaptureQueriesContext(connection) as small:
        few = contract_timeline(contract, user=purchaser)
    with CaptureQueriesContext(connection) as small_org:
        organization_timeline(contract.organization, user=purchaser)
    for n in range(1, 4):
        Submission.objects.create(
            deliverable=DeliverableFactory(contract=contract, payment_share=Decimal("1")),
            report="服务台账",
            submitted_by=member,
            submitted_at=at(2026, 7, n),
        )
        PaymentFactory(contract=contract, instalment=10 + n, paid_on=datetime.date(2026, 7, n), recorded_by=purchaser)
    services.order_issue(
        actor=registrar,
        organization=contract.organization,
        requirements="另一项整改",
        deadline=datetime.date(2026, 11, 30),
        issued_on=datetime.date(2026, 11, 1),
        contract=contract,
    )
    with CaptureQueriesContext(connection) as large:
        many = contract_timeline(contract, user=purchaser)
    with CaptureQueriesContext(connection) as large_org:
        organization_timeline(contract.organization, user=purchaser)
    assert len(many) > len(few) + 5
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large_org.captured_queries) == len(small_org.captured_queries)


def test_performance_start_and_finalized_evaluation(organization, purchaser):
    from contracts import services as contract_services
    from evaluations.models import Evaluation, IndicatorSet
    from tests.factories import SignedContractFactory

    contract = SignedContractFactory(organization=organization, department=purchaser.department)
    contract_services.contract_start_performance(actor=purchaser, contract=contract)
    indicator_set = IndicatorSet.objects.create(name="居家养老服务绩效评价指标", version=1, status="frozen")
    Evaluation.objects.create(
        contract=contract,
        kind="final",
        year=2026,
        indicator_set=indicator_set,
        period_start_on=datetime.date(2026, 3, 1),
        period_end_on=datetime.date(2026, 9, 30),
        due_on=datetime.date(2026, 10, 15),
        status="finalized",
        finalized_at=at(2026, 10, 16),
        score=Decimal("56.50"),
        grade="poor",
    )
    Evaluation.objects.create(
        contract=contract,
        kind="annual",
        year=2026,
        indicator_set=indicator_set,
        period_start_on=datetime.date(2026, 3, 1),
        period_end_on=datetime.date(2026, 9, 30),
        due_on=datetime.date(2026, 10, 15),
        status="scoring",
    )
    events = contract_timeline(contract)
    assert kinds(events) == ["contract_signed", "evaluation_finalized", "contract_performing"]
    assert "差" in events[1].title and "56.50" in events[1].title
    assert "evaluation_finalized" in kinds(organization_timeline(organization))


def test_the_signing_event_shows_the_signed_amount_not_the_amended_one(contract, purchaser, organization):
    from contracts import services as contract_services

    contract_services.contract_amend(
        actor=purchaser,
        contract=contract,
        reason="增加服务人次",
        amended_on=datetime.date(2026, 6, 1),
        amount=Decimal("130000.00"),
    )
    contract.refresh_from_db()
    assert contract.amount == Decimal("130000.00")
    [signed] = [event for event in contract_timeline(contract, user=None) if event.kind == "contract_signed"]
    assert "100,000.00" in signed.title and "130,000.00" not in signed.title
    [signed] = [event for event in organization_timeline(organization, user=None) if event.kind == "contract_signed"]
    assert "100,000.00" in signed.detail and "130,000.00" not in signed.detail
    amendment = [event for event in contract_timeline(contract, user=None) if event.kind == "amendment"]
    assert "130000.00" in amendment[0].title
