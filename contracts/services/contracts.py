"""Contracts: the draft with its generated number, signing, performance, completion, termination and amendments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from contracts import permissions
from contracts.contract_text import current_template
from contracts.models import Amendment, Contract, ContractNumberSequence, Deliverable, PurchaseItem
from contracts.selectors import (
    amount_refusal,
    budget_refusal,
    contract_paid_total,
    contract_signing_review,
    term_refusals,
)
from contracts.services.common import delete_stored, require_manager
from contracts.workflows import CONTRACT
from core import formatting
from core.services import (
    actor_or_none,
    apply_fields,
    check_event_date,
    lazy_join,
    lock,
    refusal,
    refuse,
    require,
    save,
    today,
)

CONTRACT_FIELDS = (
    "title",
    "description",
    "organization",
    "purchase_item",
    "method",
    "amount",
    "start_on",
    "end_on",
    "term_justification",
)


def _check_item_department(purchase_item: PurchaseItem | None, department) -> None:
    if purchase_item is not None and purchase_item.purchase_list.department_id != department.pk:
        refuse(
            "purchase_item",
            _("购买项目须属于本部门（%(department)s）的购买服务目录。"),
            code="item_of_other_department",
            department=department.name,
        )


def _allocate_contract_number(department, year: int) -> str:
    """The next free number department-year-seq. The counter row's UPDATE holds a lock until commit, so two
    concurrent allocations for the same department and year never get the same sequence number."""
    ContractNumberSequence.objects.get_or_create(department=department, year=year)
    counter = ContractNumberSequence.objects.filter(department=department, year=year)
    while True:
        counter.update(last_value=F("last_value") + 1)
        value = counter.values_list("last_value", flat=True).get()
        number = f"{department.code}-{year}-{value:04d}"
        # Numbers entered another way (admin, imports) are skipped rather than reused.
        if not Contract.objects.filter(number=number).exists():
            return number


def _lock_item_lineage(item: PurchaseItem | None) -> None:
    """Serialize budget checks on one purchase item: every signer locks the first item of the lineage."""
    if item is not None:
        list(PurchaseItem.objects.select_for_update().filter(pk=item.lineage_id).values_list("pk", flat=True))


def _refuse_before_signing(day: datetime.date, contract: Contract, message) -> None:
    if day < contract.signed_on:
        refuse(None, message, code="date_before_signing", day=contract.signed_on.isoformat())


@transaction.atomic
def contract_create(
    *,
    actor,
    department,
    organization,
    title: str,
    method: str,
    amount: Decimal,
    start_on: datetime.date,
    end_on: datetime.date,
    purchase_item: PurchaseItem | None = None,
    year: int | None = None,
    description: str = "",
    term_justification: str = "",
) -> Contract:
    """A draft contract with a generated number; `year` defaults to the item's list year, else start_on's year."""
    require(permissions.can_create_contract(actor, department), _("您无权以该部门名义登记合同。"))
    _check_item_department(purchase_item, department)
    if year is None:
        year = purchase_item.purchase_list.year if purchase_item is not None else start_on.year
    contract = Contract(
        year=year,
        title=title,
        description=description,
        department=department,
        organization=organization,
        purchase_item=purchase_item,
        method=method,
        amount=amount,
        start_on=start_on,
        end_on=end_on,
        term_justification=term_justification,
        created_by=actor_or_none(actor),
    )
    contract.full_clean(exclude=["number"])
    contract.number = _allocate_contract_number(department, year)
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_update(*, actor, contract: Contract, **fields) -> Contract:
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("update", contract.status)
    apply_fields(contract, fields, CONTRACT_FIELDS, "contract_update")
    _check_item_department(contract.purchase_item, contract.department)
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_delete(*, actor, contract: Contract) -> None:
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("delete", contract.status)
    names = [document.file.name for document in contract.documents.all()]
    contract.delete()
    transaction.on_commit(lambda: delete_stored(names))


@transaction.atomic
def contract_sign(
    *, actor, contract: Contract, signed_on: datetime.date, acknowledge_warnings: bool = False
) -> Contract:
    """Draft → signed (public), when every signing rule holds and the eligibility warnings are acknowledged."""
    require_manager(actor, contract)
    lock(contract)
    _lock_item_lineage(contract.purchase_item)
    review = contract_signing_review(contract, signed_on=signed_on)
    errors = list(review.refusals)
    if review.warnings and not acknowledge_warnings:
        errors.append(
            refusal(
                _("资格提示：签订前须确认以下提示：%(warnings)s"),
                code="warnings_not_acknowledged",
                warnings=lazy_join(review.warnings, sentences=True),
            )
        )
    if errors:
        raise ValidationError(errors)
    contract.status = Contract.Status.SIGNED
    contract.signed_on = signed_on
    contract.eligibility_acknowledged_warnings = "\n".join(str(warning) for warning in review.warnings)
    # The text signed is the model contract's current version (contract.pdf keeps rendering that version).
    contract.text_version = current_template()
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_start_performance(*, actor, contract: Contract, started_on: datetime.date | None = None) -> Contract:
    """Signed → performing, on the day the service actually began (today by default; not in the future, not before
    the signing)."""
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("start", contract.status)
    contract.performance_started_on = check_event_date(
        started_on or today(), field="started_on", previous=contract.signed_on, previous_label=_("签订日期")
    )
    contract.status = Contract.Status.PERFORMING
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_complete(*, actor, contract: Contract, completed_on: datetime.date | None = None) -> Contract:
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("complete", contract.status)
    open_titles = list(
        contract.deliverables.exclude(status=Deliverable.Status.ACCEPTED).values_list("title", flat=True)
    )
    if open_titles:
        refuse(
            None,
            _("以下履约事项尚未验收，合同不能完成：%(titles)s。"),
            code="deliverables_not_accepted",
            titles=lazy_join(open_titles),
        )
    completed_on = completed_on or today()
    _refuse_before_signing(completed_on, contract, _("完成日期不能早于签订日期 %(day)s。"))
    check_event_date(
        completed_on,
        field="completed_on",
        previous=contract.performance_started_on,
        previous_label=_("开始履行日期"),
    )
    contract.status = Contract.Status.COMPLETED
    contract.completed_on = completed_on
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_terminate(
    *, actor, contract: Contract, reason: str, terminated_on: datetime.date | None = None
) -> Contract:
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("terminate", contract.status)
    if not (reason or "").strip():
        refuse(None, _("终止合同须填写原因。"), code="reason_required")
    terminated_on = terminated_on or today()
    _refuse_before_signing(terminated_on, contract, _("终止日期不能早于签订日期 %(day)s。"))
    check_event_date(terminated_on, field="terminated_on")
    contract.status = Contract.Status.TERMINATED
    contract.terminated_on = terminated_on
    contract.termination_reason = reason.strip()
    save(contract, actor=actor, reason=reason.strip())
    return contract


def _period_text(start_on: datetime.date, end_on: datetime.date) -> str:
    return f"{start_on.isoformat()} 至 {end_on.isoformat()}"


def _amendment_refusals(
    contract: Contract, amount: Decimal, start_on: datetime.date, end_on: datetime.date, justification: str
) -> list[ValidationError]:
    """The signing rules that still hold after an amendment, and no amount below what has been paid."""
    errors: list[ValidationError] = []
    if amount <= 0:
        errors.append(amount_refusal())
    else:
        paid = contract_paid_total(contract)
        if amount < paid:
            errors.append(
                refusal(
                    _("合同金额：变更后的金额 %(amount)s 元低于已付款 %(paid)s 元。"),
                    code="amount_below_paid",
                    amount=formatting.amount(amount),
                    paid=formatting.amount(paid),
                )
            )
        if contract.purchase_item is not None and amount > contract.amount:
            over_budget = budget_refusal(contract.purchase_item, amount, contract=contract)
            if over_budget is not None:
                errors.append(over_budget)
    errors.extend(term_refusals(start_on, end_on, justification))
    return errors


@transaction.atomic
def contract_amend(
    *,
    actor,
    contract: Contract,
    reason: str,
    amended_on: datetime.date | None = None,
    amount: Decimal | None = None,
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    term_justification: str | None = None,
) -> list[Amendment]:
    """Change the amount, the dates or the term justification of a signed contract, keeping each change on record.

    The signing rules still hold afterwards: term limits, start ≤ end, amount > 0 and within the item's budget; and
    the amount cannot fall below what has already been paid.
    """
    require(permissions.can_amend_contract(actor, contract), _("您无权变更该合同。"))
    lock(contract)
    _lock_item_lineage(contract.purchase_item)
    CONTRACT.check("amend", contract.status)
    reason = (reason or "").strip()
    if not reason:
        refuse(None, _("合同变更须填写变更原因。"), code="reason_required")
    amended_on = amended_on or today()
    if amended_on < contract.signed_on or amended_on > today():
        refuse(
            None,
            _("变更日期须在签订日期 %(signed)s 与今天之间。"),
            code="date_out_of_range",
            signed=contract.signed_on.isoformat(),
        )

    new_amount = contract.amount if amount is None else amount
    new_start = start_on or contract.start_on
    new_end = end_on or contract.end_on
    new_justification = contract.term_justification if term_justification is None else term_justification.strip()
    changes: list[tuple[str, str, str]] = []
    if new_amount != contract.amount:
        changes.append((Amendment.Kind.AMOUNT, f"{contract.amount:.2f}", f"{new_amount:.2f}"))
    if (new_start, new_end) != (contract.start_on, contract.end_on):
        changes.append(
            (Amendment.Kind.DATES, _period_text(contract.start_on, contract.end_on), _period_text(new_start, new_end))
        )
    if new_justification != contract.term_justification:
        changes.append((Amendment.Kind.OTHER, contract.term_justification, new_justification))
    if not changes:
        refuse(None, _("合同变更：没有改变任何内容。"), code="nothing_changed")

    errors = _amendment_refusals(contract, new_amount, new_start, new_end, new_justification)
    if errors:
        raise ValidationError(errors)

    contract.amount = new_amount
    contract.start_on = new_start
    contract.end_on = new_end
    contract.term_justification = new_justification
    save(contract, actor=actor, reason=reason)
    amendments = []
    for kind, old_value, new_value in changes:
        amendment = Amendment(
            contract=contract,
            kind=kind,
            old_value=old_value,
            new_value=new_value,
            reason=reason,
            amended_on=amended_on,
            amended_by=actor,
        )
        save(amendment, actor=actor, reason=reason)
        amendments.append(amendment)
    return amendments
