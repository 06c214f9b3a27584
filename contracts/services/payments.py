"""Payments: instalments on a signed contract, for accepted deliverables, never above the contract amount, and
never above a deliverable's share of it for the payments recorded against that deliverable.

Extension point for other apps: `register_payment_blocker(check)` adds a check `check(contract, deliverable)`
returning reasons why a payment must wait; `payment_record` refuses (code `payment_held`) while `payment_blockers()`
returns any.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from contracts import notices, permissions
from contracts.models import Contract, Deliverable, Payment
from contracts.selectors import contract_paid_total
from contracts.workflows import CONTRACT, DELIVERABLE
from core import formatting
from core.services import Refusals, lock, refuse, require, save, today

PaymentBlockerCheck = Callable[[Contract, Deliverable | None], Iterable[str]]
_payment_blocker_checks: list[PaymentBlockerCheck] = []

# The statuses in which a payment may be recorded (the workflow's record_payment transition).
PAYABLE_STATUSES = tuple(sorted(CONTRACT.statuses_allowing("record_payment")))


def register_payment_blocker(check: PaymentBlockerCheck) -> None:
    """Add `check(contract, deliverable) -> reasons` to the checks every payment must pass (idempotent).

    Other apps register theirs in AppConfig.ready(); contracts itself registers none.
    """
    if check not in _payment_blocker_checks:
        _payment_blocker_checks.append(check)


def _blocker_reasons(contract: Contract, deliverable: Deliverable | None) -> list:
    """The registered checks' reasons as they give them (texts, or lazy texts rendered where they are shown)."""
    return [reason for check in _payment_blocker_checks for reason in check(contract, deliverable)]


def payment_blockers(contract: Contract, deliverable: Deliverable | None = None) -> list[str]:
    """Reasons, from every registered check, why a payment on `contract` (for `deliverable`) must wait."""
    return [str(reason) for reason in _blocker_reasons(contract, deliverable)]


def _deliverable_refusals(refusals: Refusals, contract: Contract, deliverable: Deliverable) -> None:
    if deliverable.contract_id != contract.pk:
        refusals.add(
            None, _("履约事项“%(title)s”不属于该合同。"), code="deliverable_of_other_contract", title=deliverable.title
        )
        return
    deliverable.refresh_from_db()
    if deliverable.status != Deliverable.Status.ACCEPTED:
        refusals.add(
            None,
            _("履约事项“%(title)s”尚未验收（当前状态：%(status)s），不能登记对应付款。"),
            code="deliverable_not_accepted",
            title=deliverable.title,
            status=DELIVERABLE.status_label(deliverable.status),
        )


def deliverable_share_amount(contract: Contract, deliverable: Deliverable) -> Decimal:
    """The deliverable's share of the contract amount, in yuan (rounded half up to the fen)."""
    share = contract.amount * deliverable.payment_share / Decimal(100)
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def deliverable_remaining_amount(contract: Contract, deliverable: Deliverable) -> Decimal:
    """What may still be paid against the deliverable: its share less the payments already recorded against it."""
    paid = contract.payments.filter(deliverable=deliverable).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return deliverable_share_amount(contract, deliverable) - paid


def _share_refusal(refusals: Refusals, contract: Contract, deliverable: Deliverable, amount: Decimal) -> None:
    remaining = deliverable_remaining_amount(contract, deliverable)
    if amount > remaining:
        refusals.add(
            None,
            _(
                "付款不能超过履约事项“%(title)s”的付款比例对应金额 %(share)s 元：本次 %(amount)s 元，"
                "该事项剩余可付 %(remaining)s 元。"
            ),
            code="payment_exceeds_deliverable_share",
            title=deliverable.title,
            share=formatting.amount(deliverable_share_amount(contract, deliverable)),
            amount=formatting.amount(amount),
            remaining=formatting.amount(max(remaining, Decimal("0.00"))),
        )


@transaction.atomic
def payment_record(
    *,
    actor,
    contract: Contract,
    amount: Decimal,
    paid_on: datetime.date,
    deliverable: Deliverable | None = None,
    note: str = "",
) -> Payment:
    """Record the next instalment; payments never exceed the contract amount, nor (those against one deliverable)
    the deliverable's share of it."""
    require(permissions.can_record_payment(actor, contract), _("您无权登记该合同的付款。"))
    lock(contract)
    CONTRACT.check("record_payment", contract.status)
    if amount is None or amount <= 0:
        refuse("amount", _("付款金额须大于零。"), code="amount_not_positive")
    refusals = Refusals()
    if paid_on < contract.signed_on:
        refusals.add(
            None,
            _("付款日期不能早于签订日期 %(day)s。"),
            code="date_before_signing",
            day=contract.signed_on.isoformat(),
        )
    if paid_on > today():
        refusals.add(None, _("付款日期不能晚于今天。"), code="date_in_future")
    if deliverable is not None:
        _deliverable_refusals(refusals, contract, deliverable)
        if deliverable.contract_id == contract.pk:
            _share_refusal(refusals, contract, deliverable, amount)
    remaining = contract.amount - contract_paid_total(contract)
    if amount > remaining:
        refusals.add(
            None,
            _("付款总额不能超过合同金额：本次 %(amount)s 元，剩余可付 %(remaining)s 元。"),
            code="payment_exceeds_remaining",
            amount=formatting.amount(amount),
            remaining=formatting.amount(remaining),
        )
    for reason in _blocker_reasons(contract, deliverable):
        refusals.add(None, _("暂缓付款：%(reason)s"), code="payment_held", reason=reason)
    refusals.raise_if_any()
    last = contract.payments.aggregate(last=Max("instalment"))["last"] or 0
    payment = Payment(
        contract=contract,
        instalment=last + 1,
        amount=amount,
        paid_on=paid_on,
        deliverable=deliverable,
        note=note,
        recorded_by=actor,
    )
    save(payment, actor=actor)
    notices.payment_recorded(payment, actor=actor)
    return payment
