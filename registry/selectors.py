"""Reads of the registry: the public directory, one organization by its code, and purchase eligibility."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_org_member, is_registrar, is_superuser, scope_to_region
from registry.models import AnnualInspection, AnnualReport, CreditListing, Organization, Penalty, Rating, Region
from registry.uscc import normalize_uscc


def organization_list(*, user=None) -> QuerySet[Organization]:
    """Every organization (the directory is public), ordered by name, with what a directory row shows.

    Annotations, each computed in the same query: `current_grade` and `current_grade_valid_until` (the latest rating
    valid today, or None), `on_credit_list` (any open listing), `on_serious_list` (an open serious-violation listing)
    and `user_can_manage` (the given user is a registrar whose region covers the organization, or a superuser).
    """
    today = timezone.localdate()
    valid_ratings = Rating.objects.filter(
        organization=OuterRef("pk"), awarded_on__lte=today, valid_until__gt=today
    ).order_by("-awarded_on", "-pk")
    open_listings = CreditListing.objects.filter(organization=OuterRef("pk"), removed_on__isnull=True)
    if user is not None and is_superuser(user):
        can_manage = Value(True)
    elif user is not None and is_registrar(user):
        can_manage = Case(
            When(region__path__startswith=user.department.region.path, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    else:
        can_manage = Value(False)
    return (
        Organization.objects.select_related("region", "registration_authority")
        .annotate(
            current_grade=Subquery(valid_ratings.values("grade")[:1]),
            current_grade_valid_until=Subquery(valid_ratings.values("valid_until")[:1]),
            on_credit_list=Exists(open_listings),
            on_serious_list=Exists(open_listings.filter(list_kind=CreditListing.List.SERIOUS)),
            user_can_manage=can_manage,
        )
        .order_by("name", "pk")
    )


def organization_get(*, uscc: str) -> Organization:
    """The organization with this code (spaces, full-width forms and lower case are accepted), annotated as in
    organization_list; raises Organization.DoesNotExist."""
    return organization_list().get(uscc=normalize_uscc(uscc))


# Other apps add their own eligibility reasons (e.g. evaluations: a recent 差 grade) with register_eligibility_check.
EligibilityCheck = Callable[[Organization, datetime.date], tuple[Iterable[str], Iterable[str]]]
_eligibility_checks: list[EligibilityCheck] = []


def register_eligibility_check(check: EligibilityCheck) -> None:
    """Add `check(organization, on) -> (refusals, warnings)` to organization_eligibility (idempotent); apps register
    theirs in AppConfig.ready()."""
    if check not in _eligibility_checks:
        _eligibility_checks.append(check)


@dataclass(frozen=True)
class Eligibility:
    """Whether an organization may be contracted on a day: refusals make it ineligible, warnings must be
    acknowledged by the purchaser."""

    eligible: bool
    refusals: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.refusals + self.warnings


def _status_on(organization: Organization, on: datetime.date) -> tuple[str, datetime.date | None, str]:
    """(status, date of the change, reason) in effect on `on`.

    Every status change records the day it took effect; when the current one took effect after `on`, the history
    is walked back to the change that was in effect on that day.
    """
    current = (organization.status, organization.status_changed_on, organization.status_reason)
    if organization.status_changed_on is None or organization.status_changed_on <= on:
        return current
    records = organization.history.order_by("-history_date", "-history_id").values_list(
        "status", "status_changed_on", "status_reason"
    )
    for status, changed_on, reason in records:
        if changed_on is None or changed_on <= on:
            return status, changed_on, reason
    return current


def _year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def organization_eligibility(organization: Organization, *, on: datetime.date | None = None) -> Eligibility:
    """Whether `organization` may take a purchase-of-services contract on `on` (today by default).

    Refused: not established yet, registration status other than 正常, an open serious-violation listing, a penalty of
    撤销登记 (not annulled).
    Warned: an open activity-abnormal listing, an administrative penalty decided within the year before `on` (not
    annulled), last annual inspection 不合格, no evaluation grade valid on `on`.
    Checks registered with register_eligibility_check add their refusals and warnings after these.
    Listings, inspections and ratings are read as they stood on `on`: a listing removed by then no longer counts,
    an inspection decided later is not yet known.
    """
    on = on or timezone.localdate()
    refusals: list[str] = []
    warnings: list[str] = []

    if organization.established_on and on < organization.established_on:
        refusals.append(
            _("%(established)s 成立，%(on)s 尚未成立")
            % {"established": organization.established_on.isoformat(), "on": on.isoformat()}
        )

    status, changed_on, status_reason = _status_on(organization, on)
    if status != Organization.Status.NORMAL:
        label = Organization.Status(status).label
        if changed_on is not None:
            text = _("%(day)s 起登记状态为%(status)s") % {"day": changed_on.isoformat(), "status": label}
        else:
            text = _("登记状态为%(status)s") % {"status": label}
        refusals.append(f"{text}：{status_reason}" if status_reason else text)

    listings = (
        CreditListing.objects.filter(organization=organization, listed_on__lte=on)
        .exclude(removed_on__lte=on)
        .order_by("listed_on", "pk")
    )
    for listing in listings:
        text = _("%(day)s 起列入%(list)s：%(reason)s") % {
            "day": listing.listed_on.isoformat(),
            "list": listing.get_list_kind_display(),
            "reason": listing.reason,
        }
        (refusals if listing.list_kind == CreditListing.List.SERIOUS else warnings).append(text)

    penalties = Penalty.objects.filter(organization=organization, decided_on__lte=on).exclude(
        status=Penalty.Status.ANNULLED, status_changed_on__lte=on
    )
    for penalty in penalties.filter(Q(kind=Penalty.Kind.REVOCATION) | Q(decided_on__gt=_year_before(on))).order_by(
        "decided_on", "pk"
    ):
        text = _("%(day)s 受到行政处罚（%(kind)s，%(number)s）") % {
            "day": penalty.decided_on.isoformat(),
            "kind": penalty.get_kind_display(),
            "number": penalty.decision_number,
        }
        (refusals if penalty.kind == Penalty.Kind.REVOCATION else warnings).append(text)

    last_inspection = (
        AnnualInspection.objects.filter(organization=organization, decided_on__lte=on).order_by("-year").first()
    )
    if last_inspection is not None and last_inspection.result == AnnualInspection.Result.FAILED:
        warnings.append(
            _("%(year)d 年度年检结论为不合格（%(day)s 作出）")
            % {"year": last_inspection.year, "day": last_inspection.decided_on.isoformat()}
        )

    latest_rating = (
        Rating.objects.filter(organization=organization, awarded_on__lte=on).order_by("-awarded_on", "-pk").first()
    )
    valid_rating = latest_rating if latest_rating is not None and latest_rating.is_valid_on(on) else None
    if valid_rating is None and latest_rating is not None:
        valid_rating = (
            Rating.objects.filter(organization=organization, awarded_on__lte=on, valid_until__gt=on)
            .order_by("-awarded_on", "-pk")
            .first()
        )
    if valid_rating is None:
        if latest_rating is not None:
            warnings.append(
                _("评估等级%(grade)s已于 %(day)s 到期，%(on)s 无有效评估等级")
                % {"grade": latest_rating.grade, "day": latest_rating.valid_until.isoformat(), "on": on.isoformat()}
            )
        else:
            warnings.append(_("未取得社会组织评估等级"))

    for check in _eligibility_checks:
        extra_refusals, extra_warnings = check(organization, on)
        refusals.extend(str(text) for text in extra_refusals)
        warnings.extend(str(text) for text in extra_warnings)

    return Eligibility(eligible=not refusals, refusals=tuple(refusals), warnings=tuple(warnings))


def region_choices(used_region_ids: QuerySet | None = None) -> QuerySet[Region]:
    """The regions a list's region filter offers: the home province (settings.HOME_PROVINCE_CODE), its leagues and
    cities, and the regions `used_region_ids` (a values queryset of region ids) names. Counties label with their city
    (select_related("parent"))."""
    home = settings.HOME_PROVINCE_CODE
    condition = Q(code=home) | Q(parent__code=home)
    if used_region_ids is not None:
        condition |= Q(pk__in=used_region_ids)
    return Region.objects.filter(condition).select_related("parent").order_by("code")


# --- annual work reports ---------------------------------------------------------------------------------------------


def annual_report_overdue_year(on: datetime.date | None = None) -> int:
    """The latest year whose report is overdue on `on`: last year's after 31 May, else the year before."""
    on = on or timezone.localdate()
    return on.year - 1 if on > AnnualReport.due_on(on.year - 1) else on.year - 2


def annual_report_overdue(*, on: datetime.date | None = None) -> QuerySet[Organization]:
    """Organizations whose annual work report for annual_report_overdue_year(on) is overdue: registered (正常) and
    established before that year ended, with neither a report nor an annual inspection recorded for that year.
    Annotated with `overdue_year` and `due_on`."""
    year = annual_report_overdue_year(on)
    return (
        Organization.objects.filter(status=Organization.Status.NORMAL, established_on__lte=datetime.date(year, 12, 31))
        .exclude(Exists(AnnualReport.objects.filter(organization=OuterRef("pk"), year=year)))
        .exclude(Exists(AnnualInspection.objects.filter(organization=OuterRef("pk"), year=year)))
        .annotate(overdue_year=Value(year), due_on=Value(AnnualReport.due_on(year)))
        .select_related("region", "registration_authority")
        .order_by("name", "pk")
    )


def annual_report_overdue_for(user, *, on: datetime.date | None = None) -> QuerySet[Organization]:
    """The overdue reports a user is to act on (to-do lists): a member's own organization; the organizations in a
    registrar's region; every one for a superuser; none for anyone else."""
    overdue = annual_report_overdue(on=on)
    if is_superuser(user):
        return overdue
    if is_registrar(user):
        return scope_to_region(overdue, user)
    if is_org_member(user):
        return overdue.filter(pk=user.organization_id)
    return overdue.none()


def annual_reports_to_review_for(user) -> QuerySet[AnnualReport]:
    """Submitted reports awaiting the review of a registrar whose region covers the organization (all for a
    superuser), oldest first."""
    reports = AnnualReport.objects.filter(status=AnnualReport.Status.SUBMITTED).select_related(
        "organization__region", "organization__registration_authority"
    )
    if is_superuser(user):
        return reports.order_by("submitted_on", "pk")
    if is_registrar(user):
        return scope_to_region(reports, user, "organization__region").order_by("submitted_on", "pk")
    return reports.none()
