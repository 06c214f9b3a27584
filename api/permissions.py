"""Who may call what in the API: DRF permission classes that ask the apps' `rules` predicates.

No rule is written twice: a class only names the role predicate of accounts that the pages use. Reading public records
needs no login; every write needs an authenticated user whose role fits (403 otherwise, 401 without credentials); the
view then fetches the object through the app's access helper (404 when missing or out of the user's reach, as on
the pages) and the service called checks the rest.

The exports (api/ owns them) have their own two predicates here: officials may request one, and only the requester
may see or download it.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import permissions as roles

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


# Roles allowed to attempt a kind of write (the service decides on the region and the object).
IsRegistrar = role_permission(roles.is_superuser | roles.is_registrar, "IsRegistrar")
IsPurchaser = role_permission(roles.is_superuser | roles.is_purchaser, "IsPurchaser")
IsRegistrarOrMember = role_permission(
    roles.is_superuser | roles.is_registrar | roles.is_org_member, "IsRegistrarOrMember"
)


class CanRequestExport(BasePermission):
    def has_permission(self, request, view) -> bool:
        return _authenticated(request) and bool(can_request_export(request.user))

    def has_object_permission(self, request, view, obj) -> bool:
        return bool(can_download_export(request.user, obj))
