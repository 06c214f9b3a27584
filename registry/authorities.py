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


# How people shorten names in practice, used to recognize an authority written as 内蒙古民政厅, 呼市民政局, 锡盟民政局,
# 土左旗民政局 or 延边州民政局.
PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}
# Peoples named in autonomous prefectures, counties and banners (延边朝鲜族自治州, 莫力达瓦达斡尔族自治旗).
PEOPLES = sorted(
    (
        "朝鲜 土家 苗 藏 羌 彝 哈尼 蒙古 哈萨克 柯尔克孜 傣 景颇 傈僳 白 布依 侗 回 壮 瑶 黎 畲 满 "
        "达斡尔 鄂温克 鄂伦春 锡伯 仫佬 毛南 仡佬 水 纳西 拉祜 佤 独龙 怒 普米 "
        "撒拉 土 保安 东乡 裕固 塔吉克 各 维吾尔 阿昌 德昂 基诺 门巴"
    ).split(),
    key=len,
    reverse=True,
)
DIRECTIONS = "左右前中后"
# Cities known by a one-character abbreviation (a first character is not enough: 呼市 is Hohhot, 呼伦贝尔 is 呼盟).
CITY_ABBREVIATIONS = {
    "150100": ("呼市",),
    "150600": ("鄂市",),
    "150700": ("呼盟",),
    "150800": ("巴市",),
    "150900": ("乌市",),
    "230100": ("哈市",),
    "650100": ("乌市",),
}


def _without_autonomy(name: str) -> tuple[str, str]:
    """(stem, kind) of an autonomous unit's name: 延边朝鲜族自治州 → (延边, 州), 鄂伦春自治旗 → (鄂伦春, 旗)."""
    for suffix in ("自治州", "自治县", "自治旗"):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for people in PEOPLES:
                    if stem.endswith(people + "族") and len(stem) > len(people) + 1:
                        stem, stripped = stem[: -len(people) - 1], True
                        break
            return stem, suffix[-1]
    return name, ""


def short_names(region: Region) -> set[str]:
    """The region's name and the shorter forms people write for it."""
    name = region.name
    names = {name}
    if region.level == Region.Level.PROVINCE:
        if name in PROVINCE_SHORT:
            names.add(PROVINCE_SHORT[name])
        elif name.endswith(("省", "市")):
            names.add(name[:-1])
        return names
    stem, kind = _without_autonomy(name)
    if kind:
        names.add(stem + kind)
        names.add(stem)
    else:
        for suffix in ("地区", "市", "盟", "县", "旗"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stem, kind = name[: -len(suffix)], suffix
                names.add(stem)
                break
    if kind == "盟" and region.level == Region.Level.CITY:
        names.add(stem[0] + kind)  # 锡盟, 阿盟, 兴盟
    names.update(CITY_ABBREVIATIONS.get(region.code, ()))
    if kind == "旗" and len(stem) >= 2:
        names.add(stem[0] + "".join(c for c in stem[1:] if c in DIRECTIONS) + "旗")  # 土左旗, 科左中旗, 达旗
    return names


def authority_aliases(region: Region, chain: list[Region]) -> set[str]:
    """Every way of writing the authority of `region` (`chain`: its province, city and itself, without the nation):
    the region's name or a short form, alone or after its province's and city's, + 民政局 (a province's also 民政厅)."""
    if region.level == Region.Level.NATIONAL:
        return {NATIONAL_AUTHORITY, "中华人民共和国民政部", "国家民政部"}
    endings = ("民政厅", "民政局") if region.level == Region.Level.PROVINCE else ("民政局",)
    variants = [sorted(short_names(link)) for link in chain]
    prefixes: set[str] = set()
    for start in range(len(chain)):
        combined = [""]
        for options in variants[start:]:
            combined = [head + option for head in combined for option in options]
        prefixes.update(combined)
    return {prefix + ending for prefix in prefixes for ending in endings}
