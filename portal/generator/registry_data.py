"""Departments, officials, organizations and their annual inspections, evaluation grades and credit listings.

Organizations are spread over the counties and cities by population weight; each is registered by the civil-affairs
bureau of its county (most), of its city, or of the province (foundations and a few others), and its unified social
credit code carries that bureau's region in positions 3-8, the category digit of its type and both check characters
(`registry.uscc.make_uscc`). About 4.5 % are deregistered or revoked, ≈1 % are on the activity-abnormal list (some
since removed) and a few on the serious-violation list; none of those is among the organizations that take
contracts (the "providers", all registered before the data set's first year), so every contract passes the signing
eligibility rules.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from fixtures import make_samples
from portal.generator.world import DEPARTMENT_PREFIX, PROVINCE, DepartmentInfo, World
from registry.models import AnnualInspection, CreditListing, Department, Organization, Rating, Region
from registry.uscc import make_uscc

# (code suffix, name at the province, name below, kind); the first is the civil-affairs bureau.
DEPARTMENT_KINDS = (
    ("MZ", "民政厅", "民政局", Department.Kind.CIVIL_AFFAIRS),
    ("WJ", "卫生健康委员会", "卫生健康委员会", Department.Kind.PURCHASER),
    ("JY", "教育厅", "教育局", Department.Kind.PURCHASER),
    ("RS", "人力资源和社会保障厅", "人力资源和社会保障局", Department.Kind.PURCHASER),
    ("CL", "残疾人联合会", "残疾人联合会", Department.Kind.PURCHASER),
    ("TJ", "退役军人事务厅", "退役军人事务局", Department.Kind.PURCHASER),
    ("SF", "司法厅", "司法局", Department.Kind.PURCHASER),
    ("WL", "文化和旅游厅", "文化旅游体育局", Department.Kind.PURCHASER),
    ("CZ", "财政厅", "财政局", Department.Kind.FINANCE),
)
TYPES = (
    (Organization.Type.SERVICE, 0.49),
    (Organization.Type.ASSOCIATION, 0.45),
    (Organization.Type.FOUNDATION, 0.05),
    (Organization.Type.OTHER, 0.01),
)
COMMUNITIES = (
    "新华 团结 建设 民族 文化 胜利 解放 友谊 和平 幸福 迎宾 草原 北苑 南湖 东风 西林 光明 兴安 青山 昭君 "
    "大学 电力 钢铁 铁路 滨河 锦绣 丰泽 春华 金桥 长乐 安泰 康居 阳光 翠园 如意 海拉尔 满达 阿尔丁 乌兰 塞北"
).split()
RESULT_WEIGHTS = (
    (AnnualInspection.Result.PASSED, 88),
    (AnnualInspection.Result.BASIC, 9),
    (AnnualInspection.Result.FAILED, 3),
)
ABNORMAL_REASONS = (
    "未按规定报送年度工作报告",
    "未按规定办理变更登记",
    "通过登记的住所无法取得联系",
    "未按规定公开信息且逾期未改正",
)
SERIOUS_REASONS = (
    "被列入活动异常名录满2年仍未改正",
    "弄虚作假办理变更登记，被撤销变更登记",
    "受到限期停止活动行政处罚",
)
STATUS_REASONS = {
    Organization.Status.DEREGISTERED: ("经理事会决议自行解散，办理注销登记", "完成宗旨，申请注销登记"),
    Organization.Status.REVOKED: ("连续两年未参加年度检查，依法撤销登记", "违反章程开展活动，依法撤销登记"),
}
STEP_SMALL, STEP_LARGE = 10_000, 100_000


@dataclass
class Organizations:
    """What later tables need of the organizations, one entry per organization (index = id - first_id)."""

    first_id: int
    location: list[str] = field(default_factory=list)
    authority: list[int] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    established: list[datetime.date] = field(default_factory=list)
    uscc: list[str] = field(default_factory=list)
    provider: list[bool] = field(default_factory=list)
    open_abnormal: dict[int, int] = field(default_factory=dict)  # organization id -> its open abnormal listing id
    # provider id -> (grade, awarded_on, valid_until) of its evaluation grade, for the signing warnings
    ratings: dict[int, tuple[str, datetime.date, datetime.date]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.uscc)

    def ids(self):
        return range(self.first_id, self.first_id + len(self))

    def at(self, organization_id: int) -> int:
        return organization_id - self.first_id


def make_departments(world: World) -> None:
    table = world.writer.table(Department)
    rng = world.rng("officials")
    # With --append, a department of the same name may exist in the region (the demo's 呼和浩特市民政局).
    taken = set(Department.objects.values_list("region__code", "name"))
    for place in sorted(world.places.values(), key=lambda p: p.code):
        in_scope = place.path.startswith(world.places[world.profile.region].path)
        prefix = world.full_name(place.code)
        for suffix, province_name, local_name, kind in DEPARTMENT_KINDS:
            if not in_scope and suffix != "MZ":
                continue  # outside the profile's region only the province's bureau (it registers foundations)
            name = prefix + (province_name if place.level == Region.Level.PROVINCE else local_name)
            if (place.code, name) in taken:
                name += "（生成数据）"
            code = f"{DEPARTMENT_PREFIX}{place.code}{suffix}"
            pk = table.add(name=name, code=code, region_id=place.id, kind=kind)
            info = DepartmentInfo(pk, code, name, place.code, kind)
            world.departments[pk] = info
            joined = datetime.date(world.years[0] - 1, 12, 1)
            if kind == Department.Kind.CIVIL_AFFAIRS:
                world.bureaus[place.code] = pk
                first = world.add_user(
                    rng,
                    username=f"gen_{code.lower()}_1",
                    joined=joined,
                    department_id=pk,
                    is_registrar=True,
                    is_purchaser=in_scope,
                )
                second = world.add_user(
                    rng, username=f"gen_{code.lower()}_2", joined=joined, department_id=pk, is_registrar=True
                )
                info.officials = [first, second]
                info.buyer = first
                if in_scope:
                    world.purchasers.setdefault(place.code, []).append(pk)
            elif kind == Department.Kind.PURCHASER:
                buyer = world.add_user(
                    rng, username=f"gen_{code.lower()}", joined=joined, department_id=pk, is_purchaser=True
                )
                info.officials = [buyer]
                info.buyer = buyer
                world.purchasers.setdefault(place.code, []).append(pk)


def _location_weights(world: World) -> tuple[list[str], list[float]]:
    """Where organizations are: each city by its weight, 35 % of it at city level and the rest over its counties."""
    codes, cumulative, total = [], [], 0.0
    cities = [p for p in world.scope if p.level == Region.Level.CITY]
    for city in cities:
        weight = make_samples.CITY_WEIGHTS.get(city.code, 3)
        counties = [p for p in world.scope if p.parent_code == city.code]
        shares = [(city.code, 0.35 if counties else 1.0)] + [(c.code, 0.65 / len(counties)) for c in counties]
        for code, share in shares:
            total += weight * share
            codes.append(code)
            cumulative.append(total)
    return codes, cumulative


def _funds(rng, bounds: tuple[int, int]) -> Decimal:
    low, high = bounds
    step = STEP_SMALL if high <= 1_000_000 else STEP_LARGE
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


def _name(world: World, rng, org_type: str, location: str, used: set[str]) -> tuple[str, str, tuple, str]:
    """(name, business scope, funds bounds, supervisory unit) of a new organization in `location`."""
    where = world.places[location]
    # 呼和浩特市新城区…, but 土默特左旗… (a banner or county is named on its own)
    place = (
        where.name
        if where.level == Region.Level.COUNTY and not where.name.endswith("区")
        else world.full_name(location)
    )
    supervisor = ""
    for attempt in range(4):
        community = rng.choice(COMMUNITIES) + "社区" if attempt or rng.random() < 0.6 else ""
        if org_type == Organization.Type.FOUNDATION:
            ending, scope, bounds = rng.choice(make_samples.FOUNDATIONS)
            name = place + (rng.choice(make_samples.ADJECTIVES) if attempt else "") + ending
        elif org_type == Organization.Type.OTHER:
            ending, scope, bounds = rng.choice(make_samples.OTHERS)
            name = place + community + ending
        elif org_type == Organization.Type.ASSOCIATION:
            ending, scope, bounds, supervisor = rng.choice(make_samples.ASSOCIATIONS)
            name = place + community + ending
        else:
            ending, scope, bounds, supervisor = rng.choice(make_samples.SERVICES)
            name = place + community + rng.choice(make_samples.ADJECTIVES) + ending
        if name not in used:
            break
    used.add(name)
    if supervisor and (org_type == Organization.Type.ASSOCIATION or rng.random() < 0.3):
        supervisor = world.full_name(world.places[location].city_code) + supervisor
    else:
        supervisor = ""
    return name, scope, bounds, supervisor


def _authority(world: World, rng, org_type: str, location: str) -> int:
    place = world.places[location]
    if org_type == Organization.Type.FOUNDATION or rng.random() < 0.03:
        return world.bureaus[PROVINCE]
    if place.level == Region.Level.COUNTY and rng.random() < 0.7:
        return world.bureaus[location]
    return world.bureaus[place.city_code]


def _certificate_until(established: datetime.date, today: datetime.date) -> datetime.date:
    year = established.year
    while year <= today.year:
        year += 5
    return datetime.date(year, established.month, min(established.day, 28))


def make_organizations(world: World, existing_usccs: set[str]) -> Organizations:
    """The organizations, and for each: its annual inspections, maybe an evaluation grade, maybe a listing."""
    rng = world.rng("organizations")
    side = world.rng("organization-records")
    table = world.writer.table(Organization)
    inspections = world.writer.table(AnnualInspection)
    ratings = world.writer.table(Rating)
    listings = world.writer.table(CreditListing)
    orgs = Organizations(first_id=table.next_pk)
    codes, cumulative = _location_weights(world)
    count = world.profile.organizations
    entities = rng.sample(range(1_000_000), count)
    first_year = datetime.date(world.years[0], 1, 1)
    # Enough providers for about three contracts each over the five years.
    provider_share = min(0.9, world.profile.contracts / 3 / (count * 0.8))
    used_names: set[str] = set()
    type_names = [t for t, _ in TYPES]
    type_cumulative = list(itertools.accumulate(share for _, share in TYPES))
    for entity in entities:
        location = codes[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
        org_type = type_names[bisect.bisect_left(type_cumulative, rng.random() * type_cumulative[-1])]
        authority = _authority(world, rng, org_type, location)
        authority_region = world.departments[authority].region
        category = Organization.TYPE_CATEGORY_DIGIT[org_type]
        uscc = make_uscc(category, authority_region, f"MJ{entity:06d}")
        while uscc in existing_usccs:
            entity = (entity + 1) % 1_000_000
            uscc = make_uscc(category, authority_region, f"MJ{entity:06d}")
        name, scope, bounds, supervisor = _name(world, rng, org_type, location, used_names)
        established = world.day_between(rng, datetime.date(2000, 1, 1), datetime.date(world.today.year - 1, 12, 31))
        provider = established < first_year and rng.random() < provider_share
        status, changed_on, reason = Organization.Status.NORMAL, None, ""
        if not provider:
            roll = rng.random()
            if roll < 0.045:
                status = Organization.Status.DEREGISTERED if roll < 0.03 else Organization.Status.REVOKED
                changed_on = world.day_between(
                    rng, max(established + datetime.timedelta(days=400), first_year), world.today
                )
                reason = rng.choice(STATUS_REASONS[status])
        created_at = world.moment(rng, established)
        # Drawn in the same order as before the search columns existed, so a seed gives the same rows.
        legal_representative = world.person(rng)
        registered_funds = _funds(rng, bounds)
        values = dict(
            name=name,
            uscc=uscc,
            legal_representative=legal_representative,
            domicile=f"{world.full_name(location)}{rng.choice(make_samples.STREETS)}{rng.randrange(1, 300)}号",
            supervisory_unit=supervisor,
            business_scope=scope,
        )
        pk = table.add(
            **values,
            **Organization.search_columns(values),
            org_type=org_type,
            registration_authority_id=authority,
            registered_funds=registered_funds,
            established_on=established,
            region_id=world.places[location].id,
            region_code=world.places[location].code,
            contact_phone=world.phone(rng, location),
            contact_email=f"org{uscc[-7:].lower()}@example.cn",
            certificate_valid_until=_certificate_until(established, world.today),
            status=status,
            status_changed_on=changed_on,
            status_reason=reason,
            created_at=created_at,
            updated_at=world.moment(rng, changed_on) if changed_on else created_at,
        )
        orgs.location.append(location)
        orgs.authority.append(authority)
        orgs.status.append(status)
        orgs.established.append(established)
        orgs.uscc.append(uscc)
        orgs.provider.append(provider)
        listing, rating = _records(
            world, side, pk, authority, established, status, changed_on, provider, inspections, ratings, listings
        )
        if listing is not None:
            orgs.open_abnormal[pk] = listing
        if provider and rating is not None:
            orgs.ratings[pk] = rating
    return orgs


def _records(world, rng, pk, authority, established, status, changed_on, provider, inspections, ratings, listings):
    """Annual inspections, maybe a grade, maybe a listing; returns (the id of an open activity-abnormal listing, the
    grade as (grade, awarded_on, valid_until)), each None when there is none."""
    today = world.today
    for year in (today.year - 2, today.year - 1):
        decided = world.day_between(rng, datetime.date(year + 1, 4, 1), datetime.date(year + 1, 6, 30))
        if established.year >= year or decided > today or (changed_on and changed_on <= decided):
            continue
        result = rng.choices([r for r, _ in RESULT_WEIGHTS], [w for _, w in RESULT_WEIGHTS])[0]
        if provider and result == AnnualInspection.Result.FAILED:
            result = AnnualInspection.Result.BASIC
        note = "" if result == AnnualInspection.Result.PASSED else "财务管理制度不健全，已提出整改意见"
        inspections.add(organization_id=pk, year=year, result=result, decided_on=decided, note=note)
    rating = None
    earliest = max(established + datetime.timedelta(days=730), datetime.date(2016, 1, 1))
    if status == Organization.Status.NORMAL and earliest < today and rng.random() < (0.6 if provider else 0.4):
        grade = rng.choices(list(make_samples.GRADE_WEIGHTS), list(make_samples.GRADE_WEIGHTS.values()))[0]
        recent = today.replace(year=today.year - Rating.VALIDITY_YEARS) + datetime.timedelta(days=1)
        start = earliest if rng.random() < 0.3 else max(earliest, recent)
        awarded = world.day_between(rng, start, today - datetime.timedelta(days=30))
        low, high = make_samples.GRADE_SCORES[grade]
        score = Decimal(rng.randrange(low * 2, high * 2 + 1)) / 2 if rng.random() < 0.8 else None
        rating = (grade, awarded, Rating.validity_end(awarded))
        ratings.add(
            organization_id=pk,
            grade=grade,
            score=score,
            awarded_on=awarded,
            valid_until=rating[2],
            awarding_authority_id=authority,
        )
    if provider or status != Organization.Status.NORMAL:
        return None, rating
    roll = rng.random()
    if roll < 0.0105:
        serious = roll < 0.0005
        listed = world.day_between(rng, max(established, datetime.date(world.years[0], 1, 1)), today)
        removed = None
        if not serious and rng.random() < 0.4 and listed < today - datetime.timedelta(days=60):
            removed = world.day_between(rng, listed + datetime.timedelta(days=30), today)
        listing = listings.add(
            organization_id=pk,
            list_kind=CreditListing.List.SERIOUS if serious else CreditListing.List.ABNORMAL,
            reason=rng.choice(SERIOUS_REASONS if serious else ABNORMAL_REASONS),
            listed_on=listed,
            deciding_authority_id=authority,
            removed_on=removed,
            removal_reason="已改正，经申请移出活动异常名录" if removed else "",
            removed_by_id=authority if removed else None,
        )
        if not serious and removed is None:
            return listing, rating
    return None, rating
