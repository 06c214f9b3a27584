"""Decisions recorded on an organization: its annual inspections (年检) and its evaluation grades (评估等级)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import Refusals, require, save
from registry.models import AnnualInspection, AnnualReport, Department, Organization, Rating
from registry.permissions import can_manage_organization
from registry.services.common import add_date_refusals, deciding_department, require_actor
from registry.services.rules import is_negative


@transaction.atomic
def inspection_record(
    *,
    actor,
    organization: Organization,
    year: int,
    result: str,
    decided_on: datetime.date | None,
    note: str = "",
    report: AnnualReport | None = None,
) -> AnnualInspection:
    """Record one year's annual inspection result (合格 / 基本合格 / 不合格); each year is recorded once. `report`: the
    annual work report the result was decided on (annual_report_review passes it)."""
    require_actor(actor, _("登记年检结论需要由登记管理机关工作人员办理"))
    require(can_manage_organization(actor, organization), _("您无权登记该社会组织的年检结论"))
    refusals = Refusals()
    if year is not None:
        recorded = organization.inspections.filter(year=year).first()
        if recorded is not None:
            refusals.add(
                "year",
                _("%(year)d年度的年检结论已经登记（%(result)s，%(day)s作出），每个年度只能登记一次"),
                code="year_recorded",
                year=year,
                result=AnnualInspection.Result(recorded.result).label,
                day=recorded.decided_on.isoformat(),
            )
        elif organization.established_on and year < organization.established_on.year:
            refusals.add(
                "year",
                _("该组织%(established)s成立，不能登记%(year)d年度的年检"),
                code="before_establishment",
                established=organization.established_on.isoformat(),
                year=year,
            )
    if decided_on is None:
        refusals.add("decided_on", _("请填写决定日期"), code="required")
    else:
        add_date_refusals(refusals, "decided_on", decided_on, _("决定日期"))
        if year is not None and decided_on.year <= year and "year" not in refusals:
            refusals.add(
                "decided_on",
                _("%(year)d年度的年检在次年作出决定，决定日期%(day)s不在%(year)d年之后"),
                code="decided_too_early",
                year=year,
                day=decided_on.isoformat(),
            )
    inspection = AnnualInspection(
        organization=organization, year=year, result=result, decided_on=decided_on, note=note or "", report=report
    )
    refusals.full_clean(inspection)
    save(inspection, actor=actor, clean=False)
    return inspection


@transaction.atomic
def rating_award(
    *,
    actor,
    organization: Organization,
    grade: str,
    awarded_on: datetime.date | None,
    score: Decimal | None = None,
    awarding_authority: Department | None = None,
) -> Rating:
    """Award an evaluation grade (1A-5A), valid for five years; the authority defaults to the actor's department."""
    awarding_authority = deciding_department(
        actor,
        awarding_authority,
        field="awarding_authority",
        unnamed=_("系统自动评定等级时必须指明评定机关"),
        may_decide=lambda: can_manage_organization(actor, organization),
        forbidden=_("您无权评定该社会组织的等级"),
    )
    refusals = Refusals()
    if awarding_authority is None:
        refusals.add("awarding_authority", _("请选择评定机关"), code="required")
    if awarded_on is None:
        refusals.add("awarded_on", _("请填写评定日期"), code="required")
    else:
        add_date_refusals(refusals, "awarded_on", awarded_on, _("评定日期"), organization=organization)
        if not organization.is_active and (
            organization.status_changed_on is None or awarded_on >= organization.status_changed_on
        ):
            refusals.add(
                "awarded_on",
                _("该社会组织的登记状态为“%(status)s”，不能评定等级"),
                code="not_active",
                status=Organization.Status(organization.status).label,
            )
    if is_negative(score):
        refusals.add("score", _("评估得分不能为负数"), code="negative")
    rating = Rating(
        organization=organization,
        grade=grade,
        score=score,
        awarded_on=awarded_on,
        valid_until=Rating.validity_end(awarded_on) if awarded_on else None,
        awarding_authority=awarding_authority,
    )
    refusals.full_clean(rating)
    save(rating, actor=actor, clean=False)
    return rating
