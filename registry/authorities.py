"""The registration authorities (登记管理机关) of all China: one civil-affairs department per region, created from the
loaded regions by `load_regions` (after the regions themselves).

Names are those used in practice: 民政部 for the nation; a province's 民政厅 (a municipality's 民政局: 北京市民政局);
the 民政局 of a city, league or prefecture (呼和浩特市民政局, 锡林郭勒盟民政局) and of a county, banner or district
(赛罕区民政局, 土默特左旗民政局). Taiwan, Hong Kong and Macao have no mainland civil-affairs registration and get none.

Existing departments are matched, never duplicated: a region that already has a civil-affairs department (the demo's,
or one an administrator created under another name or code) keeps it, and a department already bearing the planned
name in the region is taken as the region's authority. New ones get the deterministic code `MZ<region code>`
(MZ150105); should that code be taken by another department, `MZ<region code>-2`, `-3`, ... Everything is written
with a few bulk inserts (and their history rows), so loading the ~3,200 authorities takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from registry.models import Department, Region

NATIONAL_AUTHORITY = "民政部"
# Provincial-level regions without mainland civil-affairs registration: Taiwan, Hong Kong, Macao.
EXCLUDED_PROVINCES = ("71", "81", "82")
CODE_PREFIX = "MZ"
LOAD_REASON = "load_regions: registration authorities"


@dataclass
class AuthorityLoadResult:
    created: int = 0
    existing: int = 0


def has_authority(region: Region) -> bool:
    """Regions with a mainland civil-affairs registration authority."""
    return region.level == Region.Level.NATIONAL or region.code[:2] not in EXCLUDED_PROVINCES


def authority_name(region: Region) -> str:
    """The name used in practice for the civil-affairs registration authority of `region`."""
    if region.level == Region.Level.NATIONAL:
        return NATIONAL_AUTHORITY
    if region.level == Region.Level.PROVINCE and not region.name.endswith("市"):
        return f"{region.name}民政厅"
    return f"{region.name}民政局"


def authority_code(region: Region) -> str:
    return f"{CODE_PREFIX}{region.code}"


@transaction.atomic
def authorities_load() -> AuthorityLoadResult:
    """Create the registration authority of every loaded region that has none; running it again changes nothing."""
    result = AuthorityLoadResult()
    regions = [region for region in Region.objects.only("id", "code", "name", "level") if has_authority(region)]
    civil_by_region: dict[int, list[Department]] = {}
    names_taken: set[tuple[int, str]] = set()
    codes_taken: set[str] = set()
    for department in Department.objects.only("id", "code", "name", "region_id", "kind"):
        codes_taken.add(department.code)
        names_taken.add((department.region_id, department.name))
        if department.kind == Department.Kind.CIVIL_AFFAIRS:
            civil_by_region.setdefault(department.region_id, []).append(department)
    new: list[Department] = []
    for region in sorted(regions, key=lambda r: r.code):
        name = authority_name(region)
        if region.pk in civil_by_region or (region.pk, name) in names_taken:
            result.existing += 1
            continue
        code, suffix = authority_code(region), 1
        while code in codes_taken:
            suffix += 1
            code = f"{authority_code(region)}-{suffix}"
        codes_taken.add(code)
        new.append(Department(name=name, code=code, region=region, kind=Department.Kind.CIVIL_AFFAIRS))
    if new:
        bulk_create_with_history(new, Department, batch_size=1000, default_change_reason=LOAD_REASON)
    result.created = len(new)
    return result


def region_authority(region: Region) -> Department | None:
    """The civil-affairs department of `region` (the one named as in practice when there are several)."""
    departments = list(region.departments.filter(kind=Department.Kind.CIVIL_AFFAIRS).order_by("pk"))
    planned = authority_name(region)
    return next((d for d in departments if d.name == planned), departments[0] if departments else None)
