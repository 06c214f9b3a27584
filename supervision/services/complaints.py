"""Complaints (投诉举报): filed by anyone, without logging in, and handled by the officials of the organization's
region.

    received ──start_review──▶ under_review ──uphold──▶ upheld ──open_order──▶ (one rectification order)
                                            ──dismiss──▶ dismissed        (supervision.workflows.COMPLAINT)

`complaint_file` takes no permission, only an optional client key (the caller's IP address) for the hourly rate limit,
which refuses with the code `rate_limited`. The filing is counted before anything else is done (accounts.ratelimit:
atomic, shared by every process); a refused filing does not count.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit
from contracts.models import Contract
from core.services import Refusals, lock, refuse, require, save
from core.services import now as current_time
from registry.models import Organization
from supervision import notices, permissions
from supervision.models import Complaint, RectificationOrder
from supervision.services.common import check_files
from supervision.services.orders import order_issue
from supervision.workflows import COMPLAINT

COMPLAINT_TEXT_MAX = 5000
COMPLAINT_SUBJECT_MAX = 200
# Unambiguous characters for tracking codes: no 0/O, 1/I/L.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 12
RATE_LIMIT_WINDOW = datetime.timedelta(hours=1)
RATE_LIMITED = "rate_limited"
RATE_SCOPE = "complaints"


# --- the hourly limit of filings per client ------------------------------------------------------------------------


def _complaints_per_hour() -> int:
    return int(getattr(settings, "SUPERVISION_COMPLAINTS_PER_HOUR", 5))


def _refuse_rate_limited(limit: int) -> None:
    refuse(
        None,
        _("提交过于频繁：同一来源每小时最多提交 %(limit)d 件投诉举报，请稍后再试。"),
        code=RATE_LIMITED,
        limit=limit,
    )


def complaint_rate_limit_check(client_key: str, *, now: datetime.datetime | None = None) -> None:
    """Refuse (code `rate_limited`) when the client has filed the hourly maximum already (counts nothing)."""
    limit = _complaints_per_hour()
    if ratelimit.count(RATE_SCOPE, client_key, window=RATE_LIMIT_WINDOW, now=now) >= limit:
        _refuse_rate_limited(limit)


def complaint_rate_limit_take(client_key: str, *, now: datetime.datetime | None = None) -> None:
    """Count one filing of the client before any work is done (atomic, shared by every process: accounts.ratelimit);
    past the hourly maximum the filing is refused and not counted."""
    limit = _complaints_per_hour()
    if ratelimit.hit(RATE_SCOPE, client_key, window=RATE_LIMIT_WINDOW, now=now) > limit:
        ratelimit.release(RATE_SCOPE, client_key, window=RATE_LIMIT_WINDOW, now=now)
        _refuse_rate_limited(limit)


# --- filing --------------------------------------------------------------------------------------------------------


def complaint_attachment_max_mb() -> int:
    """The largest complaint attachment in megabytes (never above the site's upload limit)."""
    return min(int(getattr(settings, "SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB", 10)), int(settings.UPLOAD_MAX_MB))


def complaint_attachment_max_bytes() -> int:
    return complaint_attachment_max_mb() * 1024 * 1024


def _new_tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


def _check_text(refusals: Refusals, field: str, text: str, maximum: int, missing, too_long) -> None:
    if not text:
        refusals.add(field, missing, code="required")
    elif len(text) > maximum:
        refusals.add(field, too_long, code="too_long", max=maximum, length=len(text))


@transaction.atomic
def complaint_file(
    *,
    subject: str,
    text: str,
    organization: Organization | None = None,
    contract: Contract | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    attachment=None,
    client_key: str | None = None,
    actor=None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """File a complaint about an organization or one of its signed contracts; anyone may, no login needed.

    Returns the complaint; its `tracking_code` is what the complainant keeps to look the status up.
    """
    now = now or current_time()
    if client_key:
        complaint_rate_limit_take(client_key, now=now)
    try:
        return _complaint_file(
            subject=subject,
            text=text,
            organization=organization,
            contract=contract,
            contact=(contact_name, contact_phone, contact_email),
            attachment=attachment,
            actor=actor,
            now=now,
        )
    except ValidationError:
        if client_key:  # a refused filing does not count (in the database the rollback takes it back anyway)
            ratelimit.release_after_refusal(RATE_SCOPE, client_key, window=RATE_LIMIT_WINDOW, now=now)
        raise


def _complaint_file(*, subject, text, organization, contract, contact, attachment, actor, now) -> Complaint:
    contact_name, contact_phone, contact_email = contact
    refusals = Refusals()
    if contract is not None:
        if contract.is_draft:
            refusals.add("contract", _("只能对已签订的合同投诉举报。"), code="contract_not_signed")
        elif organization is not None and organization.pk != contract.organization_id:
            refusals.add("contract", _("所选合同的承接主体不是被投诉的社会组织。"), code="contract_not_of_organization")
        organization = contract.organization
    if organization is None:
        refusals.add("organization", _("请选择被投诉举报的社会组织或合同。"), code="required")
    subject = (subject or "").strip()
    text = (text or "").strip()
    _check_text(
        refusals, "subject", subject, COMPLAINT_SUBJECT_MAX, _("请填写标题。"), _("标题不能超过 %(max)d 个字。")
    )
    _check_text(
        refusals,
        "text",
        text,
        COMPLAINT_TEXT_MAX,
        _("请填写投诉举报内容。"),
        _("投诉举报内容不能超过 %(max)d 个字（现为 %(length)d 个字）。"),
    )
    attachments = [attachment] if attachment else []
    checks = check_files(refusals, "attachment", attachments, max_mb=complaint_attachment_max_mb())
    refusals.raise_if_any()

    complaint = Complaint(
        tracking_code=_new_tracking_code(),
        organization=organization,
        contract=contract,
        subject=subject,
        text=text,
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        contact_email=(contact_email or "").strip(),
        received_at=now,
        status=Complaint.Status.RECEIVED,
    )
    if checks:
        check = checks[0]
        complaint.attachment = attachment
        complaint.attachment_name = check.original_name
        complaint.attachment_size = check.size
        complaint.attachment_content_type = check.content_type
    save(complaint, actor=actor)
    notices.complaint_changed(complaint)
    return complaint


# --- handling ------------------------------------------------------------------------------------------------------


def _require_handler(actor, complaint: Complaint) -> None:
    require(permissions.can_handle_complaint(actor, complaint), _("您无权办理该投诉举报。"))


@transaction.atomic
def complaint_start_review(*, actor, complaint: Complaint, now: datetime.datetime | None = None) -> Complaint:
    """An official takes the complaint up: received → under review."""
    _require_handler(actor, complaint)
    lock(complaint)
    COMPLAINT.check("start_review", complaint.status)
    complaint.status = Complaint.Status.UNDER_REVIEW
    complaint.handler = actor
    complaint.review_started_at = now or current_time()
    save(complaint, actor=actor)
    notices.complaint_changed(complaint, actor=actor)
    return complaint


def _decide(
    actor, complaint: Complaint, action: str, reasoning: str, internal_note: str, now: datetime.datetime | None
) -> Complaint:
    _require_handler(actor, complaint)
    lock(complaint)
    COMPLAINT.check(action, complaint.status)
    reasoning = (reasoning or "").strip()
    if not reasoning:
        refuse("reasoning", _("请写明处理意见（将向投诉举报人公开）。"), code="required")
    complaint.status = COMPLAINT[action].target
    complaint.reasoning = reasoning
    complaint.internal_note = (internal_note or "").strip() or complaint.internal_note
    complaint.decided_at = now or current_time()
    complaint.decided_by = actor
    save(complaint, actor=actor, reason=reasoning)
    notices.complaint_changed(complaint, actor=actor)
    return complaint


@transaction.atomic
def complaint_uphold(
    *, actor, complaint: Complaint, reasoning: str, internal_note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """The complaint proved true (属实)."""
    return _decide(actor, complaint, "uphold", reasoning, internal_note, now)


@transaction.atomic
def complaint_dismiss(
    *, actor, complaint: Complaint, reasoning: str, internal_note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """The complaint did not prove true (不属实)."""
    return _decide(actor, complaint, "dismiss", reasoning, internal_note, now)


@transaction.atomic
def complaint_open_order(
    *,
    actor,
    complaint: Complaint,
    requirements: str,
    deadline: datetime.date | None,
    issued_on: datetime.date | None = None,
    recorded_on: datetime.date | None = None,
) -> RectificationOrder:
    """Order the organization of an upheld complaint to put it right (one order per complaint)."""
    require(permissions.can_handle_complaint(actor, complaint), _("您无权办理该投诉举报。"))
    COMPLAINT.check("open_order", complaint.status)
    return order_issue(
        actor=actor,
        organization=complaint.organization,
        requirements=requirements,
        deadline=deadline,
        source=RectificationOrder.Source.COMPLAINT,
        complaint=complaint,
        contract=complaint.contract,
        issued_on=issued_on,
        recorded_on=recorded_on,
    )
