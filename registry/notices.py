"""Who hears about credit listings (notifications.services.notify): the organization's members, when it is put on a
list and when it is taken off."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.selectors import organization_members, organization_members_of
from notifications.services import Notice, notify_many
from registry.models import CreditListing


def listing_changed(listing: CreditListing, *, actor) -> None:
    notify_many([_listing_notice(listing, organization_members(listing.organization_id), actor=actor)])


def listings_changed(listings: list[CreditListing]) -> None:
    """`listing_changed` for listings the system made, the members of all their organizations read in one query."""
    members = defaultdict(list)
    for user in organization_members_of([listing.organization_id for listing in listings]):
        members[user.organization_id].append(user)
    notify_many(_listing_notice(listing, members[listing.organization_id], actor=None) for listing in listings)


def _listing_notice(listing: CreditListing, recipients, *, actor) -> Notice:
    removed = listing.removed_on is not None
    return Notice(
        recipients=recipients,
        kind=Notification.Kind.LISTING_REMOVED if removed else Notification.Kind.LISTING_ADDED,
        target=listing,
        stage="removed" if removed else "added",
        title=_("本组织已于 %(day)s 移出%(list)s") if removed else _("本组织已于 %(day)s 被列入%(list)s"),
        params={
            "day": (listing.removed_on or listing.listed_on).isoformat(),
            "list": CreditListing.List(listing.list_kind).label,
        },
        body=listing.removal_reason if removed else listing.reason,
        url=reverse("registry:organization-detail", args=[listing.organization.uscc]),
        actor=actor,
    )
