"""The registry's kinds of to-do items (see notifications/todo.py): ratings running out, annual work reports to
review and reports overdue after 31 May for registrars; the organization's own annual work report, certificate and
rating for its members.

A registrar's items are the organizations their own bureau registered (the registration authority, 登记管理机关,
inspects them) and the ratings their bureau awarded (it rates again). That is a subset of what the registry's pages
let a registrar manage (every organization of their region), so every item opens; and a provincial registrar is not
handed the work of every county bureau below them."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import in_official_region, is_registrar, is_superuser
from notifications import todo
from registry.models import AnnualInspection, AnnualReport, CreditListing, Organization, Rating
from registry.selectors import annual_report_overdue

EXPIRY_NOTICE_DAYS = 90


def _managed(queryset, user, organization_prefix: str = ""):
    """Organizations (or rows of organizations) the registrar's bureau registered, in their region; everything for
    superusers."""
    if is_superuser(user):
        return queryset
    if not is_registrar(user):
        return queryset.none()
    return queryset.filter(
        in_official_region(user, queryset.model, f"{organization_prefix}region"),
        **{f"{organization_prefix}registration_authority_id": user.department_id},
    )


def _awarded_by(ratings, user):
    """Ratings the registrar's bureau awarded (it is the one to rate again), of organizations in their region."""
    if is_superuser(user):
        return ratings
    if not is_registrar(user):
        return ratings.none()
    return ratings.filter(
        in_official_region(user, ratings.model, "organization__region"), awarding_authority_id=user.department_id
    )


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
        rows=_awarded_by(_latest_ratings(today), user),
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
    """Annual work reports filed by organizations the registrar's bureau registered, awaiting the review that records
    the year's annual inspection."""
    rows = AnnualReport.objects.filter(status=AnnualReport.Status.SUBMITTED).select_related("organization")
    return todo.Source(
        rows=_managed(rows, user, "organization__"),
        order_by=("submitted_on", "pk"),
        item=lambda report: todo.Item(
            title=report.organization.name,
            detail=_("%(year)s 年度工作报告") % {"year": report.year},
            url=reverse("registry:annual-report-review", args=[report.organization.uscc, report.year]),
        ),
    )


@todo.kind("registry.annual_reports_overdue", _("逾期未报送年度工作报告的组织"), role=todo.REGISTRAR, order=80)
def annual_reports_overdue(user, today: datetime.date) -> todo.Source:
    """After 31 May: organizations the registrar's bureau registered with neither a report nor an annual inspection
    for the last year (registry.selectors.annual_report_overdue); every item is overdue."""
    return todo.Source(
        rows=_managed(annual_report_overdue(on=today), user),
        # Oldest first. The expression keeps PostgreSQL from walking the whole established_on index of the province
        # for a LIMIT (the bureau's own organizations, found by its index, are few; sorting them is cheap).
        order_by=(Coalesce("established_on", Value(datetime.date.min)), "pk"),
        overdue=Q(pk__isnull=False),
        # Counted on the index of the bureau's organizations with their years on record (organization_authority_filed),
        # not the rows.
        keys_first=True,
        item=lambda organization: todo.Item(
            title=organization.name,
            detail=_("%(year)s 年度工作报告") % {"year": organization.overdue_year},
            url=reverse("registry:organization-detail", args=[organization.uscc]) + "#annual",
            deadline=organization.due_on,
        ),
    )


SERIOUS_LIST_YEARS = 2  # 民政部令第60号: removed after two years on the list without a new trigger


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@todo.kind("registry.serious_listings_due", _("列入严重违法失信名单满两年的组织"), role=todo.REGISTRAR, order=75)
def serious_listings_due(user, today: datetime.date) -> todo.Source:
    """Open serious-violation listings the registrar's bureau decided two years ago or more: the time to check
    whether a new trigger occurred, and remove them if not (the removal stays the registrar's decision)."""
    rows = CreditListing.objects.filter(
        list_kind=CreditListing.List.SERIOUS,
        removed_on__isnull=True,
        listed_on__lte=_years_before(today, SERIOUS_LIST_YEARS),
    ).select_related("organization")
    if not is_superuser(user):
        rows = rows.filter(deciding_authority_id=user.department_id) if is_registrar(user) else rows.none()
    return todo.Source(
        rows=rows,
        order_by=("listed_on", "pk"),
        item=lambda listing: todo.Item(
            title=listing.organization.name,
            detail=_("%(day)s 列入") % {"day": listing.listed_on.isoformat()},
            url=reverse("registry:listing-remove", args=[listing.organization.uscc, listing.pk]),
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
