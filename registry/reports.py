"""Registry PDFs (pure functions returning bytes).

The organization credit report (社会组织信用报告) shows what the registry publicly records about one organization as of
a date: basic data, evaluation grade, annual inspections, credit listings (open and removed), administrative
penalties and whether it may take government purchase-of-services contracts. Contact data (phone, e-mail) is never
printed.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import formatting
from core.pdf import Report, format_date
from registry.models import AnnualReport, CreditListing, Organization, Penalty, Rating
from registry.organization_records import OrganizationRecords
from registry.selectors import organization_eligibility
from verification.models import IssuedDocument
from verification.services import issue_pdf


def _status_text(organization: Organization) -> str:
    text = organization.get_status_display()
    if organization.status != Organization.Status.NORMAL:
        details = [format_date(organization.status_changed_on)] if organization.status_changed_on else []
        if organization.status_reason:
            details.append(organization.status_reason)
        if details:
            text = f"{text}（{'，'.join(details)}）"
    return str(text)


def _rating_state(rating: Rating, on: datetime.date) -> str:
    return _("有效") if rating.is_valid_on(on) else _("已过期")


def _current_rating_text(ratings: list[Rating], on: datetime.date) -> str:
    """The latest grade valid on `on`, else the latest one awarded by then (shown as expired)."""
    if not ratings:
        return _("无评估等级")
    valid = [rating for rating in ratings if rating.is_valid_on(on)]
    current = max(valid or ratings, key=lambda rating: (rating.awarded_on, rating.pk))
    params = {
        "grade": current.grade,
        "awarded": format_date(current.awarded_on),
        "until": format_date(current.valid_until),
    }
    if valid:
        return _("%(grade)s（%(awarded)s 评定，有效期至 %(until)s，有效）") % params
    return _("%(grade)s（%(awarded)s 评定，有效期至 %(until)s，已过期）") % params


def _listing_state(listing: CreditListing, on: datetime.date) -> str:
    if listing.removed_on is None or listing.removed_on > on:
        return _("在列")
    return _("已移出")


def _with_authority(text: str, authority) -> str:
    if not text and authority is None:
        return "—"
    return f"{text}（{authority}）" if authority is not None else text


def _penalty_state(penalty: Penalty, on: datetime.date) -> str:
    """The penalty's status as it stood on `on` (a later fulfilment or annulment is not yet known)."""
    if penalty.status_changed_on is not None and penalty.status_changed_on <= on:
        return f"{penalty.get_status_display()}（{format_date(penalty.status_changed_on)}）"
    return str(Penalty.Status.IN_FORCE.label)


def organization_credit_report(
    organization: Organization, *, on: datetime.date | None = None, base_url: str | None = None
) -> bytes:
    """The credit report of `organization` as of `on` (today by default), as PDF bytes, issued in the name of its
    registration authority (numbered, registered for verification, with a seal area)."""
    today = timezone.localdate()
    on = on or today
    organization = Organization.objects.select_related("registration_authority", "region__parent__parent__parent").get(
        pk=organization.pk
    )
    # What the registry knew on `on`, read once for the report's sections and its eligibility.
    records = OrganizationRecords(organization)
    inspections = [inspection for inspection in records.annual_inspections if inspection.decided_on <= on]
    ratings = [rating for rating in records.ratings if rating.awarded_on <= on]
    listings = [listing for listing in records.credit_listings if listing.listed_on <= on]
    penalties = [penalty for penalty in records.penalties if penalty.decided_on <= on]
    eligibility = organization_eligibility(organization, on=on, records=records)

    report = Report(
        _("社会组织信用报告"),
        generated_on=today,
        subject=_("%(name)s 社会组织信用报告") % {"name": organization.name},
    )
    report.paragraph(
        _("报告对象：%(name)s（统一社会信用代码 %(uscc)s）") % {"name": organization.name, "uscc": organization.uscc}
    )
    report.paragraph(_("信息截至：%(on)s") % {"on": format_date(on)})

    report.heading(_("一、基本信息"))
    report.key_values(
        [
            (_("名称"), organization.name),
            (_("统一社会信用代码"), organization.uscc),
            (_("类型"), organization.get_org_type_display()),
            (_("登记管理机关"), organization.registration_authority),
            (_("业务主管单位"), organization.supervisory_unit or "—"),
            (_("法定代表人"), organization.legal_representative),
            (_("注册资金"), formatting.yuan(organization.registered_funds)),
            (_("成立日期"), format_date(organization.established_on)),
            (_("住所"), organization.domicile),
            (_("所属区划"), organization.region.full_name),
            (_("登记状态"), _status_text(organization)),
            (_("证书有效期至"), format_date(organization.certificate_valid_until)),
        ]
    )

    report.heading(_("二、评估等级"))
    report.key_values([(_("当前评估等级"), _current_rating_text(ratings, on))])
    if ratings:
        report.table(
            [_("等级"), _("评估得分"), _("评定日期"), _("有效期至"), _("评定机关"), _("状态")],
            [
                [
                    rating.grade,
                    "—" if rating.score is None else f"{rating.score}",
                    format_date(rating.awarded_on),
                    format_date(rating.valid_until),
                    rating.awarding_authority,
                    _rating_state(rating, on),
                ]
                for rating in ratings
            ],
            col_widths=(1, 1.2, 1.6, 1.6, 3, 1.2),
        )

    report.heading(_("三、年度检查"))
    report.table(
        [_("年度"), _("结论"), _("决定日期"), _("备注")],
        [
            [inspection.year, inspection.get_result_display(), format_date(inspection.decided_on), inspection.note]
            for inspection in inspections
        ],
        col_widths=(1, 1.5, 1.8, 5),
        empty=_("无年度检查记录。"),
    )

    annual_reports = list(
        AnnualReport.objects.filter(organization=organization, submitted_on__lte=on).order_by("-year")
    )
    if annual_reports:
        report.paragraph(_("年度工作报告主要数据（元）："))
        report.table(
            [
                _("年度"),
                _("本年收入"),
                _("其中政府购买服务"),
                _("本年支出"),
                _("专职/志愿者"),
                _("开展活动"),
                _("报送日期"),
            ],
            [
                [
                    item.year,
                    formatting.amount(item.income),
                    formatting.amount(item.government_purchase_income),
                    formatting.amount(item.expenditure),
                    f"{item.staff_count}/{item.volunteer_count}",
                    item.activity_count,
                    format_date(item.submitted_on),
                ]
                for item in annual_reports
            ],
            col_widths=(0.9, 2, 2, 2, 1.4, 1.1, 1.6),
        )

    report.heading(_("四、信用名单记录"))
    report.table(
        [_("名录"), _("列入日期"), _("列入事由（作出决定机关）"), _("移出日期"), _("移出事由（决定机关）"), _("状态")],
        [
            [
                listing.get_list_kind_display(),
                format_date(listing.listed_on),
                _with_authority(listing.reason, listing.deciding_authority),
                format_date(listing.removed_on),
                _with_authority(listing.removal_reason, listing.removed_by) if listing.removed_on else "—",
                _listing_state(listing, on),
            ]
            for listing in listings
        ],
        col_widths=(1.7, 1.6, 4.1, 1.6, 3.3, 1.2),
        empty=_("未被列入活动异常名录或严重违法失信名单。"),
    )

    report.heading(_("五、行政处罚"))
    report.table(
        [_("文号"), _("决定日期"), _("处罚机关"), _("处罚种类"), _("违法事实（处罚依据）"), _("执行状态")],
        [
            [
                penalty.decision_number,
                format_date(penalty.decided_on),
                penalty.authority,
                penalty.get_kind_display()
                + (f"（{formatting.yuan(penalty.amount)}）" if penalty.amount is not None else ""),
                f"{penalty.facts}（{penalty.legal_basis}）",
                _penalty_state(penalty, on),
            ]
            for penalty in penalties
        ],
        col_widths=(2.2, 1.6, 2.2, 1.8, 4, 1.4),
        empty=_("无行政处罚记录。"),
    )

    report.heading(_("六、承接政府购买服务资格"))
    if eligibility.eligible and not eligibility.warnings:
        report.paragraph(_("结论：具备承接资格，无提示事项。"))
    elif eligibility.eligible:
        report.paragraph(_("结论：具备承接资格，购买主体须确认以下提示事项。"))
    else:
        report.paragraph(_("结论：不具备承接资格。"))
    for refusal in eligibility.refusals:
        report.paragraph(_("不予承接：%(reason)s") % {"reason": refusal})
    for warning in eligibility.warnings:
        report.paragraph(_("提示：%(reason)s") % {"reason": warning})

    report.paragraph(
        _("本报告依据登记管理机关的公开记录生成，不含联系方式等非公开信息；以登记管理机关的最新记录为准。"),
        small=True,
    )
    return issue_pdf(
        report,
        kind=IssuedDocument.Kind.CREDIT_REPORT,
        subject=organization.uscc,
        office=organization.registration_authority.name,
        facts=[
            (_("报告对象"), organization.name),
            (_("统一社会信用代码"), organization.uscc),
            (_("登记状态"), organization.get_status_display()),
            (_("信息截至"), format_date(on)),
            (_("承接政府购买服务资格"), _("具备") if eligibility.eligible else _("不具备")),
        ],
        page_url=reverse("registry:organization-detail", args=[organization.uscc]),
        seal=True,
        base_url=base_url,
    ).content
