"""The registry's kinds of to-do items (see notifications/todo.py): ratings running out and missing annual
inspections for registrars (organizations in their region, as the registry's pages decide who manages them), and the
organization's own certificate and rating for its members."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_registrar, is_superuser
from notifications import todo
from registry.models import AnnualInspection, Organization, Rating

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


@todo.kind("registry.inspection_missing", _("上一年度年检结论缺失的组织"), role=todo.REGISTRAR, order=80)
def annual_inspection_missing(user, today: datetime.date) -> todo.Source:
    last_year = today.year - 1
    rows = Organization.objects.filter(
        status=Organization.Status.NORMAL, established_on__lte=datetime.date(last_year, 12, 31)
    ).exclude(Exists(AnnualInspection.objects.filter(organization=OuterRef("pk"), year=last_year)))
    return todo.Source(
        rows=_managed(rows, user, "region"),
        order_by=("established_on", "pk"),
        item=lambda organization: todo.Item(
            title=organization.name,
            detail=_("%(year)s 年度") % {"year": last_year},
            url=reverse("registry:inspection-create", args=[organization.uscc]),
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
