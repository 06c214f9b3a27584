"""Template helpers of the contract pages: amounts in yuan, and an organization's contracts on its registry page."""

from __future__ import annotations

from django import template

from contracts import selectors
from contracts.tables import STATUS_BADGES
from registry.organization_records import OrganizationRecords

register = template.Library()

# The organization page lists this many of its latest contracts and links to the full, filtered listing.
ORGANIZATION_CONTRACTS_SHOWN = 20


@register.filter
def status_badge_class(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.inclusion_tag("contracts/includes/organization_contracts.html", takes_context=True)
def organization_contracts(context, records):
    """The organization's contracts the viewer may see, newest first, and its count of overdue deliverables, from the
    page's OrganizationRecords (or an organization's own)."""
    records = OrganizationRecords.of(records, user=context.get("user"))
    contracts = selectors.organization_contract_rows(records)
    return {
        "organization": records.organization,
        "contracts": contracts[:ORGANIZATION_CONTRACTS_SHOWN],
        "has_more": len(contracts) > ORGANIZATION_CONTRACTS_SHOWN,
        "overdue_count": selectors.organization_overdue_total(contracts),
    }
