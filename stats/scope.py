"""What a statistics request asks for: the area (a region of the home province), the year, the optional filters
(purchasing department, service category, organization type) and whether the reader sees the officials' measures.

A region outside the home province, or a year outside 2000–2200, is not found rather than silently widened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from contracts.models import PurchaseItem
from registry.models import Organization, Region

DIMENSIONS = {
    "region": _("地区"),
    "year": _("年度"),
    "department": _("购买主体"),
    "category": _("服务类别"),
    "org_type": _("组织类型"),
}
YEAR_RANGE = (2000, 2200)


@dataclass(frozen=True)
class Scope:
    region: Region
    year: int | None = None
    department_id: int | None = None
    category: str = ""
    org_type: str = ""
    # Officials whose region covers the area also see supervision measures and the data-quality report.
    detailed: bool = False

    @property
    def prefix(self) -> str:
        return self.region.path

    def with_year(self, year: int | None) -> Scope:
        return replace(self, year=year)

    def query(self, **changes) -> dict[str, str]:
        """The query parameters that reproduce this scope (with `changes` applied), for links and downloads."""
        values = {
            "region": self.region.code,
            "year": self.year or "",
            "department": self.department_id or "",
            "category": self.category,
            "org_type": self.org_type,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in ("", None)}


def home_region() -> Region | None:
    return Region.objects.filter(code=settings.HOME_PROVINCE_CODE).first()


def region_in_home(code: str) -> Region:
    """The region of that code inside the home province (the province itself included), or 404."""
    home = settings.HOME_PROVINCE_CODE
    region = Region.objects.filter(code=code).first() if code else None
    if region is None or f"/{home}/" not in f"/{region.path}":
        raise Http404
    return region


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404 from None


def official_covers(user, region: Region) -> bool:
    return bool(permissions.is_official(user) and permissions.user_covers_region(user, region))


def scope_from(params, user, *, default_year: int | None = None) -> Scope:
    """Read a Scope from query parameters (`region` code, `year`, `department` id, `category`, `org_type`)."""
    code = (params.get("region") or settings.HOME_PROVINCE_CODE).strip()
    region = region_in_home(code)
    year = _int(params.get("year")) if "year" in params else default_year
    if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise Http404
    category = params.get("category") or ""
    if category and category not in PurchaseItem.Category.values:
        raise Http404
    org_type = params.get("org_type") or ""
    if org_type and org_type not in Organization.Type.values:
        raise Http404
    return Scope(
        region=region,
        year=year,
        department_id=_int(params.get("department")),
        category=category,
        org_type=org_type,
        detailed=official_covers(user, region),
    )
