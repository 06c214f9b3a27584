"""Who hears about credit listings (notifications.services.notify): the organization's members, when it is put on a
list and when it is taken off."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.selectors import organization_members
from notifications.services import notify
from registry.models import CreditListing


def listing_changed(listing: CreditListing, *, actor) -> None:
    removed = listing.removed_on is not None
    notify(
        recipients=organization_members(listing.organization_id),
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
