"""The credit lists (活动异常名录, 严重违法失信名单): listing an organization and removing it, as two separate acts."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import Refusals, lock, refuse, save
from registry import notices
from registry.models import CreditListing, Department, Organization
from registry.permissions import can_manage_organization
from registry.services.common import add_date_refusals, deciding_department
from registry.services.rules import already_listed_refusal


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
                refusals.add(
                    "listed_on",
                    _("该社会组织%(listed)s至%(removed)s期间已在%(list)s中，新的列入日期不能早于%(removed)s"),
                    code="listing_overlap",
                    listed=overlapping.listed_on.isoformat(),
                    removed=overlapping.removed_on.isoformat(),
                    list=CreditListing.List(list_kind).label,
                )
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
