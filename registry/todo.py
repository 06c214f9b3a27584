"""The registry's kinds of to-do items (see notifications/todo.py): ratings running out, annual work reports to
review and reports overdue after 31 May for registrars (organizations in their region, as the registry's pages decide
who manages them); the organization's own annual work report, certificate and rating for its members."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_registrar, is_superuser
from notifications import todo
from registry.models import AnnualInspection, AnnualReport, Organization, Rating
from registry.selectors import annual_report_overdue

EXPIRY_NOTICE_DAYS = 90


def _managed(queryset, user, region_field: str):
    """Rows the registrar manages (their region and below); everything for superusers."""
    if is_superuser(user):
        return queryset
    if not is_registrar(user):
        return queryset.none()
    return queryset.filter(**{f"{region_field}__path__startswith": user.department.region.path})


def _latest_ratings(today: datetime.date):
    """Ratings still valid today that no later rating of the organization replaces, running out within 90 days."""
    later = Rating.objects.filter(organization=OuterRef("organization"), awarded_on__gt=OuterRef("awarded_on"))
    return (
        Rating.objects.filter(
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
            organization__status=Organization.Status.NORMAL,
        )
        .exclude(Exists(later))
        .select_related("organization")
    )


@todo.kind("registry.ratings_expiring", _("90 日内到期的评估等级"), role=todo.REGISTRAR, order=60)
def ratings_expiring(user, today: datetime.date) -> todo.Source:
    return todo.Source(
        rows=_managed(_latest_ratings(today), user, "organization__region"),
        order_by=("valid_until", "pk"),
        item=lambda rating: todo.Item(
            title=rating.organization.name,
            detail=rating.get_grade_display(),
            url=reverse("registry:rating-create", args=[rating.organization.uscc]),
            deadline=rating.valid_until,
        ),
    )


@todo.kind("registry.annual_reports_to_review", _("待审核的年度工作报告"), role=todo.REGISTRAR, order=70)
def annual_reports_to_review(user, today: datetime.date) -> todo.Source:
    """Annual work reports filed by organizations of the registrar's region, awaiting the review that records the
    year's annual inspection."""
    rows = AnnualReport.objects.filter(status=AnnualReport.Status.SUBMITTED).select_related("organization")
    return todo.Source(
        rows=_managed(rows, user, "organization__region"),
        order_by=("submitted_on", "pk"),
        item=lambda report: todo.Item(
            title=report.organization.name,
            detail=_("%(year)s 年度工作报告") % {"year": report.year},
            url=reverse("registry:annual-report-review", args=[report.organization.uscc, report.year]),
        ),
    )


@todo.kind("registry.annual_reports_overdue", _("逾期未报送年度工作报告的组织"), role=todo.REGISTRAR, order=80)
def annual_reports_overdue(user, today: datetime.date) -> todo.Source:
    """After 31 May: organizations of the registrar's region with neither a report nor an annual inspection for the
    last year (registry.selectors.annual_report_overdue); every item is overdue."""
    return todo.Source(
        rows=_managed(annual_report_overdue(on=today), user, "region"),
        order_by=("established_on", "pk"),
        overdue=Q(pk__isnull=False),
        item=lambda organization: todo.Item(
            title=organization.name,
            detail=_("%(year)s 年度工作报告") % {"year": organization.overdue_year},
            url=reverse("registry:organization-detail", args=[organization.uscc]) + "#annual",
            deadline=organization.due_on,
        ),
    )


# --- organization members --------------------------------------------------------------------------------------------


@todo.kind("registry.certificate_expiring", _("登记证书即将到期"), role=todo.MEMBER, order=40)
def certificate_expiring(user, today: datetime.date) -> todo.Source:
    rows = Organization.objects.filter(
        pk=user.organization_id,
        certificate_valid_until__isnull=False,
        certificate_valid_until__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
    )
    return todo.Source(
        rows=rows,
        order_by=("certificate_valid_until",),
        overdue=Q(certificate_valid_until__lt=today),
        item=lambda organization: todo.Item(
            title=organization.name,
            detail=_("登记证书有效期至 %(day)s") % {"day": organization.certificate_valid_until.isoformat()},
            url=reverse("registry:organization-detail", args=[organization.uscc]),
            deadline=organization.certificate_valid_until,
        ),
    )


@todo.kind("registry.rating_expiring", _("评估等级即将到期"), role=todo.MEMBER, order=50)
def own_rating_expiring(user, today: datetime.date) -> todo.Source:
    return todo.Source(
        rows=_latest_ratings(today).filter(organization_id=user.organization_id),
        order_by=("valid_until", "pk"),
        item=lambda rating: todo.Item(
            title=rating.organization.name,
            detail=rating.get_grade_display(),
            url=reverse("registry:organization-detail", args=[rating.organization.uscc]),
            deadline=rating.valid_until,
        ),
    )


@todo.kind("registry.own_annual_report", _("报送年度工作报告"), role=todo.MEMBER, order=30)
def own_annual_report(user, today: datetime.date) -> todo.Source:
    """The member's organization has filed no report (and has no annual inspection) for last year: due by 31 May,
    overdue after."""
    year = today.year - 1
    due = AnnualReport.due_on(year)
    rows = (
        Organization.objects.filter(
            pk=user.organization_id,
            status=Organization.Status.NORMAL,
            established_on__lte=datetime.date(year, 12, 31),
        )
        .exclude(Exists(AnnualReport.objects.filter(organization=OuterRef("pk"), year=year)))
        .exclude(Exists(AnnualInspection.objects.filter(organization=OuterRef("pk"), year=year)))
    )
    return todo.Source(
        rows=rows,
        order_by=("pk",),
        overdue=Q(pk__isnull=today <= due),
        item=lambda organization: todo.Item(
            title=organization.name,
            detail=_("%(year)s 年度工作报告") % {"year": year},
            url=reverse("registry:annual-report-create", args=[organization.uscc]),
            deadline=due,
        ),
    )
