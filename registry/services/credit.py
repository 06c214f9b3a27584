"""The credit lists (活动异常名录, 严重违法失信名单): listing an organization and removing it, as two separate acts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from core.services import Refusals, automatic_reason, lock, refuse, save
from registry import notices
from registry.models import CreditListing, Department, Organization
from registry.permissions import can_manage_organization
from registry.services.common import add_date_refusals, deciding_department
from registry.services.rules import already_listed_refusal, listed_refusal, overlap_refusal


@transaction.atomic
def credit_listing_add(
    *,
    actor,
    organization: Organization,
    list_kind: str,
    reason: str,
    listed_on: datetime.date | None,
    deciding_authority: Department | None = None,
) -> CreditListing:
    """List an organization on the activity-abnormal list or the serious-violation list.

    A second listing on a list the organization is still on is refused; after a removal it may be listed again.
    """
    deciding_authority = deciding_department(
        actor,
        deciding_authority,
        field="deciding_authority",
        unnamed=_("系统自动列入信用名单时必须指明作出决定的机关"),
        may_decide=lambda: can_manage_organization(actor, organization),
        forbidden=_("您无权将该社会组织列入信用名单"),
    )
    refusals = Refusals()
    if deciding_authority is None:
        refusals.add("deciding_authority", _("请选择作出决定的机关"), code="required")

    if list_kind in CreditListing.List.values:
        listed_twice = already_listed_refusal(organization, list_kind)
        if listed_twice is not None:
            refusals.extend(listed_twice, field="list_kind")
        elif listed_on is not None:
            overlapping = (
                organization.credit_listings.filter(list_kind=list_kind, removed_on__gt=listed_on)
                .order_by("-removed_on")
                .first()
            )
            if overlapping is not None:
                refusals.extend(overlap_refusal(overlapping), field="listed_on")
    if listed_on is None:
        refusals.add("listed_on", _("请填写列入日期"), code="required")
    else:
        add_date_refusals(refusals, "listed_on", listed_on, _("列入日期"), organization=organization)
    if not (reason or "").strip():
        refusals.add("reason", _("请填写列入事由"), code="required")

    listing = CreditListing(
        organization=organization,
        list_kind=list_kind,
        reason=(reason or "").strip(),
        listed_on=listed_on,
        deciding_authority=deciding_authority,
    )
    refusals.full_clean(listing)
    save(listing, actor=actor, reason=listing.reason, clean=False)
    notices.listing_changed(listing, actor=actor)
    return listing


@dataclass(frozen=True)
class SystemListing:
    """One listing the system decides on its own (the deadline check), for `credit_listings_add_by_system`."""

    organization: Organization
    reason: str
    deciding_authority: Department


@transaction.atomic
def credit_listings_add_by_system(
    *, list_kind: str, listed_on: datetime.date, entries: Sequence[SystemListing]
) -> tuple[dict[int, CreditListing], dict[int, ValidationError]]:
    """List many organizations at once, decided by the system (`actor=None` of `credit_listing_add`), with the same
    rules: an organization already on the list, a listing overlapping an earlier one, a date in the future or before
    the organization was established, or no reason is refused. A constant number of queries whatever the number of
    entries (one INSERT for the listings and one for their history, one for the members' notifications).

    Returns ({organization id: new listing}, {organization id: refusal}); an organization named twice is listed once,
    for its first entry.
    """
    if list_kind not in CreditListing.List.values:
        refuse("list_kind", _("请选择名录"), code="invalid_choice")
    first: dict[int, SystemListing] = {}
    for entry in entries:
        first.setdefault(entry.organization.pk, entry)
    if not first:
        return {}, {}
    open_listings = {
        listing.organization_id: listing
        for listing in CreditListing.objects.filter(
            organization_id__in=list(first), list_kind=list_kind, removed_on__isnull=True
        )
    }
    overlapping: dict[int, CreditListing] = {}
    for listing in CreditListing.objects.filter(
        organization_id__in=list(first), list_kind=list_kind, removed_on__gt=listed_on
    ).order_by("organization_id", "removed_on"):
        overlapping[listing.organization_id] = listing  # the latest removal wins
    refused: dict[int, ValidationError] = {}
    new: list[CreditListing] = []
    for organization_id, entry in first.items():
        refusals = Refusals()
        if organization_id in open_listings:
            refusals.extend(listed_refusal(open_listings[organization_id]), field="list_kind")
        elif organization_id in overlapping:
            refusals.extend(overlap_refusal(overlapping[organization_id]), field="listed_on")
        add_date_refusals(refusals, "listed_on", listed_on, _("列入日期"), organization=entry.organization)
        if not (entry.reason or "").strip():
            refusals.add("reason", _("请填写列入事由"), code="required")
        if refusals:
            refused[organization_id] = ValidationError(refusals.errors)
            continue
        listing = CreditListing(
            organization=entry.organization,
            list_kind=list_kind,
            reason=entry.reason.strip(),
            listed_on=listed_on,
            deciding_authority=entry.deciding_authority,
        )
        listing._change_reason = automatic_reason(listing.reason)  # as save(actor=None) records it
        new.append(listing)
    if new:
        bulk_create_with_history(new, CreditListing, batch_size=1000)
        notices.listings_changed(new)
    return {listing.organization_id: listing for listing in new}, refused


@transaction.atomic
def credit_listing_remove(
    *,
    actor,
    listing: CreditListing,
    removed_on: datetime.date | None,
    reason: str,
    removed_by: Department | None = None,
) -> CreditListing:
    """Remove an organization from a credit list: the removal is written on the listing's row, history keeps both."""
    removed_by = deciding_department(
        actor,
        removed_by,
        field="removed_by",
        unnamed=_("系统自动移出信用名单时必须指明作出决定的机关"),
        may_decide=lambda: can_manage_organization(actor, listing.organization),
        forbidden=_("您无权将该社会组织移出信用名单"),
    )
    # Lock the row so two removals of one listing cannot both pass the check below.
    lock(listing)
    if not listing.is_open:
        refuse(
            None,
            _("该记录已于%(day)s移出%(list)s，不能再次移出"),
            code="already_removed",
            day=listing.removed_on.isoformat(),
            list=CreditListing.List(listing.list_kind).label,
        )
    refusals = Refusals()
    if removed_by is None:
        refusals.add("removed_by", _("请选择作出移出决定的机关"), code="required")
    if removed_on is None:
        refusals.add("removed_on", _("请填写移出日期"), code="required")
    else:
        add_date_refusals(refusals, "removed_on", removed_on, _("移出日期"))
        if removed_on < listing.listed_on:
            refusals.add(
                "removed_on",
                _("移出日期%(removed)s早于列入日期%(listed)s"),
                code="before_listing",
                removed=removed_on.isoformat(),
                listed=listing.listed_on.isoformat(),
            )
    if not (reason or "").strip():
        refusals.add("reason", _("请填写移出事由"), code="required")
    refusals.raise_if_any()

    listing.removed_on = removed_on
    listing.removal_reason = reason.strip()
    listing.removed_by = removed_by
    refusals.full_clean(listing)
    save(listing, actor=actor, reason=listing.removal_reason, clean=False)
    notices.listing_changed(listing, actor=actor)
    return listing
