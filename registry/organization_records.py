"""One organization's records, each set read once: what its page, its eligibility and its tabs have in common.

The organization page shows the ratings, annual inspections and reports, credit listings and penalties in their own
tabs, counts them in the tabs' badges, judges eligibility from them and lists them again in the supervision
timeline. An `OrganizationRecords` built by the view reads each set on first use and hands the same rows to every
part of the page; apps above the registry keep their own reads of the organization on it with `shared` (the
contracts, evaluations, inspections and orders their tabs and the timeline show), so the registry never imports
them.

Each set is kept whole and in its model's order (Meta.ordering, ties broken by id, newest first); whoever needs a
day's view of it (eligibility on a signing day) or another order filters and sorts the rows in Python. An
organization has tens of these records, not thousands.

A records object is built for one viewer (`user`, what the contracts tab may show them) and one request: it is never
kept between requests, so it never serves rows older than the request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, TypeVar

from registry.models import AnnualInspection, AnnualReport, CreditListing, Organization, Penalty, Rating

T = TypeVar("T")


class OrganizationRecords:
    """The records of `organization`, read on first use and kept for the life of this object."""

    def __init__(self, organization: Organization, *, user=None) -> None:
        self.organization = organization
        self.user = user
        self._shared: dict[Hashable, Any] = {}

    @classmethod
    def of(cls, organization_or_records: Organization | OrganizationRecords, *, user=None) -> OrganizationRecords:
        """The records given, or a new records object of the organization given (for callers that hold no page's
        records: a signing, a test, a single tag)."""
        if isinstance(organization_or_records, OrganizationRecords):
            return organization_or_records
        return cls(organization_or_records, user=user)

    @cached_property
    def ratings(self) -> list[Rating]:
        """Every evaluation grade, latest award first, with its awarding authority."""
        return list(
            Rating.objects.filter(organization=self.organization)
            .select_related("awarding_authority")
            .order_by("-awarded_on", "-pk")
        )

    @cached_property
    def annual_inspections(self) -> list[AnnualInspection]:
        """Every annual inspection, latest year first."""
        return list(AnnualInspection.objects.filter(organization=self.organization).order_by("-year"))

    @cached_property
    def annual_reports(self) -> list[AnnualReport]:
        """Every annual work report, latest year first."""
        return list(AnnualReport.objects.filter(organization=self.organization).order_by("-year"))

    @cached_property
    def credit_listings(self) -> list[CreditListing]:
        """Every listing, open or removed, latest first, with the authorities that listed and removed it."""
        return list(
            CreditListing.objects.filter(organization=self.organization)
            .select_related("deciding_authority", "removed_by")
            .order_by("-listed_on", "-pk")
        )

    @cached_property
    def penalties(self) -> list[Penalty]:
        """Every administrative penalty, latest decision first, with the deciding authority."""
        return list(
            Penalty.objects.filter(organization=self.organization)
            .select_related("authority")
            .order_by("-decided_on", "-pk")
        )

    @property
    def annual_years(self) -> set[int]:
        """The years with an annual inspection or an annual work report on record."""
        return {inspection.year for inspection in self.annual_inspections} | {
            report.year for report in self.annual_reports
        }

    def shared(self, key: Hashable, read: Callable[[], T]) -> T:
        """What `read()` returns, read once under `key` for the life of this object: how the apps above the registry
        share their reads of the organization between the parts of its page (name keys after the app:
        "contracts.visible")."""
        if key not in self._shared:
            self._shared[key] = read()
        return self._shared[key]
