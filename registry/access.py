"""Fetching a registry record and checking the user's right to it in one step, for pages and the API.

A record that does not exist and one the user may not act on get the same answer, a 404 with the same message, so
that nobody learns which organizations lie outside their scope; a signed-in user without the role at all gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import is_org_member, is_registrar, is_superuser
from registry import selectors
from registry.models import AnnualReport, CreditListing, Organization, Penalty
from registry.permissions import can_edit_contact, can_manage_organization


def _not_found(uscc: str) -> Http404:
    return Http404(_("没有统一社会信用代码为 %(uscc)s 的社会组织") % {"uscc": uscc})


def require_registrar(user) -> None:
    """403 unless the user keeps registry records somewhere (registrars and superusers): the registration page."""
    if not (is_superuser(user) or is_registrar(user)):
        raise PermissionDenied


def access_organization_for_view(user, uscc: str, *, facts: bool = True) -> Organization:
    """The organization with this code (the directory is public), annotated as selectors.organization_list (with the
    facts of selectors.organization_facts unless `facts` is False); 404 when the code names none. Spaces, full-width
    forms and lower case in `uscc` are accepted."""
    try:
        return selectors.organization_get(uscc=uscc, facts=facts)
    except Organization.DoesNotExist:
        raise _not_found(uscc) from None


def access_organization_for_manage(user, uscc: str, *, members_may_use: bool = False) -> Organization:
    """The organization a registrar acts on (and, with `members_may_use`, whose contact data its own members keep).

    403 for a user who has neither role; 404 for a code that names no organization and for one outside the user's
    scope alike.
    """
    may_keep = is_superuser(user) or is_registrar(user) or (members_may_use and is_org_member(user))
    if not may_keep:
        raise PermissionDenied
    organization = access_organization_for_view(user, uscc)
    if can_manage_organization(user, organization):
        return organization
    if members_may_use and can_edit_contact(user, organization):
        return organization
    raise _not_found(uscc)


def access_credit_listing_for_manage(user, uscc: str, pk: int) -> tuple[Organization, CreditListing]:
    """The organization and one of its credit listings, for a registrar who keeps the organization's record: 403 and
    404 as access_organization_for_manage, and 404 for a listing of another organization."""
    organization = access_organization_for_manage(user, uscc)
    listing = (
        CreditListing.objects.select_related("deciding_authority").filter(pk=pk, organization=organization).first()
    )
    if listing is None:
        raise Http404
    return organization, listing


def access_penalty_for_manage(user, uscc: str, pk: int) -> tuple[Organization, Penalty]:
    """The organization and one of its penalties, for a registrar who keeps the organization's record (403 and 404 as
    access_organization_for_manage; 404 for a penalty of another organization)."""
    organization = access_organization_for_manage(user, uscc)
    penalty = Penalty.objects.select_related("authority").filter(pk=pk, organization=organization).first()
    if penalty is None:
        raise Http404
    return organization, penalty


def access_annual_report_for_review(user, uscc: str, year: int) -> tuple[Organization, AnnualReport]:
    """The organization and its report for `year`, for a registrar who keeps the organization's record (403 and 404
    as access_organization_for_manage; 404 for a year without a report)."""
    organization = access_organization_for_manage(user, uscc)
    report = AnnualReport.objects.filter(organization=organization, year=year).first()
    if report is None:
        raise Http404
    return organization, report
