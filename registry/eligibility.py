"""Whether an organization may take a purchase-of-services contract on a day (承接政府购买服务资格).

Judged from the organization's records (registry.organization_records): the organization page hands over the records
it shows, so eligibility reads nothing again; a signing, the API and the credit report let it read them. Other apps
add their own reasons (e.g. evaluations: a recent 差 grade) with register_eligibility_check; their checks get the same
records, and keep what they read on it with `OrganizationRecords.shared`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.services import lazy_message
from registry.models import AnnualInspection, CreditListing, Organization, Penalty
from registry.organization_records import OrganizationRecords

# check(records, on) -> (refusals, warnings)
EligibilityCheck = Callable[[OrganizationRecords, datetime.date], tuple[Iterable[str], Iterable[str]]]
_eligibility_checks: list[EligibilityCheck] = []


def register_eligibility_check(check: EligibilityCheck) -> None:
    """Add `check(records, on) -> (refusals, warnings)` to organization_eligibility (idempotent); apps register
    theirs in AppConfig.ready(). `records.organization` is the organization judged."""
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


def _listed_on(listing: CreditListing, on: datetime.date) -> bool:
    """Listed by `on` and not removed by then."""
    return listing.listed_on <= on and (listing.removed_on is None or listing.removed_on > on)


def _penalty_counts_on(penalty: Penalty, on: datetime.date) -> bool:
    """Decided by `on` and not annulled by then."""
    annulled = (
        penalty.status == Penalty.Status.ANNULLED
        and penalty.status_changed_on is not None
        and penalty.status_changed_on <= on
    )
    return penalty.decided_on <= on and not annulled


def organization_eligibility(
    organization: Organization, *, on: datetime.date | None = None, records: OrganizationRecords | None = None
) -> Eligibility:
    """Whether `organization` may take a purchase-of-services contract on `on` (today by default), judged from
    `records` (its OrganizationRecords; read here when not given).

    Refused: not established yet, registration status other than 正常, an open serious-violation listing, a penalty of
    撤销登记 (not annulled).
    Warned: an open activity-abnormal listing, an administrative penalty decided within the year before `on` (not
    annulled), last annual inspection 不合格, no evaluation grade valid on `on`.
    Checks registered with register_eligibility_check add their refusals and warnings after these.
    The texts are lazy (core.services.lazy_message): each is rendered in the language it is shown in.
    Listings, inspections and ratings are read as they stood on `on`: a listing removed by then no longer counts,
    an inspection decided later is not yet known.
    """
    on = on or timezone.localdate()
    records = records if records is not None else OrganizationRecords(organization)
    refusals: list[str] = []
    warnings: list[str] = []

    if organization.established_on and on < organization.established_on:
        refusals.append(
            lazy_message(
                gettext_lazy("%(established)s 成立，%(on)s 尚未成立"),
                {"established": organization.established_on.isoformat(), "on": on.isoformat()},
            )
        )

    status, changed_on, status_reason = _status_on(organization, on)
    if status != Organization.Status.NORMAL:
        label = Organization.Status(status).label
        if changed_on is not None:
            text = lazy_message(
                gettext_lazy("%(day)s 起登记状态为%(status)s"), {"day": changed_on.isoformat(), "status": label}
            )
        else:
            text = lazy_message(gettext_lazy("登记状态为%(status)s"), {"status": label})
        if status_reason:
            text = lazy_message(gettext_lazy("%(text)s：%(reason)s"), {"text": text, "reason": status_reason})
        refusals.append(text)

    listings = [listing for listing in reversed(records.credit_listings) if _listed_on(listing, on)]
    for listing in listings:  # oldest first
        text = lazy_message(
            gettext_lazy("%(day)s 起列入%(list)s：%(reason)s"),
            {
                "day": listing.listed_on.isoformat(),
                "list": CreditListing.List(listing.list_kind).label,
                "reason": listing.reason,
            },
        )
        (refusals if listing.list_kind == CreditListing.List.SERIOUS else warnings).append(text)

    year_before = _year_before(on)
    penalties = [
        penalty
        for penalty in reversed(records.penalties)
        if _penalty_counts_on(penalty, on)
        and (penalty.kind == Penalty.Kind.REVOCATION or penalty.decided_on > year_before)
    ]
    for penalty in penalties:  # oldest first
        text = lazy_message(
            gettext_lazy("%(day)s 受到行政处罚（%(kind)s，%(number)s）"),
            {
                "day": penalty.decided_on.isoformat(),
                "kind": Penalty.Kind(penalty.kind).label,
                "number": penalty.decision_number,
            },
        )
        (refusals if penalty.kind == Penalty.Kind.REVOCATION else warnings).append(text)

    last_inspection = next((row for row in records.annual_inspections if row.decided_on <= on), None)
    if last_inspection is not None and last_inspection.result == AnnualInspection.Result.FAILED:
        warnings.append(
            lazy_message(
                gettext_lazy("%(year)d 年度年检结论为不合格（%(day)s 作出）"),
                {"year": last_inspection.year, "day": last_inspection.decided_on.isoformat()},
            )
        )

    awarded = [rating for rating in records.ratings if rating.awarded_on <= on]  # latest first
    latest_rating = awarded[0] if awarded else None
    valid_rating = next((rating for rating in awarded if rating.is_valid_on(on)), None)
    if valid_rating is None:
        if latest_rating is not None:
            warnings.append(
                lazy_message(
                    gettext_lazy("评估等级%(grade)s已于 %(day)s 到期，%(on)s 无有效评估等级"),
                    {"grade": latest_rating.grade, "day": latest_rating.valid_until.isoformat(), "on": on.isoformat()},
                )
            )
        else:
            warnings.append(gettext_lazy("未取得社会组织评估等级"))

    for check in _eligibility_checks:
        extra_refusals, extra_warnings = check(records, on)
        refusals.extend(extra_refusals)  # lazy texts stay lazy: rendered in the language they are shown in
        warnings.extend(extra_warnings)

    return Eligibility(eligible=not refusals, refusals=tuple(refusals), warnings=tuple(warnings))
