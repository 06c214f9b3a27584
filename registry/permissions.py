"""Who may do what in the registry: `rules` predicates built from accounts.permissions.

Views, services, templates ({% has_perm "registry.can_manage_organization" user organization %}) and the API all
ask these predicates; region scoping itself lives in accounts.permissions.
"""

from __future__ import annotations

import rules

from accounts.permissions import is_member_of, is_superuser, official_in_region, registrar_in_region


@rules.predicate
def can_manage_organization(user, organization) -> bool:
    """Registrars whose region covers the organization's region (and superusers) keep its registry record."""
    return organization is not None and bool(is_superuser(user) or registrar_in_region(user, organization))


@rules.predicate
def can_register_in_region(user, region) -> bool:
    """Registrars whose region covers `region` (and superusers) may register organizations there."""
    return region is not None and bool(is_superuser(user) or registrar_in_region(user, region))


@rules.predicate
def can_edit_contact(user, organization) -> bool:
    """Contact data is kept by the organization's registrars and by the organization's own members."""
    return organization is not None and bool(
        can_manage_organization(user, organization) or is_member_of(user, organization)
    )


@rules.predicate
def can_view_contact(user, organization) -> bool:
    """Officials (registrars and purchasers) covering the organization, its members and superusers; never the public."""
    return organization is not None and bool(
        is_superuser(user) or official_in_region(user, organization) or is_member_of(user, organization)
    )


@rules.predicate
def can_submit_annual_report(user, organization) -> bool:
    """An organization files its annual work report itself (its members); its registrars may key in a paper one."""
    return organization is not None and bool(
        is_member_of(user, organization) or can_manage_organization(user, organization)
    )


rules.add_perm("registry.can_manage_organization", can_manage_organization)
rules.add_perm("registry.can_submit_annual_report", can_submit_annual_report)
rules.add_perm("registry.can_register_in_region", can_register_in_region)
rules.add_perm("registry.can_edit_contact", can_edit_contact)
rules.add_perm("registry.can_view_contact", can_view_contact)
