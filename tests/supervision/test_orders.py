"""Rectification orders: the state machine (issued → answered → verified | returned → answered …) and the overdue
rule, with time fixed by passing `on=` / `now=`."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision import services
from supervision.escalation import check_deadlines
from supervision.models import OrderResponse, RectificationOrder
from supervision.selectors import annotate_order_overdue, order_get
from tests.errors import all_codes, codes
from tests.factories import make_upload
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(registrar, organization):
    return services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="补充完善财务管理制度",
        deadline=DEADLINE,
        issued_on=ISSUED_ON,
    )


def overdue_in_db(order, on):
    return annotate_order_overdue(RectificationOrder.objects.filter(pk=order.pk), on=on).get().is_overdue_now


def both_overdue(order, on):
    """The Python rule and the database rule must agree."""
    order = RectificationOrder.objects.prefetch_related("responses").get(pk=order.pk)
    python, database = order.is_overdue(on=on), overdue_in_db(order, on)
    assert python == database
    return python


def test_issue_records_department_and_status(order, registrar):
    assert order.status == RectificationOrder.Status.ISSUED
    assert order.department == registrar.department
    assert order.issued_by == registrar
    assert order.history.first().history_user == registrar


def test_issue_refuses_deadline_not_after_issue_and_future_issue(registrar, organization):
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            actor=registrar, organization=organization, requirements="整改", deadline=ISSUED_ON, issued_on=ISSUED_ON
        )
    assert codes(error.value) == {"deadline": ["deadline_not_after_issue"]}
    assert error.value.message_dict["deadline"] == [
        f"整改期限 {ISSUED_ON.isoformat()} 须晚于下达日期 {ISSUED_ON.isoformat()}。"
    ]
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            actor=registrar,
            organization=organization,
            requirements="",
            deadline=datetime.date(2099, 1, 1),
            issued_on=datetime.date(2099, 1, 1) - datetime.timedelta(days=30),
        )
    assert codes(error.value) == {"requirements": ["required"], "issued_on": ["date_in_future"]}
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            actor=registrar, organization=organization, requirements="整改", deadline=None, source="elsewhere"
        )
    assert codes(error.value) == {"deadline": ["required"], "source": ["invalid_choice"]}


def test_a_back_dated_order_keeps_its_dates_but_gets_the_minimum_period(settings, registrar, organization):
    settings.SUPERVISION_ORDER_MIN_DAYS = 10
    today = timezone.localdate()
    issued_on = today - datetime.timedelta(days=60)
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            actor=registrar,
            organization=organization,
            requirements="补报年度工作报告",
            deadline=issued_on + datetime.timedelta(days=30),
            issued_on=issued_on,
        )
    assert codes(error.value) == {"deadline": ["deadline_too_soon"]}
    earliest = (today + datetime.timedelta(days=10)).isoformat()
    assert earliest in error.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            actor=registrar,
            organization=organization,
            requirements="补报年度工作报告",
            deadline=today + datetime.timedelta(days=9),
        )
    assert codes(error.value) == {"deadline": ["deadline_too_soon"]}
    order = services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="补报年度工作报告",
        deadline=today + datetime.timedelta(days=10),
        issued_on=issued_on,
    )
    assert order.issued_on == issued_on and order.deadline == today + datetime.timedelta(days=10)
    report = check_deadlines(on=today)
    assert not report.marked_orders and not report.listings_created


def test_issue_needs_an_official_covering_the_organization(organization, baotou_registrar, member):
    for actor in (baotou_registrar, member):
        with pytest.raises(PermissionDenied):
            services.order_issue(actor=actor, organization=organization, requirements="整改", deadline=DEADLINE)


def test_full_cycle_answer_return_answer_verify(order, member, registrar):
    first = services.order_answer(
        actor=member, order=order, text="已制定财务制度", files=[make_upload("pdf")], now=at(2026, 10, 10)
    )
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ANSWERED
    assert first.files.count() == 1 and first.responded_on == datetime.date(2026, 10, 10)

    services.order_return(actor=registrar, order=order, reason="未建立专账", now=at(2026, 10, 12))
    order.refresh_from_db()
    first.refresh_from_db()
    assert order.status == RectificationOrder.Status.RETURNED
    assert first.decision == OrderResponse.Decision.RETURNED and first.decision_reason == "未建立专账"

    second = services.order_answer(actor=member, order=order, text="已建立专账", now=at(2026, 10, 20))
    services.order_verify(actor=registrar, order=order, comment="整改到位", on=datetime.date(2026, 10, 22))
    order.refresh_from_db()
    second.refresh_from_db()
    assert order.status == RectificationOrder.Status.VERIFIED
    assert order.verified_on == datetime.date(2026, 10, 22)
    assert second.decision == OrderResponse.Decision.VERIFIED
    # Every answer is kept with its decision.
    assert list(order.responses.values_list("decision", flat=True)) == ["returned", "verified"]


def test_wrong_state_transitions_are_refused(order, member, registrar):
    with pytest.raises(ValidationError) as error:
        services.order_verify(actor=registrar, order=order)
    assert codes(error.value) == {"__all__": ["wrong_state"]}
    assert error.value.params["action"] == "核验整改答复" and error.value.params["status"] == "已下达"
    with pytest.raises(ValidationError) as error:
        services.order_return(actor=registrar, order=order, reason="x")
    assert all_codes(error.value) == {"wrong_state"}
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 5))
    with pytest.raises(ValidationError) as error:
        services.order_answer(actor=member, order=order, text="再次答复", now=at(2026, 10, 6))
    assert error.value.messages == ["当前状态为“已答复”，不能答复整改通知。"]
    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 10, 6))
    for call in (
        lambda: services.order_answer(actor=member, order=order, text="x"),
        lambda: services.order_verify(actor=registrar, order=order),
        lambda: services.order_return(actor=registrar, order=order, reason="x"),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert all_codes(error.value) == {"wrong_state"}


def test_return_needs_a_reason_and_answer_needs_text(order, member, registrar):
    with pytest.raises(ValidationError) as error:
        services.order_answer(actor=member, order=order, text="  ")
    assert codes(error.value) == {"text": ["required"]}
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 5))
    with pytest.raises(ValidationError) as error:
        services.order_return(actor=registrar, order=order, reason="")
    assert codes(error.value) == {"reason": ["required"]}


def test_answer_files_are_validated(order, member):
    with pytest.raises(ValidationError) as error:
        services.order_answer(
            actor=member, order=order, text="已整改", files=[make_upload("pdf", "证明.pdf", b"MZ\x90\x00")]
        )
    assert codes(error.value) == {"files": ["upload_content"]}
    assert not order.responses.exists()


def test_who_answers_and_who_decides(order, member, other_member, registrar, purchaser, baotou_registrar):
    with pytest.raises(PermissionDenied):
        services.order_answer(actor=other_member, order=order, text="x")
    with pytest.raises(PermissionDenied):
        services.order_answer(actor=registrar, order=order, text="x")
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 5))
    with pytest.raises(PermissionDenied):
        services.order_verify(actor=member, order=order)
    with pytest.raises(PermissionDenied):
        services.order_verify(actor=baotou_registrar, order=order)
    # A purchaser covering the region may verify too (officials supervise together).
    services.order_verify(actor=purchaser, order=order, on=datetime.date(2026, 10, 6))


def test_verify_date_not_before_answer(order, member, registrar):
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 10))
    with pytest.raises(ValidationError) as error:
        services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 10, 9))
    assert codes(error.value) == {"on": ["verified_before_answer"]}


# Overdue ---------------------------------------------------------------------------------------------------------


def test_not_overdue_on_or_before_the_deadline(order):
    assert not both_overdue(order, DEADLINE)
    assert not both_overdue(order, DEADLINE - datetime.timedelta(days=10))


def test_overdue_the_day_after_the_deadline_without_answer(order):
    assert both_overdue(order, DEADLINE + datetime.timedelta(days=1))


def test_timely_answer_awaiting_verification_is_not_overdue(order, member):
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 31, 23, 30))
    assert not both_overdue(order, datetime.date(2026, 11, 5))


def test_late_answer_does_not_stop_overdue(order, member):
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 11, 1, 0, 30))
    assert both_overdue(order, datetime.date(2026, 11, 5))


def test_returned_answer_after_the_deadline_is_overdue(order, member, registrar):
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 30))
    services.order_return(actor=registrar, order=order, reason="材料不全", now=at(2026, 11, 2))
    assert both_overdue(order, datetime.date(2026, 11, 3))


def test_verified_is_never_overdue(order, member, registrar):
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 11, 3))
    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 11, 4))
    assert not both_overdue(order, datetime.date(2026, 11, 25))


def test_order_get_is_scoped(order, member, other_member, registrar, baotou_registrar):
    assert order_get(pk=order.pk, user=member) == order
    assert order_get(pk=order.pk, user=registrar) == order
    for user in (other_member, baotou_registrar, None):
        with pytest.raises(RectificationOrder.DoesNotExist):
            order_get(pk=order.pk, user=user)


def test_order_from_inspection_needs_problems_found(registrar, organization):
    inspection = services.inspection_plan(
        actor=registrar, organization=organization, kind="document", planned_on=datetime.date(2026, 9, 1)
    )
    kwargs = dict(
        actor=registrar, organization=organization, requirements="整改", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    with pytest.raises(ValidationError) as error:
        services.order_issue(source="inspection", **kwargs)
    assert codes(error.value) == {"inspection": ["required"]}
    with pytest.raises(ValidationError) as error:
        services.order_issue(source="inspection", inspection=inspection, **kwargs)
    assert codes(error.value) == {"inspection": ["source_without_problems"]}
    services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=datetime.date(2026, 9, 2),
        conclusion="problems_found",
        findings="会计账簿不全",
        inspectors=[registrar],
    )
    order = services.order_issue(source="inspection", inspection=inspection, **kwargs)
    assert order.inspection == inspection and order.source == "inspection"


def test_order_contract_must_belong_to_the_organization(registrar, organization, purchaser):
    from tests.factories import SignedContractFactory

    foreign = SignedContractFactory(department=purchaser.department)
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            actor=registrar, organization=organization, requirements="整改", deadline=DEADLINE, contract=foreign
        )
    assert codes(error.value)["contract"] == ["contract_not_of_organization"]


def test_order_from_an_evaluation_graded_poor(registrar, organization, contract):
    from decimal import Decimal

    from evaluations.models import Evaluation, IndicatorSet

    indicator_set = IndicatorSet.objects.create(name="绩效评价指标", version=1, status="frozen")
    evaluation = Evaluation.objects.create(
        contract=contract,
        kind="final",
        year=2026,
        indicator_set=indicator_set,
        period_start_on=datetime.date(2026, 3, 1),
        period_end_on=datetime.date(2026, 9, 30),
        due_on=datetime.date(2026, 10, 15),
        status="finalized",
        finalized_at=at(2026, 9, 20),
        score=Decimal("72.00"),
        grade="fair",
    )
    kwargs = dict(
        actor=registrar, organization=organization, requirements="整改", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    with pytest.raises(ValidationError) as error:
        services.order_issue(source="evaluation", **kwargs)
    assert codes(error.value) == {"evaluation": ["required"]}
    with pytest.raises(ValidationError) as error:
        services.order_issue(source="evaluation", evaluation=evaluation, **kwargs)
    assert codes(error.value) == {"evaluation": ["source_not_poor"]}
    evaluation.score, evaluation.grade = Decimal("55.00"), "poor"
    evaluation.save()
    order = services.order_issue(source="evaluation", evaluation=evaluation, source_reference="末期评价", **kwargs)
    assert order.evaluation == evaluation and order.contract == contract
