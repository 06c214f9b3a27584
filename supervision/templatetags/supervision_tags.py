"""Template helpers of the supervision pages, and the supervision record on the organization and contract pages.

`{% organization_supervision records %}` (organization page: its OrganizationRecords, whose rows the page's other
parts share) and `{% contract_timeline contract %}` (contract page) load what the registry and contracts views do
not; each runs a fixed number of queries whatever the length of the record.
"""

from __future__ import annotations

import datetime

from django import template
from django.urls import reverse

from accounts.permissions import is_member_of
from registry.organization_records import OrganizationRecords
from supervision import selectors, timeline
from supervision.permissions import can_open_organization_records, supervises
from supervision.tables import BADGES

register = template.Library()

# The organization page lists this many of the latest closed orders.
CLOSED_ORDERS_SHOWN = 10


@register.filter
def status_badge_class(value: str) -> str:
    return BADGES.get(value, "text-bg-secondary")


def _event_url(event: timeline.TimelineEvent, *, sees_records: bool, here: tuple | None) -> str:
    """Where an event links to: public pages for everyone, order and inspection records for those who may open them;
    nothing when the event is about the page it is shown on."""
    target = event.target
    if not target or target == here:
        return ""
    kind, key = target
    if kind == "contract":
        return reverse("contracts:contract-detail", args=[key])
    if kind == "organization":
        return reverse("registry:organization-detail", args=[key])
    if kind == "order" and sees_records:
        return reverse("supervision:order-detail", args=[key])
    if kind == "inspection" and sees_records:
        return reverse("supervision:inspection-detail", args=[key])
    return ""


def _timeline_rows(events, *, sees_records: bool, here: tuple | None) -> list[dict]:
    return [
        {
            "event": event,
            "url": _event_url(event, sees_records=sees_records, here=here),
            "has_time": isinstance(event.when, datetime.datetime),
        }
        for event in events
    ]


@register.inclusion_tag("supervision/includes/organization_supervision.html", takes_context=True)
def organization_supervision(context, records):
    """Upheld complaints, closed rectification orders and the organization's timeline; the actions of its officials.
    Read from the page's OrganizationRecords (or an organization's own)."""
    user = context.get("user")
    records = OrganizationRecords.of(records, user=user)
    organization = records.organization
    summary = selectors.organization_supervision_summary(records)
    sees_records = bool(can_open_organization_records(user, organization))
    events = timeline.organization_timeline(records, user=user)
    return {
        "organization": organization,
        "summary": summary,
        "closed_orders": summary.closed_orders[:CLOSED_ORDERS_SHOWN],
        "more_closed_orders": max(len(summary.closed_orders) - CLOSED_ORDERS_SHOWN, 0),
        "open_listing_count": sum(1 for listing in summary.credit_listings if listing.removed_on is None),
        "timeline": _timeline_rows(events, sees_records=sees_records, here=("organization", organization.uscc)),
        "supervises": bool(supervises(user, organization)),
        "is_member": bool(is_member_of(user, organization)),
        "user": user,
    }


@register.inclusion_tag("supervision/includes/contract_timeline.html", takes_context=True)
def contract_timeline(context, contract):
    """The contract's events in date order: signing, submissions, decisions, payments, evaluations, supervision."""
    user = context.get("user")
    events = timeline.contract_timeline(contract, user=user)
    sees_records = bool(can_open_organization_records(user, contract.organization))
    return {
        "contract": contract,
        "timeline": _timeline_rows(events, sees_records=sees_records, here=("contract", contract.number)),
        "can_complain": not contract.is_draft,
    }
