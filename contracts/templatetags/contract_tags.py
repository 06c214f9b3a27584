"""Template helpers of the contract pages: amounts in yuan, and an organization's contracts on its registry page."""

from __future__ import annotations

from django import template

from contracts import selectors
from contracts.tables import STATUS_BADGES

register = template.Library()

# The organization page lists this many of its latest contracts and links to the full, filtered listing.
ORGANIZATION_CONTRACTS_SHOWN = 20


@register.filter
def status_badge_class(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.inclusion_tag("contracts/includes/organization_contracts.html", takes_context=True)
def organization_contracts(context, organization):
    """The organization's contracts the viewer may see, newest first, and its count of overdue deliverables."""
    user = context.get("user")
    contracts = selectors.organization_contract_list(organization=organization, user=user).order_by(
        "-signed_on", "-number"
    )
    shown = list(contracts[: ORGANIZATION_CONTRACTS_SHOWN + 1])
    return {
        "organization": organization,
        "contracts": shown[:ORGANIZATION_CONTRACTS_SHOWN],
        "has_more": len(shown) > ORGANIZATION_CONTRACTS_SHOWN,
        "overdue_count": selectors.organization_overdue_count(organization),
    }
