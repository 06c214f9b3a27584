"""Inner Mongolia demo data for the registry: departments, demo users of every role, and about sixty organizations
across the autonomous region's twelve leagues and cities with their inspections, ratings, credit listings and
administrative penalties.

The data live in fixtures/demo/registry_*.json (departments, users, organizations with their records, telephone area
codes); this module builds them. Every function is idempotent: it looks rows up by their natural keys and creates
only what is missing.

Organizations are registered through registry.services, so every row has its history (who registered it, when, and
why a listing or status changed) exactly as if registrars had keyed it in. The acting registrar is the demo registrar
whose department is the registering bureau, or else the one whose region covers it most closely (registrar_nm for the
leagues and cities without a demo registrar of their own); the bureau itself is named explicitly as the deciding
authority.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from registry import services
from registry.models import AnnualInspection, Department, Organization, Penalty, Region
from registry.uscc import make_uscc

DEMO_PASSWORD = "qiyue-demo-2026"
DATA = Path(settings.BASE_DIR) / "fixtures" / "demo"

# The third-party organization whose staff serve in the evaluator pool (第三方评估机构).
EVALUATION_ORGANIZATION = "内蒙古社会组织评估中心"

# Annual inspections are recorded for these years: 合格, decided on 28 June of the following year, unless an
# organization's "inspections" entry says otherwise (a result of null: the report was never filed).
INSPECTION_YEARS = (2023, 2024, 2025)
# Years inspected through the annual work report (filed by the organization, reviewed by the bureau).
REPORT_YEARS = (2024, 2025)


@functools.cache
def data(name: str) -> Any:
    """The demo table fixtures/demo/registry_<name>.json."""
    with (DATA / f"registry_{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def seed_departments() -> dict[str, Department]:
    """The civil-affairs bureaus and purchasing departments (registry_departments.json), by department code."""
    rows = data("departments")
    regions = {region.code: region for region in Region.objects.filter(code__in={row["region"] for row in rows})}
    missing = {row["region"] for row in rows} - set(regions)
    if missing:
        raise RuntimeError(f"regions {sorted(missing)} are missing: run `manage.py load_regions` first")
    departments = {}
    for row in rows:
        region = regions[row["region"]]
        department = Department.objects.filter(code=row["code"]).first()
        if department is None and row["kind"] == Department.Kind.CIVIL_AFFAIRS:
            # `load_regions` created the region's registration authority already: the demo's bureau is that one,
            # under the demo's name and code.
            department = region.departments.filter(kind=Department.Kind.CIVIL_AFFAIRS).order_by("pk").first()
            if department is not None:
                department.name, department.code = row["name"], row["code"]
                department.full_clean()
                department.save()
        if department is None:
            department = Department.objects.create(code=row["code"], name=row["name"], region=region, kind=row["kind"])
        if not department.uscc:
            # A government body's code (机构编制 1, 机关 1) and its public contact for purchase questions.
            department.uscc = make_uscc("1", region.code, f"{_digest(row['name']) % 100_000_000:08d}", authority="1")
            department.contact_name = f"{row['name']}办公室"
            department.contact_phone = (
                f"{data('area_codes').get(row['region'][:4], '0471')}-{6_000_000 + _digest(row['code']) % 1_000_000}"
            )
            department.save(update_fields=["uscc", "contact_name", "contact_phone"])
        departments[row["code"]] = department
    return departments


def ensure_user(username: str, **fields):
    """Create the demo user with the demo password if missing; leave an existing one as it is."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **fields)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    return user


def seed_users(departments: dict[str, Department]) -> None:
    """The superuser, the officials of registry_users.json and the evaluator."""
    ensure_user("admin", display_name="系统管理员", is_staff=True, is_superuser=True, email="admin@example.cn")
    for official in data("users")["officials"]:
        ensure_user(
            official["username"],
            display_name=official["display_name"],
            department=departments[official["department"]],
            **official["roles"],
        )
    ensure_user("evaluator", display_name="陈晓明", is_evaluator=True, email="evaluator@example.cn")


# --- Organizations -------------------------------------------------------------------------------------------------


def _digest(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


def demo_uscc(spec: dict, authority: Department) -> str:
    """A valid code derived from the name: civil affairs, the type's category, the bureau's region, MJ + 6 digits."""
    entity = f"MJ{_digest(spec['name']) % 1_000_000:06d}"
    return make_uscc(Organization.TYPE_CATEGORY_DIGIT[spec["org_type"]], authority.region.code, entity)


def _contact_phone(spec: dict) -> str:
    """A telephone number in the area code of the organization's league or city (registry_area_codes.json)."""
    area = data("area_codes").get(spec["region"][:4], "0471")
    return f"{area}-{6_000_000 + _digest(spec['name'] + '电话') % 3_000_000}"


def _certificate_valid_until(established_on: datetime.date) -> datetime.date:
    """Certificates run in five-year terms from establishment; the term in force at the end of 2026."""
    year = established_on.year
    while year <= 2026:
        year += 5
    return datetime.date(year, established_on.month, min(established_on.day, 28))


def _registrar_for(authority: Department, registrars: list) -> Any:
    """The demo registrar of `authority`, else the one whose region covers it most closely."""
    for registrar in registrars:
        if registrar.department_id == authority.pk:
            return registrar
    covering = [registrar for registrar in registrars if registrar.department.region.covers(authority.region)]
    if not covering:
        raise RuntimeError(f"no demo registrar covers {authority.name}")
    return max(covering, key=lambda registrar: len(registrar.department.region.path))


def _register(spec: dict, departments: dict[str, Department], regions: dict[str, Region], actor) -> Organization:
    authority = departments[spec["authority"]]
    uscc = demo_uscc(spec, authority)
    organization = Organization.objects.filter(uscc=uscc).first()
    if organization is not None:
        return organization
    established_on = _day(spec["established_on"])
    # An organization that changed its name is registered under its first name and renamed, oldest change first.
    former_names = spec.get("former_names", [])
    names = [former["name"] for former in former_names] + [spec["name"]]
    organization = services.organization_register(
        actor=actor,
        name=names[0],
        uscc=uscc,
        org_type=spec["org_type"],
        region=regions[spec["region"]],
        registration_authority=authority,
        supervisory_unit=spec["supervisory_unit"],
        legal_representative=spec["legal_representative"],
        registered_funds=Decimal(spec["registered_funds"]),
        established_on=established_on,
        domicile=spec["domicile"],
        business_scope=spec["business_scope"],
        contact_phone=_contact_phone(spec),
        contact_email=f"nm{uscc[-7:].lower()}@example.cn",
        certificate_valid_until=_certificate_valid_until(established_on),
    )
    for former, new_name in zip(former_names, names[1:], strict=True):
        services.organization_rename(
            actor=actor, organization=organization, name=new_name, changed_on=_day(former["changed_on"])
        )
    return organization


def _report_figures(spec: dict, year: int) -> dict:
    """Plausible key figures of an organization's annual work report, the same on every run."""
    seed = _digest(f"{spec['name']}{year}")
    income = Decimal(200_000 + seed % 2_800_000).quantize(Decimal("1000"))
    share = Decimal(seed // 7 % 61) / 100  # 0-60 % of the income from government purchase of services
    return {
        "income": income,
        "expenditure": (income * Decimal(80 + seed // 11 % 25) / 100).quantize(Decimal("0.01")),
        "government_purchase_income": (income * share).quantize(Decimal("0.01")),
        "net_assets": Decimal(50_000 + seed // 13 % 900_000).quantize(Decimal("100")),
        "staff_count": 3 + seed // 17 % 38,
        "volunteer_count": 10 + seed // 19 % 290,
        "activity_count": 6 + seed // 23 % 115,
        "summary": f"{year}年度围绕章程规定的业务范围开展服务活动，按期完成理事会确定的年度工作计划。",
    }


def _seed_inspections(organization: Organization, spec: dict, actor) -> None:
    """Annual inspections of INSPECTION_YEARS. For REPORT_YEARS they are made as most provinces make them now: the
    organization files its annual work report in spring and the bureau's review records the result; a few 2025
    reports still await review. A result of null: the report was never filed (overdue in the to-do lists)."""
    recorded = set(organization.inspections.values_list("year", flat=True))
    reports = {report.year: report for report in organization.annual_reports.all()}
    for year in INSPECTION_YEARS:
        if year in recorded or year < organization.established_on.year:
            continue
        entry = spec.get("inspections", {}).get(str(year), {"result": AnnualInspection.Result.PASSED})
        if entry["result"] is None:
            continue
        decided_on = _day(entry.get("decided_on")) or datetime.date(year + 1, 6, 28)
        if year not in REPORT_YEARS:
            services.inspection_record(
                actor=actor,
                organization=organization,
                year=year,
                result=entry["result"],
                decided_on=decided_on,
                note=entry.get("note", ""),
            )
            continue
        report = reports.get(year) or services.annual_report_submit(
            actor=actor,
            organization=organization,
            year=year,
            submitted_on=datetime.date(year + 1, 3 + _digest(spec["name"]) % 3, 1 + _digest(spec["name"]) % 28),
            **_report_figures(spec, year),
        )
        if year == REPORT_YEARS[-1] and _digest(spec["name"]) % 9 == 0 and entry["result"] == "passed":
            continue  # awaiting the bureau's review
        services.annual_report_review(
            actor=actor, report=report, result=entry["result"], comments=entry.get("note", ""), reviewed_on=decided_on
        )


def _seed_rating(organization: Organization, spec: dict, actor) -> None:
    """The organization's evaluation grade, awarded by its registering bureau."""
    rating = spec.get("rating")
    if rating is None:
        return
    awarded_on = _day(rating["awarded_on"])
    if organization.ratings.filter(grade=rating["grade"], awarded_on=awarded_on).exists():
        return
    services.rating_award(
        actor=actor,
        organization=organization,
        grade=rating["grade"],
        awarded_on=awarded_on,
        score=Decimal(rating["score"]),
        awarding_authority=organization.registration_authority,
    )


def _seed_listings(organization: Organization, spec: dict, actor) -> None:
    """The organization's credit listings (and removals), decided by its registering bureau."""
    for entry in spec.get("credit_listings", ()):
        listed_on, removed_on = _day(entry["listed_on"]), _day(entry.get("removed_on"))
        listing = organization.credit_listings.filter(list_kind=entry["list_kind"], listed_on=listed_on).first()
        if listing is None:
            listing = services.credit_listing_add(
                actor=actor,
                organization=organization,
                list_kind=entry["list_kind"],
                reason=entry["reason"],
                listed_on=listed_on,
                deciding_authority=organization.registration_authority,
            )
        if removed_on is not None and listing.is_open:
            services.credit_listing_remove(
                actor=actor,
                listing=listing,
                removed_on=removed_on,
                reason=entry["removal_reason"],
                removed_by=organization.registration_authority,
            )


def _seed_status(organization: Organization, spec: dict, actor) -> None:
    change = spec.get("status_change")
    if change is not None and organization.status != change["status"]:
        services.organization_change_status(
            actor=actor,
            organization=organization,
            status=change["status"],
            changed_on=_day(change["changed_on"]),
            reason=change["reason"],
        )


def seed_organizations(departments: dict[str, Department]) -> dict[str, Organization]:
    """Register the demo organizations (registry_organizations.json) with their inspections, ratings, credit
    listings and status changes."""
    specs = data("organizations")
    officials = [official["username"] for official in data("users")["officials"]]
    registrars = list(
        get_user_model().objects.filter(is_registrar=True, username__in=officials).select_related("department__region")
    )
    regions = {region.code: region for region in Region.objects.filter(code__in={spec["region"] for spec in specs})}
    organizations = {}
    for spec in specs:
        actor = _registrar_for(departments[spec["authority"]], registrars)
        organization = _register(spec, departments, regions, actor)
        _seed_inspections(organization, spec, actor)
        _seed_rating(organization, spec, actor)
        _seed_listings(organization, spec, actor)
        _seed_status(organization, spec, actor)
        organizations[spec["name"]] = organization
    seed_penalties(organizations, registrars)
    return organizations


def seed_penalties(organizations: dict[str, Organization], registrars: list) -> None:
    """The administrative penalties of registry_penalties.json, decided by each organization's registering bureau
    (and fulfilled or annulled where the entry says so)."""
    for entry in data("penalties"):
        organization = organizations[entry["organization"]]
        authority = organization.registration_authority
        if Penalty.objects.filter(authority=authority, decision_number=entry["decision_number"]).exists():
            continue
        actor = _registrar_for(authority, registrars)
        penalty = services.penalty_record(
            actor=actor,
            organization=organization,
            decision_number=entry["decision_number"],
            decided_on=_day(entry["decided_on"]),
            kind=entry["kind"],
            amount=Decimal(entry["amount"]) if entry.get("amount") else None,
            facts=entry["facts"],
            legal_basis=entry["legal_basis"],
            authority=authority,
        )
        if entry.get("status"):
            services.penalty_change_status(
                actor=actor,
                penalty=penalty,
                status=entry["status"],
                changed_on=_day(entry["status_changed_on"]),
                reason=entry["status_reason"],
            )


def seed_members(organizations: dict[str, Organization]) -> None:
    """Demo users who are staff of an organization (they keep its contact data and see its contracts)."""
    for member in data("users")["members"]:
        ensure_user(
            member["username"],
            display_name=member["display_name"],
            organization=organizations[member["organization"]],
            email=f"{member['username']}@example.cn",
        )
