"""Every write of supervision: random draws, inspections, rectification orders and their answers, complaints.

Each service is atomic, checks the actor's permission first (PermissionDenied), refuses a broken rule or a wrong state
with a ValidationError in plain Chinese (keyed by the service's parameter names where a form field matches), validates
rows with full_clean() and leaves history through simple-history with the actor as the history user.

Complaints are filed without logging in: `complaint_file` takes no permission, only an optional client key (the
caller's IP address) for the hourly rate limit.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from core.services import lock, require, save, today
from core.uploads import validate_upload
from registry.models import Organization, Region
from supervision import permissions
from supervision.models import (
    Complaint,
    Inspection,
    InspectionAttachment,
    OrderResponse,
    OrderResponseFile,
    RectificationOrder,
    SampleDraw,
    SampleDrawEntry,
)
from supervision.sampling import SEED_BITS, default_rate, draw_sample, new_seed, population_digest, population_for
from supervision.sampling import sample_size as compute_sample_size

COMPLAINT_TEXT_MAX = 5000
COMPLAINT_SUBJECT_MAX = 200
# Unambiguous characters for tracking codes: no 0/O, 1/I/L.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 12
RATE_LIMIT_WINDOW = datetime.timedelta(hours=1)

INSPECTION_FIELDS = ("kind", "planned_on", "contract", "inspectors")

Errors = dict[str, list[str]]


# --- helpers -------------------------------------------------------------------------------------------------------


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError({field: messages for field, messages in errors.items()})


def _check_not_future(errors: Errors, field: str, day: datetime.date | None, label: str, today: datetime.date) -> None:
    if day is not None and day > today:
        errors[field].append(
            _("%(label)s %(day)s 晚于今天，不能登记将来的日期。") % {"label": label, "day": day.isoformat()}
        )


def _validate_files(files: Iterable, errors: Errors, field: str) -> list:
    checks = []
    for file in files:
        try:
            checks.append(validate_upload(file))
        except ValidationError as error:
            errors[field].extend(error.messages)
    return checks


def _region_label(region: Region) -> str:
    return region.full_name or region.name


# --- random draws --------------------------------------------------------------------------------------------------


@transaction.atomic
def sample_draw_create(
    *,
    actor,
    region: Region,
    year: int,
    rate: Decimal | str | None = None,
    seed: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> SampleDraw:
    """Draw this year's random-inspection sample of `region`'s active organizations and record how it was drawn."""
    require(
        permissions.can_draw_sample(actor, region),
        _("只有辖区覆盖该区划的登记管理机关工作人员可以抽取随机抽查对象。"),
    )
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: Errors = defaultdict(list)
    try:
        rate = default_rate(region) if rate in (None, "") else Decimal(str(rate))
    except InvalidOperation:
        errors["rate"].append(_("抽查比例须为数字。"))
        rate = None
    if rate is not None and not (Decimal(0) < rate <= Decimal(100)):
        errors["rate"].append(_("抽查比例须大于 0 且不超过 100%。"))
    if year is None or year not in (today.year, today.year + 1):
        errors["year"].append(
            _("只能抽取本年度（%(this)d）或下一年度（%(next)d）的抽查对象。")
            % {"this": today.year, "next": today.year + 1}
        )
    elif SampleDraw.objects.filter(region=region, year=year).exists():
        errors["year"].append(
            _("%(region)s %(year)d 年度的抽查对象已经抽取，不能重复抽取。")
            % {"region": _region_label(region), "year": year}
        )
    if seed is not None and not (0 <= int(seed) < 2**SEED_BITS):
        errors["seed"].append(_("随机种子须为 0 至 2^63-1 之间的整数。"))
    population = population_for(region)
    if not population:
        errors["region"].append(
            _("%(region)s 没有登记状态为正常的社会组织，无法抽取。") % {"region": _region_label(region)}
        )
    _raise(errors)

    seed = new_seed() if seed is None else int(seed)
    usccs = [organization.uscc for organization in population]
    size = compute_sample_size(len(usccs), rate)
    drawn = draw_sample(usccs, seed=seed, size=size)
    draw = SampleDraw(
        region=region,
        year=year,
        rate=rate,
        seed=seed,
        population_count=len(usccs),
        population_hash=population_digest(usccs),
        population_usccs="\n".join(usccs),
        sample_size=size,
        note=(note or "").strip(),
        drawn_by=actor,
        drawn_at=now,
    )
    save(draw, actor=actor)
    by_uscc = {organization.uscc: organization for organization in population}
    SampleDrawEntry.objects.bulk_create(
        SampleDrawEntry(draw=draw, organization=by_uscc[uscc], position=position)
        for position, uscc in enumerate(drawn, start=1)
    )
    return draw


@transaction.atomic
def sample_draw_plan_inspections(
    *, actor, draw: SampleDraw, planned_on: datetime.date, inspectors: Sequence = ()
) -> list[Inspection]:
    """Plan a random inspection for every organization of the draw that has none from it yet (safe to repeat)."""
    require(permissions.can_view_sample_draw(actor, draw), _("您无权为该次抽取安排检查。"))
    if planned_on is None:
        raise ValidationError({"planned_on": _("请填写计划检查日期。")})
    already = set(draw.inspections.values_list("organization_id", flat=True))
    created = []
    for entry in draw.entries.select_related("organization__region").order_by("position"):
        if entry.organization_id in already:
            continue
        require(
            permissions.can_plan_inspection(actor, entry.organization),
            _("您无权检查“%(name)s”。") % {"name": entry.organization.name},
        )
        created.append(
            _inspection_create(
                actor=actor,
                organization=entry.organization,
                kind=Inspection.Kind.RANDOM,
                planned_on=planned_on,
                inspectors=inspectors,
                sample_draw=draw,
            )
        )
    return created


# --- inspections ---------------------------------------------------------------------------------------------------


def _check_inspectors(errors: Errors, organization: Organization, kind: str, inspectors: Sequence) -> None:
    for inspector in inspectors:
        if not permissions.supervises(inspector, organization):
            errors["inspectors"].append(
                _("%(name)s 不是辖区覆盖“%(organization)s”的登记管理机关或购买主体工作人员，不能担任检查人员。")
                % {"name": str(inspector), "organization": organization.name}
            )
    if kind == Inspection.Kind.ON_SITE and inspectors and len(inspectors) < Inspection.ON_SITE_MIN_INSPECTORS:
        errors["inspectors"].append(
            _("实地检查须由至少 %(count)d 名检查人员进行。") % {"count": Inspection.ON_SITE_MIN_INSPECTORS}
        )


def _check_contract(errors: Errors, field: str, contract: Contract | None, organization: Organization) -> None:
    if contract is None:
        return
    if contract.organization_id != organization.pk:
        errors[field].append(
            _("合同 %(number)s 的承接主体不是“%(name)s”。") % {"number": contract.number, "name": organization.name}
        )
    elif contract.is_draft:
        errors[field].append(_("合同 %(number)s 尚未签订。") % {"number": contract.number})


def _unique(users: Sequence | None) -> list:
    seen, result = set(), []
    for user in users or ():
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _inspection_create(
    *,
    actor,
    organization: Organization,
    kind: str,
    planned_on: datetime.date | None,
    inspectors: Sequence = (),
    contract: Contract | None = None,
    sample_draw: SampleDraw | None = None,
) -> Inspection:
    errors: Errors = defaultdict(list)
    inspectors = _unique(inspectors)
    if kind not in Inspection.Kind.values:
        errors["kind"].append(_("请选择检查方式。"))
    if planned_on is None:
        errors["planned_on"].append(_("请填写计划检查日期。"))
    _check_inspectors(errors, organization, kind, inspectors)
    _check_contract(errors, "contract", contract, organization)
    _raise(errors)
    inspection = Inspection(
        organization=organization,
        contract=contract,
        kind=kind,
        department=actor.department,
        sample_draw=sample_draw,
        planned_on=planned_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    save(inspection, actor=actor)
    if inspectors:
        inspection.inspectors.set(inspectors)
    return inspection


@transaction.atomic
def inspection_plan(
    *,
    actor,
    organization: Organization,
    kind: str,
    planned_on: datetime.date | None,
    inspectors: Sequence = (),
    contract: Contract | None = None,
) -> Inspection:
    """Plan a targeted, on-site or document inspection (random inspections come from a draw)."""
    require(permissions.can_plan_inspection(actor, organization), _("您无权检查该社会组织。"))
    if kind == Inspection.Kind.RANDOM:
        raise ValidationError({"kind": _("双随机抽查的对象须通过随机抽取产生，请在随机抽取中安排检查。")})
    return _inspection_create(
        actor=actor,
        organization=organization,
        kind=kind,
        planned_on=planned_on,
        inspectors=inspectors,
        contract=contract,
    )


@transaction.atomic
def inspection_update(*, actor, inspection: Inspection, **fields) -> Inspection:
    """Change a planned inspection: kind, planned date, contract or inspectors."""
    unknown = set(fields) - set(INSPECTION_FIELDS)
    if unknown:
        raise TypeError(f"inspection_update() cannot change {', '.join(sorted(unknown))}")
    require(permissions.can_record_inspection(actor, inspection), _("您无权修改该检查。"))
    lock(inspection)
    if not inspection.is_planned:
        raise ValidationError(_("检查已完成，其记录不能再修改。"))
    errors: Errors = defaultdict(list)
    kind = fields.get("kind", inspection.kind)
    if "kind" in fields and (kind == Inspection.Kind.RANDOM) != (inspection.kind == Inspection.Kind.RANDOM):
        errors["kind"].append(_("双随机抽查与其他检查方式不能互相转换。"))
    elif kind not in Inspection.Kind.values:
        errors["kind"].append(_("请选择检查方式。"))
    if "planned_on" in fields and fields["planned_on"] is None:
        errors["planned_on"].append(_("请填写计划检查日期。"))
    inspectors = _unique(fields["inspectors"]) if "inspectors" in fields else list(inspection.inspectors.all())
    _check_inspectors(errors, inspection.organization, kind, inspectors)
    if "contract" in fields:
        _check_contract(errors, "contract", fields["contract"], inspection.organization)
    _raise(errors)
    for name in ("kind", "planned_on", "contract"):
        if name in fields:
            setattr(inspection, name, fields[name])
    save(inspection, actor=actor)
    if "inspectors" in fields:
        inspection.inspectors.set(inspectors)
    return inspection


@transaction.atomic
def inspection_complete(
    *,
    actor,
    inspection: Inspection,
    inspected_on: datetime.date | None,
    conclusion: str,
    findings: str = "",
    inspectors: Sequence | None = None,
) -> Inspection:
    """Record the result of a planned inspection: date, inspectors, findings and conclusion."""
    require(permissions.can_record_inspection(actor, inspection), _("您无权登记该检查的结果。"))
    lock(inspection)
    if not inspection.is_planned:
        raise ValidationError(_("该检查已于 %(day)s 完成，不能重复登记结果。") % {"day": inspection.inspected_on})
    errors: Errors = defaultdict(list)
    inspectors = _unique(inspectors) if inspectors is not None else list(inspection.inspectors.all())
    if not inspectors:
        errors["inspectors"].append(_("请填写检查人员。"))
    _check_inspectors(errors, inspection.organization, inspection.kind, inspectors)
    if inspected_on is None:
        errors["inspected_on"].append(_("请填写实际检查日期。"))
    else:
        _check_not_future(errors, "inspected_on", inspected_on, _("检查日期"), today())
    if conclusion not in Inspection.Conclusion.values:
        errors["conclusion"].append(_("请选择检查结论。"))
    findings = (findings or "").strip()
    if conclusion == Inspection.Conclusion.PROBLEMS_FOUND and not findings:
        errors["findings"].append(_("结论为“发现问题”时须写明检查发现的问题。"))
    _raise(errors)
    inspection.inspected_on = inspected_on
    inspection.conclusion = conclusion
    inspection.findings = findings
    inspection.status = Inspection.Status.COMPLETED
    inspection.completed_by = actor
    inspection.completed_at = timezone.now()
    save(inspection, actor=actor)
    inspection.inspectors.set(inspectors)
    return inspection


@transaction.atomic
def inspection_attachment_add(*, actor, inspection: Inspection, file, title: str = "") -> InspectionAttachment:
    """Attach a file (record, photographs, documents) to an inspection."""
    require(permissions.can_record_inspection(actor, inspection), _("您无权为该检查上传材料。"))
    errors: Errors = defaultdict(list)
    checks = _validate_files([file] if file else [], errors, "file")
    if file is None:
        errors["file"].append(_("请选择要上传的文件。"))
    _raise(errors)
    check = checks[0]
    attachment = InspectionAttachment(
        inspection=inspection,
        file=file,
        original_name=check.original_name,
        size=check.size,
        content_type=check.content_type,
        title=(title or "").strip() or check.original_name,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    save(attachment, actor=actor)
    return attachment


# --- rectification orders ------------------------------------------------------------------------------------------


@transaction.atomic
def order_issue(
    *,
    actor,
    organization: Organization,
    requirements: str,
    deadline: datetime.date | None,
    source: str = RectificationOrder.Source.DIRECT,
    inspection: Inspection | None = None,
    complaint: Complaint | None = None,
    contract: Contract | None = None,
    evaluation=None,
    source_reference: str = "",
    issued_on: datetime.date | None = None,
) -> RectificationOrder:
    """Order an organization to put something right by a deadline.

    The source names why: a completed inspection that found problems, an upheld complaint, a finalized evaluation
    graded 差 (its contract becomes the order's contract unless one is given), or the official's direct decision;
    `source_reference` is free text (a document number, a meeting) for any source.
    """
    require(permissions.can_issue_order(actor, organization), _("您无权向该社会组织下达整改通知。"))
    today = timezone.localdate()
    issued_on = issued_on or today
    errors: Errors = defaultdict(list)
    requirements = (requirements or "").strip()
    source_reference = (source_reference or "").strip()
    if not requirements:
        errors["requirements"].append(_("请写明整改要求。"))
    _check_not_future(errors, "issued_on", issued_on, _("下达日期"), today)
    if deadline is None:
        errors["deadline"].append(_("请填写整改期限。"))
    elif deadline <= issued_on:
        errors["deadline"].append(
            _("整改期限 %(deadline)s 须晚于下达日期 %(issued)s。")
            % {"deadline": deadline.isoformat(), "issued": issued_on.isoformat()}
        )
    if source not in RectificationOrder.Source.values:
        errors["source"].append(_("请选择整改通知的来源。"))
    if source == RectificationOrder.Source.INSPECTION:
        if inspection is None:
            errors["inspection"].append(_("来源为监督检查时须选择该次检查。"))
        elif inspection.organization_id != organization.pk:
            errors["inspection"].append(_("所选检查的对象不是该社会组织。"))
        elif inspection.conclusion != Inspection.Conclusion.PROBLEMS_FOUND:
            errors["inspection"].append(_("只有结论为“发现问题”的已完成检查可以作为整改来源。"))
    if source == RectificationOrder.Source.COMPLAINT:
        if complaint is None:
            errors["complaint"].append(_("来源为投诉举报时须选择该投诉。"))
        elif complaint.organization_id != organization.pk:
            errors["complaint"].append(_("所选投诉的对象不是该社会组织。"))
        elif complaint.status != Complaint.Status.UPHELD:
            errors["complaint"].append(_("只有经核实属实的投诉可以作为整改来源。"))
        elif complaint.orders.exists():
            errors["complaint"].append(
                _("投诉 %(code)s 已下达过整改通知，不能重复下达。") % {"code": complaint.tracking_code}
            )
    if source == RectificationOrder.Source.EVALUATION:
        if evaluation is None:
            errors["evaluation"].append(_("来源为绩效评价时须选择该次评价。"))
        elif evaluation.contract.organization_id != organization.pk:
            errors["evaluation"].append(_("所选绩效评价的合同承接主体不是该社会组织。"))
        elif not (evaluation.is_finalized and evaluation.grade == evaluation.Grade.POOR):
            errors["evaluation"].append(_("只有已定稿且评价等级为“差”的绩效评价可以作为整改来源。"))
        elif contract is None:
            contract = evaluation.contract
    _check_contract(errors, "contract", contract, organization)
    _raise(errors)
    order = RectificationOrder(
        organization=organization,
        department=actor.department,
        source=source,
        inspection=inspection if source == RectificationOrder.Source.INSPECTION else None,
        complaint=complaint if source == RectificationOrder.Source.COMPLAINT else None,
        evaluation=evaluation if source == RectificationOrder.Source.EVALUATION else None,
        contract=contract,
        source_reference=source_reference,
        requirements=requirements,
        issued_on=issued_on,
        deadline=deadline,
        status=RectificationOrder.Status.ISSUED,
        issued_by=actor,
        created_at=timezone.now(),
    )
    save(order, actor=actor)
    return order


@transaction.atomic
def order_answer(
    *, actor, order: RectificationOrder, text: str, files: Sequence = (), now: datetime.datetime | None = None
) -> OrderResponse:
    """The organization answers an order with what it corrected, and evidence files."""
    require(permissions.can_answer_order(actor, order), _("只有被责令整改的社会组织成员可以答复整改通知。"))
    lock(order)
    if not order.can_be_answered:
        raise ValidationError(_("整改通知当前为“%(status)s”，不能答复。") % {"status": order.get_status_display()})
    now = now or timezone.now()
    errors: Errors = defaultdict(list)
    text = (text or "").strip()
    if not text:
        errors["text"].append(_("请写明整改情况。"))
    files = list(files or [])
    checks = _validate_files(files, errors, "files")
    _raise(errors)
    response = OrderResponse(
        order=order, text=text, responded_by=actor, responded_at=now, responded_on=timezone.localdate(now)
    )
    save(response, actor=actor)
    for file, check in zip(files, checks, strict=True):
        stored = OrderResponseFile(
            response=response,
            file=file,
            original_name=check.original_name,
            size=check.size,
            content_type=check.content_type,
        )
        save(stored, actor=actor)
    order.status = RectificationOrder.Status.ANSWERED
    save(order, actor=actor)
    return response


def _pending_response(order: RectificationOrder) -> OrderResponse:
    response = order.responses.filter(decision__isnull=True).first()
    if order.status != RectificationOrder.Status.ANSWERED or response is None:
        raise ValidationError(
            _("整改通知当前为“%(status)s”，没有待核验的答复。") % {"status": order.get_status_display()}
        )
    return response


@transaction.atomic
def order_verify(
    *,
    actor,
    order: RectificationOrder,
    comment: str = "",
    on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> RectificationOrder:
    """Accept the organization's answer: the order is closed (verified)."""
    require(permissions.can_decide_order(actor, order), _("您无权核验该整改通知。"))
    lock(order)
    response = _pending_response(order)
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    errors: Errors = defaultdict(list)
    _check_not_future(errors, "on", on, _("核验日期"), today())
    if on < response.responded_on:
        errors["on"].append(
            _("核验日期 %(on)s 早于答复日期 %(answered)s。")
            % {"on": on.isoformat(), "answered": response.responded_on.isoformat()}
        )
    _raise(errors)
    response.decision = OrderResponse.Decision.VERIFIED
    response.decision_reason = (comment or "").strip()
    response.decided_by = actor
    response.decided_at = now
    save(response, actor=actor)
    order.status = RectificationOrder.Status.VERIFIED
    order.verified_on = on
    save(order, actor=actor, reason=response.decision_reason)
    return order


@transaction.atomic
def order_return(
    *, actor, order: RectificationOrder, reason: str, now: datetime.datetime | None = None
) -> RectificationOrder:
    """Refuse the organization's answer with the reason; the organization must answer again."""
    require(permissions.can_decide_order(actor, order), _("您无权核验该整改通知。"))
    lock(order)
    response = _pending_response(order)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回须写明理由，说明整改尚未达到的要求。")})
    response.decision = OrderResponse.Decision.RETURNED
    response.decision_reason = reason
    response.decided_by = actor
    response.decided_at = now or timezone.now()
    save(response, actor=actor)
    order.status = RectificationOrder.Status.RETURNED
    save(order, actor=actor, reason=reason)
    return order


# --- complaints ----------------------------------------------------------------------------------------------------


def _new_tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


def _rate_key(client_key: str) -> str:
    return "supervision:complaints:" + hashlib.sha256(str(client_key).encode()).hexdigest()


def _complaints_per_hour() -> int:
    return int(getattr(settings, "SUPERVISION_COMPLAINTS_PER_HOUR", 5))


def _recent_filings(client_key: str, now: datetime.datetime) -> list[float]:
    cutoff = (now - RATE_LIMIT_WINDOW).timestamp()
    return [stamp for stamp in cache.get(_rate_key(client_key), []) if stamp > cutoff]


def complaint_rate_limit_check(client_key: str, *, now: datetime.datetime | None = None) -> None:
    """Refuse when the client (e.g. an IP address) has filed the hourly maximum of complaints already."""
    now = now or timezone.now()
    limit = _complaints_per_hour()
    if len(_recent_filings(client_key, now)) >= limit:
        raise ValidationError(
            _("提交过于频繁：同一来源每小时最多提交 %(limit)d 件投诉举报，请稍后再试。") % {"limit": limit},
            code="rate_limited",
        )


def complaint_rate_limit_record(client_key: str, *, now: datetime.datetime | None = None) -> None:
    """Count one filing for the client."""
    now = now or timezone.now()
    filings = _recent_filings(client_key, now) + [now.timestamp()]
    cache.set(_rate_key(client_key), filings, timeout=int(RATE_LIMIT_WINDOW.total_seconds()))


def complaint_attachment_max_bytes() -> int:
    return int(getattr(settings, "SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


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
    now = now or timezone.now()
    if client_key:
        complaint_rate_limit_check(client_key, now=now)
    errors: Errors = defaultdict(list)
    if contract is not None:
        if contract.is_draft:
            errors["contract"].append(_("只能对已签订的合同投诉举报。"))
        elif organization is not None and organization.pk != contract.organization_id:
            errors["contract"].append(_("所选合同的承接主体不是被投诉的社会组织。"))
        organization = contract.organization
    if organization is None:
        errors["organization"].append(_("请选择被投诉举报的社会组织或合同。"))
    subject = (subject or "").strip()
    text = (text or "").strip()
    if not subject:
        errors["subject"].append(_("请填写标题。"))
    elif len(subject) > COMPLAINT_SUBJECT_MAX:
        errors["subject"].append(_("标题不能超过 %(max)d 个字。") % {"max": COMPLAINT_SUBJECT_MAX})
    if not text:
        errors["text"].append(_("请填写投诉举报内容。"))
    elif len(text) > COMPLAINT_TEXT_MAX:
        errors["text"].append(
            _("投诉举报内容不能超过 %(max)d 个字（现为 %(length)d 个字）。")
            % {"max": COMPLAINT_TEXT_MAX, "length": len(text)}
        )
    check = None
    if attachment:
        checks = _validate_files([attachment], errors, "attachment")
        check = checks[0] if checks else None
        if check is not None and check.size > complaint_attachment_max_bytes():
            errors["attachment"].append(
                _("附件“%(name)s”超过大小上限 %(limit)s MB。")
                % {"name": check.original_name, "limit": complaint_attachment_max_bytes() // (1024 * 1024)}
            )
    _raise(errors)

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
    if check is not None:
        complaint.attachment = attachment
        complaint.attachment_name = check.original_name
        complaint.attachment_size = check.size
        complaint.attachment_content_type = check.content_type
    save(complaint, actor=actor)
    if client_key:
        complaint_rate_limit_record(client_key, now=now)
    return complaint


def _require_handler(actor, complaint: Complaint) -> None:
    require(permissions.can_handle_complaint(actor, complaint), _("您无权办理该投诉举报。"))


@transaction.atomic
def complaint_start_review(*, actor, complaint: Complaint, now: datetime.datetime | None = None) -> Complaint:
    """An official takes the complaint up: received → under review."""
    _require_handler(actor, complaint)
    lock(complaint)
    if complaint.status != Complaint.Status.RECEIVED:
        raise ValidationError(
            _("投诉举报当前为“%(status)s”，不能开始核实。") % {"status": complaint.get_status_display()}
        )
    complaint.status = Complaint.Status.UNDER_REVIEW
    complaint.handler = actor
    complaint.review_started_at = now or timezone.now()
    save(complaint, actor=actor)
    return complaint


def _decide_complaint(
    actor, complaint: Complaint, status: str, reasoning: str, internal_note: str, now: datetime.datetime | None
) -> Complaint:
    _require_handler(actor, complaint)
    lock(complaint)
    if complaint.status != Complaint.Status.UNDER_REVIEW:
        raise ValidationError(
            _("投诉举报当前为“%(status)s”，须在核实中才能作出结论。") % {"status": complaint.get_status_display()}
        )
    reasoning = (reasoning or "").strip()
    if not reasoning:
        raise ValidationError({"reasoning": _("请写明处理意见（将向投诉举报人公开）。")})
    complaint.status = status
    complaint.reasoning = reasoning
    complaint.internal_note = (internal_note or "").strip() or complaint.internal_note
    complaint.decided_at = now or timezone.now()
    complaint.decided_by = actor
    save(complaint, actor=actor, reason=reasoning)
    return complaint


@transaction.atomic
def complaint_uphold(
    *, actor, complaint: Complaint, reasoning: str, internal_note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """The complaint proved true (属实)."""
    return _decide_complaint(actor, complaint, Complaint.Status.UPHELD, reasoning, internal_note, now)


@transaction.atomic
def complaint_dismiss(
    *, actor, complaint: Complaint, reasoning: str, internal_note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """The complaint did not prove true (不属实)."""
    return _decide_complaint(actor, complaint, Complaint.Status.DISMISSED, reasoning, internal_note, now)


@transaction.atomic
def complaint_open_order(
    *,
    actor,
    complaint: Complaint,
    requirements: str,
    deadline: datetime.date | None,
    issued_on: datetime.date | None = None,
) -> RectificationOrder:
    """Order the organization of an upheld complaint to put it right (one order per complaint)."""
    return order_issue(
        actor=actor,
        organization=complaint.organization,
        requirements=requirements,
        deadline=deadline,
        source=RectificationOrder.Source.COMPLAINT,
        complaint=complaint,
        contract=complaint.contract,
        issued_on=issued_on,
    )
