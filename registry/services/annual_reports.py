"""Annual work reports (年度工作报告): the organization files the report for a completed year, its registration
authority reviews it (合格 / 基本合格 / 不合格 with comments), and the review records the year's annual inspection
(年检) linked to the report, through inspection_record and its rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import Refusals, lock, require, save, today, wrong_state
from registry.models import AnnualInspection, AnnualReport, Organization
from registry.permissions import can_manage_organization, can_submit_annual_report
from registry.services.common import require_actor
from registry.services.records import inspection_record
from registry.services.rules import is_negative


@transaction.atomic
def annual_report_submit(
    *,
    actor,
    organization: Organization,
    year: int | None,
    income: Decimal | None,
    expenditure: Decimal | None,
    government_purchase_income: Decimal | None,
    net_assets: Decimal | None,
    staff_count: int | None,
    volunteer_count: int | None,
    activity_count: int | None,
    summary: str = "",
    submitted_on: datetime.date | None = None,
) -> AnnualReport:
    """File the annual work report of `organization` for `year` (a completed year, once)."""
    require_actor(actor, _("年度工作报告需要由社会组织或登记管理机关工作人员报送"))
    require(can_submit_annual_report(actor, organization), _("您无权报送该社会组织的年度工作报告"))
    day = today()
    submitted_on = submitted_on or day
    refusals = Refusals()
    if year is not None:
        if year >= day.year:
            refusals.add(
                "year",
                _("%(year)d年度尚未结束，年度工作报告在次年报送"),
                code="year_not_over",
                year=year,
            )
        elif organization.established_on and year < organization.established_on.year:
            refusals.add(
                "year",
                _("该组织%(established)s成立，没有%(year)d年度的年度工作报告"),
                code="before_establishment",
                established=organization.established_on.isoformat(),
                year=year,
            )
        elif organization.annual_reports.filter(year=year).exists():
            refusals.add("year", _("%(year)d年度的年度工作报告已经报送，不能重复报送"), code="year_reported", year=year)
    if submitted_on > day:
        refusals.add("submitted_on", _("报送日期不能晚于今天"), code="date_in_future")
    amounts = {"income": income, "expenditure": expenditure, "government_purchase_income": government_purchase_income}
    for name, amount in amounts.items():
        if is_negative(amount):
            refusals.add(name, _("金额不能为负数"), code="negative")
    if (
        income is not None
        and government_purchase_income is not None
        and "government_purchase_income" not in refusals
        and "income" not in refusals
        and government_purchase_income > income
    ):
        refusals.add(
            "government_purchase_income",
            _("政府购买服务收入%(part)s元不能大于本年收入%(total)s元"),
            code="part_exceeds_total",
            part=f"{government_purchase_income:,.2f}",
            total=f"{income:,.2f}",
        )
    report = AnnualReport(
        organization=organization,
        year=year,
        income=income,
        expenditure=expenditure,
        government_purchase_income=government_purchase_income,
        net_assets=net_assets,
        staff_count=staff_count,
        volunteer_count=volunteer_count,
        activity_count=activity_count,
        summary=(summary or "").strip(),
        submitted_on=submitted_on,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    refusals.full_clean(report)
    save(report, actor=actor, clean=False)
    return report


@transaction.atomic
def annual_report_review(
    *,
    actor,
    report: AnnualReport,
    result: str,
    comments: str = "",
    reviewed_on: datetime.date | None = None,
) -> AnnualReport:
    """Review a submitted report: the result is recorded as the year's annual inspection, linked to the report.
    基本合格 and 不合格 need comments saying what is wrong."""
    require_actor(actor, _("审核年度工作报告需要由登记管理机关工作人员办理"))
    require(can_manage_organization(actor, report.organization), _("您无权审核该社会组织的年度工作报告"))
    lock(report)
    if report.status != AnnualReport.Status.SUBMITTED:
        raise wrong_state(_("审核"), report.get_status_display())
    reviewed_on = reviewed_on or today()
    refusals = Refusals()
    if result not in AnnualInspection.Result.values:
        refusals.add("result", _("请选择审核结论"), code="required")
    elif result != AnnualInspection.Result.PASSED and not (comments or "").strip():
        refusals.add(
            "comments",
            _("审核结论为“%(result)s”时必须填写审核意见"),
            code="comments_required",
            result=AnnualInspection.Result(result).label,
        )
    refusals.raise_if_any()
    try:
        inspection_record(
            actor=actor,
            organization=report.organization,
            year=report.year,
            result=result,
            decided_on=reviewed_on,
            note=(comments or "").strip(),
            report=report,
        )
    except ValidationError as error:
        # the inspection's refusals (a year already decided, a decision too early) are the review's
        if hasattr(error, "error_dict"):
            fields = {"decided_on": "reviewed_on", "note": "comments"}
            raise ValidationError({fields.get(k, k): v for k, v in error.error_dict.items()}) from None
        raise
    report.status = AnnualReport.Status.REVIEWED
    report.review_result, report.review_comments = result, (comments or "").strip()
    report.reviewed_on, report.reviewed_by = reviewed_on, actor
    save(report, actor=actor, reason=report.review_comments)
    return report
