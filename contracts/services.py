"""Every write to purchase lists, contracts, deliverables, payments and amendments.

Each service is atomic, checks the actor's permission first (PermissionDenied), refuses a broken rule or a wrong
state with a ValidationError in plain Chinese, validates the rows with full_clean() and leaves history through
simple-history with the actor recorded as the history user.

Extension point for other apps: `register_payment_blocker(check)` adds a check `check(contract, deliverable)`
returning reasons why a payment must wait; `payment_record` refuses while `payment_blockers()` returns any.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import permissions
from contracts.models import (
    Amendment,
    Contract,
    ContractDocument,
    ContractNumberSequence,
    Deliverable,
    Payment,
    PurchaseItem,
    PurchaseList,
    Submission,
    SubmissionFile,
)
from contracts.selectors import (
    budget_refusal,
    contract_paid_total,
    contract_signing_review,
    term_refusals,
)
from core import formatting
from core.services import apply_fields, lock, require, save, today
from core.uploads import validate_upload

# Stored as data on the replaced list (not a UI string): the reason a revision's publication withdraws it.
REVISION_WITHDRAWAL_REASON = "被修订版替代"

PURCHASE_LIST_FIELDS = ("title", "year", "description")
PURCHASE_ITEM_FIELDS = (
    "code",
    "category",
    "subcategory",
    "service_name",
    "description",
    "provider_requirements",
    "quantity",
    "unit",
    "budget",
    "service_start_on",
    "service_end_on",
    "performance_targets",
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
DELIVERABLE_FIELDS = ("title", "description", "due_on", "payment_share", "acceptance_criteria")


# Helpers -----------------------------------------------------------------------------------------------------------


# Purchase lists ----------------------------------------------------------------------------------------------------


def _require_list_writer(actor, purchase_list: PurchaseList) -> None:
    require(permissions.can_edit_purchase_list(actor, purchase_list), _("您无权编辑该部门的购买服务目录。"))


def _require_draft_list(purchase_list: PurchaseList) -> None:
    if not purchase_list.is_draft:
        raise ValidationError(
            _("目录“%(title)s”当前状态为“%(status)s”，其内容不能再修改；如需调整请创建修订版。")
            % {"title": purchase_list.title, "status": purchase_list.get_status_display()}
        )


@transaction.atomic
def purchase_list_create(*, actor, department, year: int, title: str, description: str = "") -> PurchaseList:
    require(permissions.can_create_purchase_list(actor, department), _("您无权为该部门创建购买服务目录。"))
    purchase_list = PurchaseList(
        department=department,
        region=department.region,
        year=year,
        title=title,
        description=description,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    save(purchase_list, actor=actor)
    return purchase_list


@transaction.atomic
def purchase_list_update(*, actor, purchase_list: PurchaseList, **fields) -> PurchaseList:
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    _require_draft_list(purchase_list)
    apply_fields(purchase_list, fields, PURCHASE_LIST_FIELDS, "purchase_list_update")
    save(purchase_list, actor=actor)
    return purchase_list


def _refuse_if_items_have_contracts(items) -> None:
    referenced = Contract.objects.filter(purchase_item__in=items).values_list("number", flat=True)
    numbers = list(referenced[:5])
    if numbers:
        raise ValidationError(
            _("购买项目已被合同 %(numbers)s 引用，不能删除。") % {"numbers": "、".join(numbers)},
        )


@transaction.atomic
def purchase_list_delete(*, actor, purchase_list: PurchaseList) -> None:
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    if not purchase_list.is_draft:
        raise ValidationError(_("只有草稿状态的目录可以删除；已发布的目录请撤回。"))
    _refuse_if_items_have_contracts(purchase_list.items.all())
    purchase_list.delete()


@transaction.atomic
def purchase_item_add(
    *,
    actor,
    purchase_list: PurchaseList,
    code: str,
    category: str,
    service_name: str,
    quantity: Decimal,
    unit: str,
    budget: Decimal,
    service_start_on: datetime.date,
    service_end_on: datetime.date,
    subcategory: str = "",
    description: str = "",
    provider_requirements: str = "",
    performance_targets: str = "",
) -> PurchaseItem:
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    _require_draft_list(purchase_list)
    item = PurchaseItem(
        purchase_list=purchase_list,
        code=code,
        category=category,
        subcategory=subcategory,
        service_name=service_name,
        description=description,
        provider_requirements=provider_requirements,
        quantity=quantity,
        unit=unit,
        budget=budget,
        service_start_on=service_start_on,
        service_end_on=service_end_on,
        performance_targets=performance_targets,
    )
    save(item, actor=actor)
    return item


@transaction.atomic
def purchase_item_update(*, actor, item: PurchaseItem, **fields) -> PurchaseItem:
    purchase_list = item.purchase_list
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    _require_draft_list(purchase_list)
    apply_fields(item, fields, PURCHASE_ITEM_FIELDS, "purchase_item_update")
    save(item, actor=actor)
    return item


@transaction.atomic
def purchase_item_remove(*, actor, item: PurchaseItem) -> None:
    purchase_list = item.purchase_list
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    _require_draft_list(purchase_list)
    _refuse_if_items_have_contracts([item])
    if getattr(actor, "is_authenticated", False):
        item._history_user = actor
    item.delete()


def _withdraw(purchase_list: PurchaseList, actor, *, reason: str, withdrawn_on: datetime.date) -> None:
    if purchase_list.published_on and withdrawn_on < purchase_list.published_on:
        raise ValidationError(
            _("撤回日期 %(withdrawn)s 不能早于发布日期 %(published)s。")
            % {"withdrawn": withdrawn_on.isoformat(), "published": purchase_list.published_on.isoformat()}
        )
    purchase_list.status = PurchaseList.Status.WITHDRAWN
    purchase_list.withdrawn_on = withdrawn_on
    purchase_list.withdrawal_reason = reason
    save(purchase_list, actor=actor, reason=reason)


@transaction.atomic
def purchase_list_publish(
    *, actor, purchase_list: PurchaseList, published_on: datetime.date | None = None
) -> PurchaseList:
    """Draft → published; the items are frozen from now on. A revision withdraws the list it replaces."""
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    if not purchase_list.is_draft:
        raise ValidationError(
            _("只有草稿状态的目录可以发布（当前状态：%(status)s）。") % {"status": purchase_list.get_status_display()}
        )
    if not purchase_list.items.exists():
        raise ValidationError(_("目录中至少须有一个购买项目才能发布。"))
    published_on = published_on or today()
    purchase_list.status = PurchaseList.Status.PUBLISHED
    purchase_list.published_on = published_on
    save(purchase_list, actor=actor)
    replaced = purchase_list.revision_of
    if replaced is not None:
        lock(replaced)
        if replaced.is_published:
            _withdraw(replaced, actor, reason=REVISION_WITHDRAWAL_REASON, withdrawn_on=published_on)
    return purchase_list


@transaction.atomic
def purchase_list_withdraw(
    *, actor, purchase_list: PurchaseList, reason: str, withdrawn_on: datetime.date | None = None
) -> PurchaseList:
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    if not purchase_list.is_published:
        raise ValidationError(
            _("只有已发布的目录可以撤回（当前状态：%(status)s）。") % {"status": purchase_list.get_status_display()}
        )
    if not (reason or "").strip():
        raise ValidationError(_("撤回目录须填写原因。"))
    _withdraw(purchase_list, actor, reason=reason.strip(), withdrawn_on=withdrawn_on or today())
    return purchase_list


@transaction.atomic
def purchase_list_revise(*, actor, purchase_list: PurchaseList) -> PurchaseList:
    """Copy a published list and its items into a new draft that records which list it replaces."""
    _require_list_writer(actor, purchase_list)
    lock(purchase_list)
    if not purchase_list.is_published:
        raise ValidationError(
            _("只有已发布的目录可以修订（当前状态：%(status)s）。") % {"status": purchase_list.get_status_display()}
        )
    if purchase_list.revisions.filter(status=PurchaseList.Status.DRAFT).exists():
        raise ValidationError(_("该目录已有一份修订草稿，请先完成或删除它。"))
    revision = PurchaseList(
        department=purchase_list.department,
        region=purchase_list.region,
        year=purchase_list.year,
        title=purchase_list.title,
        description=purchase_list.description,
        revision_of=purchase_list,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    save(revision, actor=actor)
    for item in purchase_list.items.order_by("code"):
        copy = PurchaseItem(
            purchase_list=revision,
            origin_id=item.lineage_id,
            **{name: getattr(item, name) for name in PURCHASE_ITEM_FIELDS},
        )
        save(copy, actor=actor)
    return revision


# Contracts ---------------------------------------------------------------------------------------------------------


def _require_manager(actor, contract: Contract) -> None:
    require(permissions.can_manage_contract(actor, contract), _("您无权管理该合同。"))


def _require_draft_contract(contract: Contract) -> None:
    if not contract.is_draft:
        raise ValidationError(
            _("合同 %(number)s 当前状态为“%(status)s”，不能再修改；如需变更请办理合同变更。")
            % {"number": contract.number, "status": contract.get_status_display()}
        )


def _require_status(contract: Contract, allowed: Iterable[str], action: str) -> None:
    if contract.status not in allowed:
        raise ValidationError(
            _("合同当前状态为“%(status)s”，不能%(action)s。")
            % {"status": contract.get_status_display(), "action": action}
        )


def _check_item_department(purchase_item: PurchaseItem | None, department) -> None:
    if purchase_item is not None and purchase_item.purchase_list.department_id != department.pk:
        raise ValidationError(
            {"purchase_item": _("购买项目须属于本部门（%(department)s）的购买服务目录。") % {"department": department}}
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    contract.full_clean(exclude=["number"])
    contract.number = _allocate_contract_number(department, year)
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_update(*, actor, contract: Contract, **fields) -> Contract:
    _require_manager(actor, contract)
    lock(contract)
    _require_draft_contract(contract)
    apply_fields(contract, fields, CONTRACT_FIELDS, "contract_update")
    _check_item_department(contract.purchase_item, contract.department)
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_delete(*, actor, contract: Contract) -> None:
    _require_manager(actor, contract)
    lock(contract)
    if not contract.is_draft:
        raise ValidationError(_("只有草稿状态的合同可以删除。"))
    names = [document.file.name for document in contract.documents.all()]
    contract.delete()
    transaction.on_commit(lambda: _delete_stored(names))


def _delete_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def deliverable_add(
    *,
    actor,
    contract: Contract,
    title: str,
    due_on: datetime.date,
    payment_share: Decimal,
    description: str = "",
    acceptance_criteria: str = "",
) -> Deliverable:
    _require_manager(actor, contract)
    lock(contract)
    _require_draft_contract(contract)
    deliverable = Deliverable(
        contract=contract,
        title=title,
        description=description,
        due_on=due_on,
        payment_share=payment_share,
        acceptance_criteria=acceptance_criteria,
    )
    save(deliverable, actor=actor)
    return deliverable


@transaction.atomic
def deliverable_update(*, actor, deliverable: Deliverable, **fields) -> Deliverable:
    contract = deliverable.contract
    _require_manager(actor, contract)
    lock(contract)
    _require_draft_contract(contract)
    apply_fields(deliverable, fields, DELIVERABLE_FIELDS, "deliverable_update")
    save(deliverable, actor=actor)
    return deliverable


@transaction.atomic
def deliverable_remove(*, actor, deliverable: Deliverable) -> None:
    contract = deliverable.contract
    _require_manager(actor, contract)
    lock(contract)
    _require_draft_contract(contract)
    if getattr(actor, "is_authenticated", False):
        deliverable._history_user = actor
    deliverable.delete()


def _lock_item_lineage(item: PurchaseItem | None) -> None:
    """Serialize budget checks on one purchase item: every signer locks the first item of the lineage."""
    if item is not None:
        list(PurchaseItem.objects.select_for_update().filter(pk=item.lineage_id).values_list("pk", flat=True))


@transaction.atomic
def contract_sign(
    *, actor, contract: Contract, signed_on: datetime.date, acknowledge_warnings: bool = False
) -> Contract:
    """Draft → signed (public), when every signing rule holds and the eligibility warnings are acknowledged."""
    _require_manager(actor, contract)
    lock(contract)
    _lock_item_lineage(contract.purchase_item)
    review = contract_signing_review(contract, signed_on=signed_on)
    errors = list(review.refusals)
    if review.warnings and not acknowledge_warnings:
        errors.append(_("资格提示：签订前须确认以下提示：%(warnings)s") % {"warnings": "；".join(review.warnings)})
    if errors:
        raise ValidationError(errors)
    contract.status = Contract.Status.SIGNED
    contract.signed_on = signed_on
    contract.eligibility_acknowledged_warnings = "\n".join(review.warnings)
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_start_performance(*, actor, contract: Contract) -> Contract:
    _require_manager(actor, contract)
    lock(contract)
    _require_status(contract, [Contract.Status.SIGNED], _("开始履行"))
    contract.status = Contract.Status.PERFORMING
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_complete(*, actor, contract: Contract, completed_on: datetime.date | None = None) -> Contract:
    _require_manager(actor, contract)
    lock(contract)
    _require_status(contract, [Contract.Status.PERFORMING], _("办理完成"))
    open_titles = list(
        contract.deliverables.exclude(status=Deliverable.Status.ACCEPTED).values_list("title", flat=True)
    )
    if open_titles:
        raise ValidationError(
            _("以下履约事项尚未验收，合同不能完成：%(titles)s。") % {"titles": "、".join(open_titles)}
        )
    completed_on = completed_on or today()
    if completed_on < contract.signed_on:
        raise ValidationError(_("完成日期不能早于签订日期 %(day)s。") % {"day": contract.signed_on.isoformat()})
    contract.status = Contract.Status.COMPLETED
    contract.completed_on = completed_on
    save(contract, actor=actor)
    return contract


@transaction.atomic
def contract_terminate(
    *, actor, contract: Contract, reason: str, terminated_on: datetime.date | None = None
) -> Contract:
    _require_manager(actor, contract)
    lock(contract)
    _require_status(contract, Contract.ACTIVE_STATUSES, _("终止"))
    if not (reason or "").strip():
        raise ValidationError(_("终止合同须填写原因。"))
    terminated_on = terminated_on or today()
    if terminated_on < contract.signed_on:
        raise ValidationError(_("终止日期不能早于签订日期 %(day)s。") % {"day": contract.signed_on.isoformat()})
    contract.status = Contract.Status.TERMINATED
    contract.terminated_on = terminated_on
    contract.termination_reason = reason.strip()
    save(contract, actor=actor, reason=reason.strip())
    return contract


def _period_text(start_on: datetime.date, end_on: datetime.date) -> str:
    return f"{start_on.isoformat()} 至 {end_on.isoformat()}"


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
    _require_status(contract, Contract.ACTIVE_STATUSES, _("变更"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("合同变更须填写变更原因。"))
    amended_on = amended_on or today()
    if amended_on < contract.signed_on or amended_on > today():
        raise ValidationError(
            _("变更日期须在签订日期 %(signed)s 与今天之间。") % {"signed": contract.signed_on.isoformat()}
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
        raise ValidationError(_("合同变更：没有改变任何内容。"))

    errors: list[str] = []
    if new_amount <= 0:
        errors.append(_("合同金额：合同金额须大于零。"))
    else:
        paid = contract_paid_total(contract)
        if new_amount < paid:
            errors.append(
                _("合同金额：变更后的金额 %(amount)s 元低于已付款 %(paid)s 元。")
                % {"amount": formatting.amount(new_amount), "paid": formatting.amount(paid)}
            )
        if contract.purchase_item is not None and new_amount > contract.amount:
            refusal = budget_refusal(contract.purchase_item, new_amount, contract=contract)
            if refusal:
                errors.append(refusal)
    errors.extend(term_refusals(new_start, new_end, new_justification))
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


# Contract documents ------------------------------------------------------------------------------------------------


@transaction.atomic
def contract_document_add(
    *,
    actor,
    contract: Contract,
    file,
    title: str,
    kind: str = ContractDocument.Kind.CONTRACT_TEXT,
    is_public=False,
    now: datetime.datetime | None = None,
) -> ContractDocument:
    """Attach a file to a contract; `now` (default: the current time) is when it was uploaded."""
    _require_manager(actor, contract)
    check = validate_upload(file)
    document = ContractDocument(
        contract=contract,
        file=file,
        original_name=check.original_name,
        size=check.size,
        content_type=check.content_type,
        title=(title or "").strip() or check.original_name,
        kind=kind,
        is_public=is_public,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
    )
    save(document, actor=actor)
    return document


@transaction.atomic
def contract_document_set_public(*, actor, document: ContractDocument, is_public: bool) -> ContractDocument:
    _require_manager(actor, document.contract)
    document.is_public = is_public
    save(document, actor=actor)
    return document


@transaction.atomic
def contract_document_remove(*, actor, document: ContractDocument) -> None:
    contract = document.contract
    _require_manager(actor, contract)
    lock(contract)
    if not contract.is_draft:
        raise ValidationError(_("已签订合同的文件是公开记录的一部分，不能删除；可改为不公开。"))
    name = document.file.name
    if getattr(actor, "is_authenticated", False):
        document._history_user = actor
    document.delete()
    transaction.on_commit(lambda: _delete_stored([name]))


# Deliverables ------------------------------------------------------------------------------------------------------


@transaction.atomic
def submission_create(
    *, actor, deliverable: Deliverable, report: str, files: Sequence, now: datetime.datetime | None = None
) -> Submission:
    """An organization member submits a deliverable: a report and one or more files of evidence, submitted at `now`
    (default: the current time)."""
    require(permissions.can_submit_deliverable(actor, deliverable), _("只有承接该合同的社会组织成员可以提交履约材料。"))
    lock(deliverable)
    contract = Contract.objects.get(pk=deliverable.contract_id)
    deliverable.contract = contract
    if not contract.is_active:
        raise ValidationError(
            _("合同当前状态为“%(status)s”，不能提交履约材料。") % {"status": contract.get_status_display()}
        )
    if deliverable.status not in (Deliverable.Status.PENDING, Deliverable.Status.RETURNED):
        raise ValidationError(
            _("履约事项“%(title)s”当前为“%(status)s”，不能再次提交。")
            % {"title": deliverable.title, "status": deliverable.get_status_display()}
        )
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": _("须填写履约报告。")})
    files = list(files or [])
    if not files:
        raise ValidationError({"files": _("至少须上传一个文件。")})
    checks, errors = [], []
    for file in files:
        try:
            checks.append(validate_upload(file))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"files": errors})

    submission = Submission(
        deliverable=deliverable, report=report, submitted_by=actor, submitted_at=now or timezone.now()
    )
    save(submission, actor=actor)
    for file, check in zip(files, checks, strict=True):
        stored = SubmissionFile(
            submission=submission,
            file=file,
            original_name=check.original_name,
            size=check.size,
            content_type=check.content_type,
        )
        save(stored, actor=actor)
    deliverable.status = Deliverable.Status.SUBMITTED
    save(deliverable, actor=actor)
    return submission


def _decide(
    actor, submission: Submission, decision: str, comment: str, now: datetime.datetime | None = None
) -> Submission:
    require(permissions.can_decide_submission(actor, submission), _("您无权验收该合同的履约事项。"))
    lock(submission)
    deliverable = submission.deliverable
    lock(deliverable)
    contract = Contract.objects.get(pk=deliverable.contract_id)
    if not contract.is_active:
        raise ValidationError(_("合同当前状态为“%(status)s”，不能验收。") % {"status": contract.get_status_display()})
    if not submission.is_open or deliverable.status != Deliverable.Status.SUBMITTED:
        raise ValidationError(_("该提交已有验收结论，不能重复处理。"))
    now = now or timezone.now()
    submission.decision = decision
    submission.decided_at = now
    submission.decided_by = actor
    submission.decision_comment = comment
    save(submission, actor=actor)
    if decision == Submission.Decision.ACCEPTED:
        deliverable.status = Deliverable.Status.ACCEPTED
        deliverable.accepted_at = now
    else:
        deliverable.status = Deliverable.Status.RETURNED
    save(deliverable, actor=actor, reason=comment)
    return submission


@transaction.atomic
def deliverable_accept(
    *, actor, submission: Submission, comment: str = "", now: datetime.datetime | None = None
) -> Submission:
    """Accept the submission, and with it its deliverable, at `now` (default: the current time)."""
    return _decide(actor, submission, Submission.Decision.ACCEPTED, (comment or "").strip(), now)


@transaction.atomic
def deliverable_return(
    *, actor, submission: Submission, comment: str, now: datetime.datetime | None = None
) -> Submission:
    """Return the submission with a comment, at `now` (default: the current time); it may be submitted again."""
    comment = (comment or "").strip()
    if not comment:
        require(permissions.can_decide_submission(actor, submission), _("您无权验收该合同的履约事项。"))
        raise ValidationError({"comment": _("退回须写明意见，说明需要改进之处。")})
    return _decide(actor, submission, Submission.Decision.RETURNED, comment, now)


# Payments ----------------------------------------------------------------------------------------------------------

PaymentBlockerCheck = Callable[[Contract, Deliverable | None], Iterable[str]]
_payment_blocker_checks: list[PaymentBlockerCheck] = []


def register_payment_blocker(check: PaymentBlockerCheck) -> None:
    """Add `check(contract, deliverable) -> reasons` to the checks every payment must pass (idempotent).

    Other apps register theirs in AppConfig.ready(); contracts itself registers none.
    """
    if check not in _payment_blocker_checks:
        _payment_blocker_checks.append(check)


def payment_blockers(contract: Contract, deliverable: Deliverable | None = None) -> list[str]:
    """Reasons, from every registered check, why a payment on `contract` (for `deliverable`) must wait."""
    reasons: list[str] = []
    for check in _payment_blocker_checks:
        reasons.extend(str(reason) for reason in check(contract, deliverable))
    return reasons


PAYABLE_STATUSES = (Contract.Status.SIGNED, Contract.Status.PERFORMING, Contract.Status.COMPLETED)


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
    """Record the next instalment; payments never exceed the contract amount."""
    require(permissions.can_record_payment(actor, contract), _("您无权登记该合同的付款。"))
    lock(contract)
    _require_status(contract, PAYABLE_STATUSES, _("登记付款"))
    errors: list[str] = []
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("付款金额须大于零。")})
    if paid_on < contract.signed_on:
        errors.append(_("付款日期不能早于签订日期 %(day)s。") % {"day": contract.signed_on.isoformat()})
    if paid_on > today():
        errors.append(_("付款日期不能晚于今天。"))
    if deliverable is not None:
        if deliverable.contract_id != contract.pk:
            errors.append(_("履约事项“%(title)s”不属于该合同。") % {"title": deliverable.title})
        else:
            deliverable.refresh_from_db()
            if deliverable.status != Deliverable.Status.ACCEPTED:
                errors.append(
                    _("履约事项“%(title)s”尚未验收（当前状态：%(status)s），不能登记对应付款。")
                    % {"title": deliverable.title, "status": deliverable.get_status_display()}
                )
    remaining = contract.amount - contract_paid_total(contract)
    if amount > remaining:
        errors.append(
            _("付款总额不能超过合同金额：本次 %(amount)s 元，剩余可付 %(remaining)s 元。")
            % {"amount": formatting.amount(amount), "remaining": formatting.amount(remaining)}
        )
    for reason in payment_blockers(contract, deliverable):
        errors.append(_("暂缓付款：%(reason)s") % {"reason": reason})
    if errors:
        raise ValidationError(errors)
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
    return payment
