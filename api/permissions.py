"""Who may call what in the API: DRF permission classes that ask the apps' `rules` predicates.

No rule is written twice: a class only names the predicate of accounts, registry or contracts permissions that the
pages and services already use. Reading public records needs no login; every write needs an authenticated user whose
role fits (403 otherwise, 401 without credentials), and the service called then checks the object itself again.

The exports (api/ owns them) have their own two predicates here: officials may request one, and only the requester
may see or download it.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import permissions as roles
from contracts import permissions as contract_rules
from registry import permissions as registry_rules

# --- exports ------------------------------------------------------------------------------------------------------

can_request_export = roles.is_superuser | roles.is_official


@rules.predicate
def is_export_requester(user, export) -> bool:
    return export is not None and bool(user is not None and user.is_authenticated and export.requester_id == user.pk)


can_download_export = is_export_requester

rules.add_perm("api.can_request_export", can_request_export)
rules.add_perm("api.can_download_export", can_download_export)


# --- DRF classes --------------------------------------------------------------------------------------------------


def _authenticated(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


class RolePermission(BasePermission):
    """Reads are public; writes need a user for whom `predicate(user)` holds."""

    predicate: Callable[[object], bool] = staticmethod(lambda user: False)

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return _authenticated(request) and bool(self.predicate(request.user))


def role_permission(predicate: Callable[[object], bool], name: str) -> type[RolePermission]:
    return type(name, (RolePermission,), {"predicate": staticmethod(predicate)})


class ObjectPermission(BasePermission):
    """Reads are public; writes on an object need `predicate(user, object)` (after the role check of the view)."""

    predicate: Callable[[object, object], bool] = staticmethod(lambda user, obj: False)

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or _authenticated(request)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(self.predicate(request.user, obj))


def object_permission(predicate: Callable[[object, object], bool], name: str) -> type[ObjectPermission]:
    return type(name, (ObjectPermission,), {"predicate": staticmethod(predicate)})


# Roles allowed to attempt a kind of write (the service decides on the region and the object).
IsRegistrar = role_permission(roles.is_superuser | roles.is_registrar, "IsRegistrar")
IsPurchaser = role_permission(roles.is_superuser | roles.is_purchaser, "IsPurchaser")
IsRegistrarOrMember = role_permission(
    roles.is_superuser | roles.is_registrar | roles.is_org_member, "IsRegistrarOrMember"
)

# Object-level rights, straight from the apps' predicates.
CanEditOrganization = object_permission(registry_rules.can_edit_contact, "CanEditOrganization")
CanManageListing = object_permission(
    lambda user, listing: registry_rules.can_manage_organization(user, listing.organization), "CanManageListing"
)
CanEditPurchaseList = object_permission(contract_rules.can_edit_purchase_list, "CanEditPurchaseList")
CanManageContract = object_permission(contract_rules.can_manage_contract, "CanManageContract")
CanRecordPayment = object_permission(contract_rules.can_record_payment, "CanRecordPayment")
CanDecideDeliverable = object_permission(
    lambda user, deliverable: contract_rules.can_manage_contract(user, deliverable.contract), "CanDecideDeliverable"
)


class CanRequestExport(BasePermission):
    def has_permission(self, request, view) -> bool:
        return _authenticated(request) and bool(can_request_export(request.user))

    def has_object_permission(self, request, view, obj) -> bool:
        return bool(can_download_export(request.user, obj))
