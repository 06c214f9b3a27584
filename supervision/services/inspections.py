"""Inspections (监督检查): plan, change a plan, record the result, attach files.

Random inspections come only from a draw (services.draws); the others are planned here. On-site checks need at least
two inspectors, every inspector must supervise the organization, and a completed inspection's record is final.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.services import Refusals, apply_fields, lock, now, refuse, require, save, today
from registry.models import Organization
from supervision import permissions
from supervision.models import Inspection, InspectionAttachment, SampleDraw
from supervision.services.common import check_contract, check_files, check_not_future
from supervision.workflows import INSPECTION

INSPECTION_FIELDS = ("kind", "planned_on", "contract", "inspectors")


def check_inspectors(refusals: Refusals, organization: Organization, kind: str, inspectors: Sequence) -> None:
    """Every inspector supervises the organization; an on-site check has at least two."""
    for inspector in inspectors:
        if not permissions.supervises(inspector, organization):
            refusals.add(
                "inspectors",
                _("%(name)s 不是辖区覆盖“%(organization)s”的登记管理机关或购买主体工作人员，不能担任检查人员。"),
                code="inspector_not_covering",
                name=str(inspector),
                organization=organization.name,
            )
    if kind == Inspection.Kind.ON_SITE and inspectors and len(inspectors) < Inspection.ON_SITE_MIN_INSPECTORS:
        refusals.add(
            "inspectors",
            _("实地检查须由至少 %(count)d 名检查人员进行。"),
            code="too_few_inspectors",
            count=Inspection.ON_SITE_MIN_INSPECTORS,
        )


def unique_users(users: Sequence | None) -> list:
    seen, result = set(), []
    for user in users or ():
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _check_kind(refusals: Refusals, kind: str) -> None:
    if kind not in Inspection.Kind.values:
        refusals.add("kind", _("请选择检查方式。"), code="invalid_choice")


def _check_planned_on(refusals: Refusals, planned_on: datetime.date | None) -> None:
    if planned_on is None:
        refusals.add("planned_on", _("请填写计划检查日期。"), code="required")


def inspection_create(
    *,
    actor,
    organization: Organization,
    kind: str,
    planned_on: datetime.date | None,
    inspectors: Sequence = (),
    contract: Contract | None = None,
    sample_draw: SampleDraw | None = None,
) -> Inspection:
    """Write a planned inspection (the callers check who may plan it and which kinds they may plan)."""
    refusals = Refusals()
    inspectors = unique_users(inspectors)
    _check_kind(refusals, kind)
    _check_planned_on(refusals, planned_on)
    check_inspectors(refusals, organization, kind, inspectors)
    check_contract(refusals, "contract", contract, organization)
    refusals.raise_if_any()
    inspection = Inspection(
        organization=organization,
        contract=contract,
        kind=kind,
        department=actor.department,
        sample_draw=sample_draw,
        planned_on=planned_on,
        created_by=actor,
        created_at=now(),
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
        refuse(
            "kind",
            _("双随机抽查的对象须通过随机抽取产生，请在随机抽取中安排检查。"),
            code="random_needs_draw",
        )
    return inspection_create(
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
    INSPECTION.check("update", inspection.status)
    refusals = Refusals()
    kind = fields.get("kind", inspection.kind)
    if "kind" in fields and (kind == Inspection.Kind.RANDOM) != (inspection.kind == Inspection.Kind.RANDOM):
        refusals.add("kind", _("双随机抽查与其他检查方式不能互相转换。"), code="random_kind_fixed")
    else:
        _check_kind(refusals, kind)
    if "planned_on" in fields:
        _check_planned_on(refusals, fields["planned_on"])
    inspectors = unique_users(fields["inspectors"]) if "inspectors" in fields else list(inspection.inspectors.all())
    check_inspectors(refusals, inspection.organization, kind, inspectors)
    if "contract" in fields:
        check_contract(refusals, "contract", fields["contract"], inspection.organization)
    refusals.raise_if_any()
    apply_fields(
        inspection,
        {name: value for name, value in fields.items() if name != "inspectors"},
        ("kind", "planned_on", "contract"),
        "inspection_update",
    )
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
    INSPECTION.check("complete", inspection.status)
    refusals = Refusals()
    inspectors = unique_users(inspectors) if inspectors is not None else list(inspection.inspectors.all())
    if not inspectors:
        refusals.add("inspectors", _("请填写检查人员。"), code="required")
    check_inspectors(refusals, inspection.organization, inspection.kind, inspectors)
    if inspected_on is None:
        refusals.add("inspected_on", _("请填写实际检查日期。"), code="required")
    else:
        check_not_future(refusals, "inspected_on", inspected_on, _("检查日期"), today())
    if conclusion not in Inspection.Conclusion.values:
        refusals.add("conclusion", _("请选择检查结论。"), code="invalid_choice")
    findings = (findings or "").strip()
    if conclusion == Inspection.Conclusion.PROBLEMS_FOUND and not findings:
        refusals.add("findings", _("结论为“发现问题”时须写明检查发现的问题。"), code="findings_required")
    refusals.raise_if_any()
    inspection.inspected_on = inspected_on
    inspection.conclusion = conclusion
    inspection.findings = findings
    inspection.status = Inspection.Status.COMPLETED
    inspection.completed_by = actor
    inspection.completed_at = now()
    save(inspection, actor=actor)
    inspection.inspectors.set(inspectors)
    return inspection


@transaction.atomic
def inspection_attachment_add(*, actor, inspection: Inspection, file, title: str = "") -> InspectionAttachment:
    """Attach a file (record, photographs, documents) to an inspection."""
    require(permissions.can_record_inspection(actor, inspection), _("您无权为该检查上传材料。"))
    if not file:
        refuse("file", _("请选择要上传的文件。"), code="required")
    refusals = Refusals()
    checks = check_files(refusals, "file", [file])
    refusals.raise_if_any()
    check = checks[0]
    attachment = InspectionAttachment(
        inspection=inspection,
        file=file,
        original_name=check.original_name,
        size=check.size,
        content_type=check.content_type,
        sha256=check.sha256,
        title=(title or "").strip() or check.original_name,
        uploaded_by=actor,
        uploaded_at=now(),
    )
    save(attachment, actor=actor)
    return attachment
