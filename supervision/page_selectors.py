"""Reads of the supervision pages beyond supervision.selectors: the public list of current credit listings, the
organizations and contracts a complaint form may name, the officials who may inspect an organization, and the
figures of a random draw before it is drawn.

Each read is one query (or one count) whatever the number of rows.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from contracts.models import Contract
from registry import selectors as registry_selectors
from registry.models import CreditListing, Organization, Region

ORGANIZATION_SUGGESTIONS = 10


def open_credit_listing_list() -> QuerySet[CreditListing]:
    """Every listing not yet removed, on either list, newest first: public information (社会组织信用信息公示)."""
    return (
        CreditListing.objects.filter(removed_on__isnull=True)
        .select_related("organization__region__parent", "deciding_authority")
        .order_by("-listed_on", "-pk")
    )


def organization_search(text: str, *, limit: int = ORGANIZATION_SUGGESTIONS) -> list[Organization]:
    """Suggestions for a typed organization (name, code, pinyin or initials; the directory is public)."""
    return registry_selectors.organization_suggestions(text, limit=limit)


def organization_find(text: str) -> tuple[Organization | None, list[Organization]]:
    """The one organization `text` names, or None with the candidates (registry.selectors.organization_find)."""
    return registry_selectors.organization_find(text)


def public_contract_get(number: str) -> Contract | None:
    """A contract the public may see (signed or later) by its number, with its organization; None otherwise."""
    number = (number or "").strip()
    if not number:
        return None
    return (
        Contract.objects.exclude(status=Contract.Status.DRAFT)
        .select_related("organization")
        .filter(number__iexact=number)
        .first()
    )


def organization_contracts(organization: Organization) -> QuerySet[Contract]:
    """The organization's signed (or later) contracts, newest first, for the choice of a contract on a form."""
    return (
        Contract.objects.filter(organization=organization)
        .exclude(status=Contract.Status.DRAFT)
        .order_by("-signed_on", "-number")
    )


def officials_covering(region: Region) -> QuerySet:
    """Active registrars and purchasers whose department's region is `region` or lies above it: the officials who
    may inspect organizations of `region`."""
    codes = [code for code in region.path.split("/") if code]
    return (
        get_user_model()
        .objects.filter(is_active=True, department__region__code__in=codes)
        .filter(Q(is_registrar=True) | Q(is_purchaser=True))
        .select_related("department")
        .order_by("department__region__code", "department__name", "display_name", "username")
    )


def regions_for_draw(user) -> QuerySet[Region]:
    """The regions a registrar may draw in: the department's region and every region below it."""
    if user is None or not user.is_authenticated or user.department_id is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=user.department.region.path).select_related("parent").order_by("code")


def active_population_count(region: Region) -> int:
    """How many active (正常) organizations a draw in `region` would draw from (the region and below)."""
    return Organization.objects.filter(region__path__startswith=region.path, status=Organization.Status.NORMAL).count()


def organization_poor_evaluations(organization: Organization) -> QuerySet:
    """Finalized performance evaluations graded 差 of the organization's contracts: the sources an order may name."""
    from evaluations.models import Evaluation

    return (
        Evaluation.objects.filter(
            contract__organization=organization,
            status=Evaluation.Status.FINALIZED,
            grade=Evaluation.Grade.POOR,
        )
        .select_related("contract")
        .order_by("-finalized_at", "-pk")
    )
