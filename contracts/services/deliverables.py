"""Deliverables: set on the draft, submitted by the organization, accepted or returned by the purchaser.

pending → submitted → accepted | returned → submitted (contracts.workflows.DELIVERABLE), while the contract is signed
or being performed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts import notices, permissions
from contracts.models import Contract, Deliverable, Submission, SubmissionFile
from contracts.services.common import require_manager
from contracts.workflows import CONTRACT, DELIVERABLE
from core.services import Refusals, apply_fields, check_event_date, lock, refuse, require, save
from core.uploads import validate_upload

DELIVERABLE_FIELDS = ("title", "description", "due_on", "payment_share", "acceptance_criteria")


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
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("add_deliverable", contract.status)
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
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("update_deliverable", contract.status)
    apply_fields(deliverable, fields, DELIVERABLE_FIELDS, "deliverable_update")
    save(deliverable, actor=actor)
    return deliverable


@transaction.atomic
def deliverable_remove(*, actor, deliverable: Deliverable) -> None:
    contract = deliverable.contract
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("remove_deliverable", contract.status)
    if getattr(actor, "is_authenticated", False):
        deliverable._history_user = actor
    deliverable.delete()


def _checked_uploads(files: list) -> list:
    """Each file's upload check, or one refusal on `files` naming every file refused."""
    checks, refusals = [], Refusals()
    for file in files:
        try:
            checks.append(validate_upload(file))
        except ValidationError as error:
            refusals.extend(error, field="files")
    refusals.raise_if_any()
    return checks


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
    CONTRACT.check("submit_deliverable", contract.status)
    DELIVERABLE.check("submit", deliverable.status)
    report = (report or "").strip()
    if not report:
        refuse("report", _("须填写履约报告。"), code="report_required")
    files = list(files or [])
    if not files:
        refuse("files", _("至少须上传一个文件。"), code="files_required")
    checks = _checked_uploads(files)

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
            sha256=check.sha256,
        )
        save(stored, actor=actor)
    deliverable.status = Deliverable.Status.SUBMITTED
    save(deliverable, actor=actor)
    notices.submission_received(submission, actor=actor)
    return submission


def _require_decider(actor, submission: Submission) -> None:
    require(permissions.can_decide_submission(actor, submission), _("您无权验收该合同的履约事项。"))


def accepted_moment(accepted_on: datetime.date, *, recorded_at: datetime.datetime, submitted_at: datetime.datetime):
    """The moment a deliverable counts as accepted: when the decision was recorded if that was on the acceptance day,
    else the start of the acceptance day in TIME_ZONE (never before the submission it accepts)."""
    if timezone.localdate(recorded_at) == accepted_on:
        return recorded_at
    start = timezone.make_aware(datetime.datetime.combine(accepted_on, datetime.time.min))
    return max(start, submitted_at)


def _decide(
    actor,
    submission: Submission,
    action: str,
    comment: str,
    now: datetime.datetime | None = None,
    accepted_on: datetime.date | None = None,
) -> Submission:
    _require_decider(actor, submission)
    lock(submission)
    deliverable = submission.deliverable
    lock(deliverable)
    contract = Contract.objects.get(pk=deliverable.contract_id)
    CONTRACT.check("decide_submission", contract.status)
    if not submission.is_open:
        refuse(None, _("该提交已有验收结论，不能重复处理。"), code="already_decided")
    DELIVERABLE.check(action, deliverable.status)
    now = now or timezone.now()
    if action == "accept":
        submission.accepted_on = check_event_date(
            accepted_on or timezone.localdate(now),
            field="accepted_on",
            previous=timezone.localdate(submission.submitted_at),
            previous_label=_("履约材料提交日期"),
        )
    submission.decision = Submission.Decision.ACCEPTED if action == "accept" else Submission.Decision.RETURNED
    submission.decided_at = now
    submission.decided_by = actor
    submission.decision_comment = comment
    save(submission, actor=actor)
    deliverable.status = DELIVERABLE[action].target
    if action == "accept":
        deliverable.accepted_at = accepted_moment(
            submission.accepted_on, recorded_at=now, submitted_at=submission.submitted_at
        )
    save(deliverable, actor=actor, reason=comment)
    notices.submission_decided(submission, actor=actor)
    return submission


@transaction.atomic
def deliverable_accept(
    *,
    actor,
    submission: Submission,
    comment: str = "",
    accepted_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Submission:
    """Accept the submission, and with it its deliverable, on the day the acceptance actually took place
    (`accepted_on`: the day of `now` by default; not after today, not before the submission), recorded at `now`
    (default: the current time)."""
    return _decide(actor, submission, "accept", (comment or "").strip(), now, accepted_on)


@transaction.atomic
def deliverable_return(
    *, actor, submission: Submission, comment: str, now: datetime.datetime | None = None
) -> Submission:
    """Return the submission with a comment, at `now` (default: the current time); it may be submitted again."""
    comment = (comment or "").strip()
    if not comment:
        _require_decider(actor, submission)
        refuse("comment", _("退回须写明意见，说明需要改进之处。"), code="comment_required")
    return _decide(actor, submission, "return", comment, now)
