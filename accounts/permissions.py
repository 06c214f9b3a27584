"""Roles and region scoping: the one place every app asks who may act where.

Officials (registrars and purchasers) act in their department's region and every region below it: a city (盟市)
official covers the city and its counties (旗县), a county official the county only, a provincial official the whole
province. Apps build their own predicates in their permissions.py from the ones here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import rules
from django.db.models import Model, Q, QuerySet

if TYPE_CHECKING:
    from registry.models import Region


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def is_superuser(user) -> bool:
    return _active(user) and user.is_superuser


@rules.predicate
def is_registrar(user) -> bool:
    return _active(user) and user.is_registrar and user.department_id is not None


@rules.predicate
def is_purchaser(user) -> bool:
    return _active(user) and user.is_purchaser and user.department_id is not None


@rules.predicate
def is_official(user) -> bool:
    return is_registrar(user) or is_purchaser(user)


@rules.predicate
def is_evaluator(user) -> bool:
    return _active(user) and user.is_evaluator


@rules.predicate
def is_org_member(user) -> bool:
    return _active(user) and user.organization_id is not None


def region_of(obj) -> Region | None:
    """The region an object belongs to: a Region itself, or the object's `region` attribute.

    (The registry sits above accounts, so a Region is recognised by its model label, not by importing it.)"""
    if obj is None:
        return None
    if getattr(getattr(obj, "_meta", None), "label_lower", "") == "registry.region":
        return obj
    return getattr(obj, "region", None)


def user_covers_region(user, region: Region | None) -> bool:
    """True when the official's department region is `region` or lies above it."""
    if not _active(user) or region is None or user.department_id is None:
        return False
    return user.department.region.covers(region)


@rules.predicate
def covers_region(user, obj) -> bool:
    """The object (or region) lies inside the user's region."""
    return user_covers_region(user, region_of(obj))


@rules.predicate
def is_member_of(user, obj) -> bool:
    """The user is a member of the organization `obj` (or of `obj.organization`)."""
    if not is_org_member(user) or obj is None:
        return False
    organization_id = getattr(obj, "organization_id", None)
    if organization_id is None and obj.__class__.__name__ == "Organization":
        organization_id = obj.pk
    return organization_id is not None and organization_id == user.organization_id


registrar_in_region = is_registrar & covers_region
purchaser_in_region = is_purchaser & covers_region
official_in_region = is_official & covers_region


def in_official_region(user, model: type[Model], region_field: str = "region") -> Q:
    """Rows of `model` whose `region_field` lies in the official's region (the caller checks that `user` is an
    official).

    When no row of the model that holds the region (an organization or a department) lies outside the official's
    region (`region_holds_every`), the condition is empty: a count or page over a province's rows is then not joined
    to their organizations and regions only to keep every one of them. The answer is kept on the user object for
    the rest of the request."""
    region = user.department.region
    *path, _last = region_field.split("__")
    holder = model
    for name in path:
        holder = holder._meta.get_field(name).related_model
    answers = user.__dict__.setdefault("_region_holds_every", {})
    if holder not in answers:
        answers[holder] = region_holds_every(region, holder)
    return Q() if answers[holder] else Q(**{f"{region_field}__path__startswith": region.path})


_asking = threading.local()


def region_holds_every(region: Region, holder: type[Model]) -> bool:
    """`region.holds_every(holder)`, remembered until a write to the holder's table or the regions' commits
    (`core.pagecache.remember_read`, per day): every page a province's official opens asks it, and its probe over the
    regions outside costs more than reading the answer back. While it is asked, `asking_holds_every()` is true: the
    待办's kept plans tell these reads (the cache's included) from a source's own."""
    from core import pagecache

    _asking.depth = getattr(_asking, "depth", 0) + 1
    try:
        return pagecache.remember_read(
            "region-holds-every",
            holder._meta.label_lower,
            region.path,
            compute=lambda: region.holds_every(holder),
            tables=(holder._meta.db_table.lower(), region._meta.db_table.lower()),
        )
    finally:
        _asking.depth -= 1


def asking_holds_every() -> bool:
    """Whether this thread is inside `region_holds_every` (its cache read, probe or cache write)."""
    return getattr(_asking, "depth", 0) > 0


def scope_to_region(queryset: QuerySet, user, region_field: str = "region") -> QuerySet:
    """Restrict `queryset` to rows whose `region_field` lies in the official's region; nothing for others."""
    if not _active(user) or user.department_id is None:
        return queryset.none()
    return queryset.filter(in_official_region(user, queryset.model, region_field))


# Django's permission API (user.has_perm / {% has_perm %}) answers from the same predicates.
rules.add_perm("accounts.is_registrar", is_registrar)
rules.add_perm("accounts.is_purchaser", is_purchaser)
rules.add_perm("accounts.is_official", is_official)
rules.add_perm("accounts.is_evaluator", is_evaluator)
rules.add_perm("accounts.is_org_member", is_org_member)
