"""The registry's rules, each written once.

The services apply them to what they are asked to save; the import (registry.imports) applies the same ones to every
row of a file, and the admin to what it saves. Each rule returns its refusal — a ValidationError with a stable code,
a lazy message and the message's params — or None when the values keep the rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.services import refusal
from registry.models import CreditListing, Department, Organization, Region


def region_label(region: Region) -> str:
    """How a refusal names a region: with its province and city (内蒙古自治区呼和浩特市新城区)."""
    return region.full_name or region.name


def authority_kind_refusal(authority: Department) -> ValidationError | None:
    """Organizations are registered by civil-affairs departments (民政部门) only."""
    if authority.kind == Department.Kind.CIVIL_AFFAIRS:
        return None
    return refusal(_("登记管理机关应为民政部门，“%(name)s”不是民政部门"), code="not_civil_affairs", name=authority.name)


def authority_jurisdiction_refusal(
    authority: Department,
    region: Region | None,
    org_type: str | None,
    *,
    name_region: Callable[[Region], str] = region_label,
) -> ValidationError | None:
    """A civil-affairs department registers organizations of its own region and below; foundations are registered
    by the national or a provincial department only. `name_region` names the region in the message."""
    if region is not None and not authority.region.covers(region):
        return refusal(
            _("登记管理机关“%(authority)s”的辖区不包括%(region)s"),
            code="authority_region",
            authority=authority.name,
            region=name_region(region),
        )
    if org_type == Organization.Type.FOUNDATION and authority.region.level not in (
        Region.Level.NATIONAL,
        Region.Level.PROVINCE,
    ):
        return refusal(
            _("基金会只能由国务院民政部门或省级民政部门登记，“%(name)s”不能登记基金会"),
            code="foundation_authority",
            name=authority.name,
        )
    return None


def certificate_refusal(
    valid_until: datetime.date | None, established_on: datetime.date | None
) -> ValidationError | None:
    """A registration certificate does not expire before the organization was established."""
    if valid_until is None or established_on is None or valid_until >= established_on:
        return None
    return refusal(
        _("证书有效期至%(until)s早于成立日期%(established)s"),
        code="before_establishment",
        until=valid_until.isoformat(),
        established=established_on.isoformat(),
    )


def is_negative(amount: Any) -> bool:
    """True for a negative number; values that are not numbers are left to the model's field validation."""
    if amount is None:
        return False
    try:
        return (amount if isinstance(amount, Decimal) else Decimal(str(amount))) < 0
    except (InvalidOperation, ValueError):
        return False


def funds_refusal(amount: Any) -> ValidationError | None:
    """Registered funds are never negative."""
    return refusal(_("注册资金不能为负数"), code="negative") if is_negative(amount) else None


def future_refusal(day: datetime.date | None, label: Any, today: datetime.date) -> ValidationError | None:
    """A decision or an event of the registry is recorded once it happened, never ahead of time."""
    if day is None or day <= today:
        return None
    return refusal(
        _("%(label)s%(day)s晚于今天，不能登记将来的日期"), code="date_in_future", label=label, day=day.isoformat()
    )


def before_establishment_refusal(
    day: datetime.date | None, organization: Organization, label: Any
) -> ValidationError | None:
    """Nothing about an organization happens before it was established."""
    established_on = organization.established_on
    if day is None or established_on is None or day >= established_on:
        return None
    return refusal(
        _("%(label)s%(day)s早于该组织的成立日期%(established)s"),
        code="before_establishment",
        label=label,
        day=day.isoformat(),
        established=established_on.isoformat(),
    )


def already_listed_refusal(
    organization: Organization, list_kind: str, *, exclude_pk: int | None = None
) -> ValidationError | None:
    """An organization is on each credit list at most once at a time (removed listings do not count)."""
    listings = organization.credit_listings.filter(list_kind=list_kind, removed_on__isnull=True)
    if exclude_pk is not None:
        listings = listings.exclude(pk=exclude_pk)
    open_listing = listings.first()
    if open_listing is None:
        return None
    return listed_refusal(open_listing)


def listed_refusal(open_listing: CreditListing) -> ValidationError:
    """The refusal of a second listing while `open_listing` is not removed."""
    return refusal(
        _("该社会组织已于%(day)s列入%(list)s（%(reason)s），尚未移出，不能重复列入"),
        code="already_listed",
        day=open_listing.listed_on.isoformat(),
        list=CreditListing.List(open_listing.list_kind).label,
        reason=open_listing.reason,
    )


def overlap_refusal(overlapping: CreditListing) -> ValidationError:
    """The refusal of a listing dated before the removal of an earlier listing on the same list."""
    return refusal(
        _("该社会组织%(listed)s至%(removed)s期间已在%(list)s中，新的列入日期不能早于%(removed)s"),
        code="listing_overlap",
        listed=overlapping.listed_on.isoformat(),
        removed=overlapping.removed_on.isoformat(),
        list=CreditListing.List(overlapping.list_kind).label,
    )
