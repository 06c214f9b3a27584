"""Template helpers of the evaluation pages, and the evaluation grades shown on the contract and organization pages.

The contract page and the organization page include `evaluations/_contract_evaluations.html` and
`evaluations/_organization_grades.html`; those call the inclusion tags below, which read through the selectors so
that the viewer sees only what they may (finalized results for everyone, every status for the officials running them).
"""

from __future__ import annotations

from django import template

from evaluations import permissions, selectors
from evaluations.models import IndicatorSet
from evaluations.tables import GRADE_BADGES, STATUS_BADGES
from evaluations.tables import grade_badge as render_grade_badge
from registry.organization_records import OrganizationRecords

register = template.Library()

# The organization page lists this many of its latest graded evaluations and links to the full, filtered listing.
ORGANIZATION_EVALUATIONS_SHOWN = 10


@register.filter
def grade_badge(evaluation) -> str:
    """The grade of an evaluation as a coloured badge."""
    return render_grade_badge(evaluation)


@register.filter
def grade_badge_class(grade: str) -> str:
    return GRADE_BADGES.get(grade, "text-bg-secondary")


@register.filter
def evaluation_status_class(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


INDICATOR_SET_STATUS_BADGES = {
    IndicatorSet.Status.DRAFT: "text-bg-secondary",
    IndicatorSet.Status.ACTIVE: "text-bg-success",
    IndicatorSet.Status.FROZEN: "text-bg-info",
}


@register.filter
def indicator_set_status_class(status: str) -> str:
    return INDICATOR_SET_STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def indent(level) -> str:
    """Left padding of an indicator row by its level (1-3), in rem."""
    try:
        return f"{(int(level) - 1) * 1.5:.1f}"
    except (TypeError, ValueError):
        return "0"


@register.inclusion_tag("evaluations/includes/organization_evaluations.html", takes_context=True)
def organization_evaluations(context, records):
    """The organization's finalized evaluations (newest first) and its performance warnings, from the page's
    OrganizationRecords (or an organization's own)."""
    records = OrganizationRecords.of(records, user=context.get("user"))
    evaluations = selectors.organization_evaluation_rows(records)
    return {
        "organization": records.organization,
        "evaluations": evaluations[:ORGANIZATION_EVALUATIONS_SHOWN],
        "has_more": len(evaluations) > ORGANIZATION_EVALUATIONS_SHOWN,
        "warnings": selectors.organization_warning_rows(records),
    }


@register.inclusion_tag("evaluations/includes/contract_evaluations.html", takes_context=True)
def contract_evaluations(context, contract):
    """The contract's evaluations: the finalized results for everyone; every status, and the button that opens a
    new evaluation, for the purchasers running them."""
    user = context.get("user")
    return {
        "contract": contract,
        "evaluations": list(selectors.contract_evaluation_list(contract, user=user)),
        "can_create": permissions.can_open_evaluation(user, contract),
        "can_manage": permissions.can_create_evaluation(user, contract),
    }
