"""Payments: instalments within the contract amount, tied to accepted deliverables, and the blocker hook."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts import selectors, services
from contracts.models import Contract, Deliverable, Payment
from contracts.services import payments
from tests.errors import all_codes, codes
from tests.factories import make_upload

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 9, 10)


def pay(actor, contract, amount, deliverable=None, paid_on=PAID_ON):
    return services.payment_record(
        actor=actor, contract=contract, amount=Decimal(amount), paid_on=paid_on, deliverable=deliverable
    )


@pytest.fixture
def accepted(purchaser, member, signed_contract):
    deliverable = signed_contract.deliverables.get(title="上半年服务")
    submission = services.submission_create(
        actor=member, deliverable=deliverable, report="上半年服务完成", files=[make_upload()]
    )
    services.deliverable_accept(actor=purchaser, submission=submission)
    deliverable.refresh_from_db()
    return deliverable


def test_instalments_are_numbered_and_recorded(purchaser, accepted, signed_contract):
    first = pay(purchaser, signed_contract, "40000.00", deliverable=accepted)
    second = pay(purchaser, signed_contract, "10000.00")
    assert [first.instalment, second.instalment] == [1, 2]
    assert first.deliverable == accepted and first.recorded_by == purchaser
    assert selectors.contract_paid_total(signed_contract) == Decimal("50000.00")
    assert selectors.contract_remaining_amount(signed_contract) == Decimal("50000.00")
    assert first.history.first().history_user == purchaser


def test_deliverable_must_be_accepted_first(purchaser, member, signed_contract):
    deliverable = signed_contract.deliverables.get(title="全年服务")
    with pytest.raises(ValidationError, match="尚未验收") as excinfo:
        pay(purchaser, signed_contract, "1000", deliverable=deliverable)
    assert all_codes(excinfo.value) == {"deliverable_not_accepted"}
    services.submission_create(actor=member, deliverable=deliverable, report="提交", files=[make_upload()])
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "1000", deliverable=deliverable)
    assert [error.params for error in excinfo.value.error_dict["__all__"]] == [
        {"title": "全年服务", "status": "已提交"}
    ]
    assert not Payment.objects.exists()


def test_deliverable_of_another_contract(purchaser, signed_contract, accepted):
    from tests.factories import DeliverableFactory

    foreign = DeliverableFactory(status=Deliverable.Status.ACCEPTED, accepted_at="2026-08-01T10:00+08:00")
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "1000", deliverable=foreign)
    assert all_codes(excinfo.value) == {"deliverable_of_other_contract"}


def test_total_never_exceeds_the_contract_amount(purchaser, signed_contract):
    pay(purchaser, signed_contract, "70000.00")
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "30000.01")
    assert "剩余可付 30,000.00 元" in excinfo.value.messages[0]
    assert all_codes(excinfo.value) == {"payment_exceeds_remaining"}
    pay(purchaser, signed_contract, "30000.00")
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "0.01")
    [refusal] = excinfo.value.error_dict["__all__"]
    assert refusal.params == {"amount": "0.01", "remaining": "0.00"}


def test_amount_must_be_positive(purchaser, signed_contract):
    for amount in ("0", "-5"):
        with pytest.raises(ValidationError) as excinfo:
            pay(purchaser, signed_contract, amount)
        assert codes(excinfo.value) == {"amount": ["amount_not_positive"]}


def test_dates(purchaser, signed_contract):
    with pytest.raises(ValidationError, match="不能早于签订日期 2026-02-20") as excinfo:
        pay(purchaser, signed_contract, "100", paid_on=datetime.date(2026, 2, 19))
    assert all_codes(excinfo.value) == {"date_before_signing"}
    from django.utils import timezone

    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "100", paid_on=timezone.localdate() + datetime.timedelta(days=1))
    assert all_codes(excinfo.value) == {"date_in_future"}


def test_contract_status(purchaser, draft_contract):
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, draft_contract, "100")
    assert all_codes(excinfo.value) == {"wrong_state"}
    assert excinfo.value.messages == ["当前状态为“草稿”，不能登记付款。"]
    services.contract_sign(actor=purchaser, contract=draft_contract, signed_on=datetime.date(2026, 2, 20))
    services.contract_start_performance(actor=purchaser, contract=draft_contract)
    assert pay(purchaser, draft_contract, "100").pk
    draft_contract.deliverables.update(status=Deliverable.Status.ACCEPTED, accepted_at="2026-09-01T10:00+08:00")
    services.contract_complete(actor=purchaser, contract=draft_contract)
    assert pay(purchaser, draft_contract, "100").instalment == 2
    draft_contract.status = Contract.Status.TERMINATED
    draft_contract.terminated_on, draft_contract.termination_reason = PAID_ON, "终止"
    draft_contract.save()
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, draft_contract, "100")
    assert excinfo.value.params["status"] == "已终止"


def test_only_purchasers_covering_the_department(chifeng_purchaser, member, signed_contract):
    for actor in (chifeng_purchaser, member, None):
        with pytest.raises(PermissionDenied):
            pay(actor, signed_contract, "100")


def test_registered_blockers_hold_payments(purchaser, signed_contract, monkeypatch):
    monkeypatch.setattr(payments, "_payment_blocker_checks", [])
    assert services.payment_blockers(signed_contract) == []

    def evaluation_pending(contract, deliverable):
        if deliverable is None:
            return ["绩效评价尚未完成"]
        return []

    services.register_payment_blocker(evaluation_pending)
    services.register_payment_blocker(evaluation_pending)  # idempotent
    assert services.payment_blockers(signed_contract) == ["绩效评价尚未完成"]
    with pytest.raises(ValidationError, match="暂缓付款：绩效评价尚未完成") as excinfo:
        pay(purchaser, signed_contract, "100")
    assert all_codes(excinfo.value) == {"payment_held"}
    assert not Payment.objects.exists()


def test_payments_against_a_deliverable_stay_within_its_share(purchaser, accepted, signed_contract):
    # 上半年服务 carries 40 % of 100,000.00: 40,000.00 may be paid against it, however it is split.
    pay(purchaser, signed_contract, "30000.00", deliverable=accepted)
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "10000.01", deliverable=accepted)
    assert all_codes(excinfo.value) == {"payment_exceeds_deliverable_share"}
    assert "剩余可付 10,000.00 元" in excinfo.value.messages[0] and "40,000.00" in excinfo.value.messages[0]
    pay(purchaser, signed_contract, "10000.00", deliverable=accepted)
    with pytest.raises(ValidationError) as excinfo:
        pay(purchaser, signed_contract, "0.01", deliverable=accepted)
    assert all_codes(excinfo.value) == {"payment_exceeds_deliverable_share"}
    assert payments.deliverable_remaining_amount(signed_contract, accepted) == Decimal("0.00")
    # A payment not tied to a deliverable is still only capped by the contract amount.
    pay(purchaser, signed_contract, "60000.00")
    assert selectors.contract_remaining_amount(signed_contract) == Decimal("0.00")
