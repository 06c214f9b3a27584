"""Reads of the registry: the public directory, one organization by its code, overdue annual reports, and purchase
eligibility (registry.eligibility, read from here)."""

from __future__ import annotations

import datetime
import functools

from django.db import connections, router
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts.permissions import is_org_member, is_registrar, is_superuser, scope_to_region
from core.byids import compiled_by_ids
from core.search import compact, rank_by, search_condition, search_words
from registry.eligibility import (  # noqa: F401  (purchase eligibility is one of the registry's reads)
    Eligibility,
    EligibilityCheck,
    organization_eligibility,
    register_eligibility_check,
)
from registry.lookups import SUGGESTIONS
from registry.models import (
    AnnualInspection,
    AnnualReport,
    CreditListing,
    Organization,
    Rating,
)
from registry.organization_records import OrganizationRecords
from registry.uscc import normalize_uscc

# The directory's order: region (code), then the pinyin of the name. Backed by the index organization_directory_order
# (registry.0008): `region_code` is the region's code kept on the row.
DIRECTORY_ORDER = ("region_code", "name_pinyin", "pk")


def _valid_ratings(organization_ref, today: datetime.date) -> QuerySet[Rating]:
    return Rating.objects.filter(organization=organization_ref, awarded_on__lte=today, valid_until__gt=today).order_by(
        "-awarded_on", "-pk"
    )


def _open_listings(organization_ref) -> QuerySet[CreditListing]:
    return CreditListing.objects.filter(organization=organization_ref, removed_on__isnull=True)


def with_current_grade(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """Add `current_grade` and `current_grade_valid_until` (the latest rating valid today, or None) to the query
    itself: for filtering or ordering by grade. A page of rows gets them from organization_facts."""
    valid = _valid_ratings(OuterRef("pk"), timezone.localdate())
    return queryset.annotate(
        current_grade=Subquery(valid.values("grade")[:1]),
        current_grade_valid_until=Subquery(valid.values("valid_until")[:1]),
    )


def on_credit_list_condition(*, serious: bool = False) -> Exists:
    """Organizations with an open listing (on the serious-violation list only, with `serious`)."""
    listings = _open_listings(OuterRef("pk"))
    if serious:
        listings = listings.filter(list_kind=CreditListing.List.SERIOUS)
    return Exists(listings)


def organization_list(*, user=None) -> QuerySet[Organization]:
    """Every organization (the directory is public), ordered by region (code) then the pinyin of the name
    (DIRECTORY_ORDER, one index), with `user_can_manage` (the given user is a registrar whose region covers the
    organization, or a superuser).

    What a directory row shows besides its own columns (grade, listings) is read for the rows shown only:
    organization_facts, called by the directory's table, the API's page and the export's chunks. No subquery runs
    per row of the whole list.
    """
    if user is not None and is_superuser(user):
        can_manage = Value(True)
    elif user is not None and is_registrar(user):
        can_manage = Case(
            When(region__path__startswith=user.department.region.path, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    else:
        can_manage = Value(False)
    return (
        Organization.objects.select_related("region", "registration_authority")
        .annotate(user_can_manage=can_manage)
        .order_by(*DIRECTORY_ORDER)
    )


def organization_facts(organizations: list[Organization]) -> list[Organization]:
    """Set `current_grade`, `current_grade_valid_until` (the latest rating valid today, or None), `on_credit_list`
    (an open listing) and `on_serious_list` (an open serious-violation listing) on each of `organizations` (a page
    of rows): one query, scoped to their ids."""
    ids = sorted({organization.pk for organization in organizations})
    if not ids:
        return organizations
    today = timezone.localdate()
    if connections[router.db_for_read(Organization)].vendor == "postgresql":
        facts = _organization_facts_lateral(ids, today)
    else:
        facts = _organization_facts_queried(ids, today)
    for organization in organizations:
        grade, valid_until, listed, serious = facts.get(organization.pk, (None, None, False, False))
        organization.current_grade = grade
        organization.current_grade_valid_until = valid_until
        organization.on_credit_list = bool(listed)
        organization.on_serious_list = bool(serious)
    return organizations


def _organization_facts_queried(ids: list[int], today: datetime.date) -> dict[int, tuple]:
    """organization_facts' figures by the ORM: a subquery per figure and row, compiled once per day and number of
    ids (`compiled_by_ids`)."""

    def facts_of(ids):
        valid = _valid_ratings(OuterRef("pk"), today)
        return (
            Organization.objects.filter(pk__in=ids)
            .order_by()
            .annotate(
                grade=Subquery(valid.values("grade")[:1]),
                grade_valid_until=Subquery(valid.values("valid_until")[:1]),
                listed=on_credit_list_condition(),
                listed_serious=on_credit_list_condition(serious=True),
            )
            .values("pk", "grade", "grade_valid_until", "listed", "listed_serious")
        )

    rows = compiled_by_ids(Organization, ("organization_facts",), (today,), facts_of, ids)
    return {row["pk"]: (row["grade"], row["grade_valid_until"], row["listed"], row["listed_serious"]) for row in rows}


# PostgreSQL: the same figures as _organization_facts_queried, each row joined LATERALly to its latest valid rating
# (the `_valid_ratings` order) and to its open listings (`on_credit_list_condition`), instead of four correlated
# subqueries: planned in a quarter of the time and run in a quarter (50 rows of the province: 0.3 + 0.2 ms against
# 1.3 + 0.8 ms). One text for any number of ids (`= ANY(%(ids)s)`).
_FACTS_LATERAL = """
SELECT o.id, rating.grade, rating.valid_until, listing.listed, listing.serious
FROM {organization} o
LEFT JOIN LATERAL (
    SELECT r.grade, r.valid_until FROM {rating} r
    WHERE r.organization_id = o.id AND r.awarded_on <= %(today)s AND r.valid_until > %(today)s
    ORDER BY r.awarded_on DESC, r.id DESC LIMIT 1
) rating ON true
LEFT JOIN LATERAL (
    SELECT true AS listed, bool_or(l.list_kind = %(serious)s) AS serious FROM {listing} l
    WHERE l.organization_id = o.id AND l.removed_on IS NULL
    HAVING count(*) > 0
) listing ON true
WHERE o.id = ANY(%(ids)s)
"""


@functools.cache
def _facts_lateral_sql() -> str:
    return _FACTS_LATERAL.format(
        organization=Organization._meta.db_table, rating=Rating._meta.db_table, listing=CreditListing._meta.db_table
    )


def _organization_facts_lateral(ids: list[int], today: datetime.date) -> dict[int, tuple]:
    connection = connections[router.db_for_read(Organization)]
    with connection.cursor() as cursor:
        cursor.execute(
            _facts_lateral_sql(), {"today": today, "serious": CreditListing.List.SERIOUS.value, "ids": list(ids)}
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def organizations_named(name: str, *, exclude: Organization | None = None) -> list[Organization]:
    """Other organizations registered under exactly this name (a duplicate is a warning, never a refusal: two
    registration authorities may have registered the same name)."""
    queryset = Organization.objects.filter(name=name).select_related("region").order_by("uscc")
    if exclude is not None and exclude.pk:
        queryset = queryset.exclude(pk=exclude.pk)
    return list(queryset[:5])


def organization_get(*, uscc: str, facts: bool = True) -> Organization:
    """The organization with this code (spaces, full-width forms and lower case are accepted), with the facts of
    organization_facts (unless `facts` is False: for a reader that has the records themselves) and its region's
    parents up to the country (what `Region.full_name` reads: the page names the region with its city and province);
    raises Organization.DoesNotExist."""
    queryset = organization_list().select_related("region__parent__parent__parent")
    organization = queryset.get(uscc=normalize_uscc(uscc))
    return organization_facts([organization])[0] if facts else organization


# ---- search ----------------------------------------------------------------------------------------------------


def organization_by_code(query: str) -> Organization | None:
    """The organization whose 统一社会信用代码 the query is (spaces, full-width forms and lower case accepted)."""
    code = compact(query)
    if len(code) != 18:
        return None
    return Organization.objects.filter(uscc=code).first()


def organization_search(query: str) -> QuerySet[Organization]:
    """Organizations whose name, code, legal representative, address, supervisory unit or business scope contain
    every word of the query (in any order), or whose name's pinyin or initials do (core/search.py).

    Exact matches of the whole query on the name or the code come first, then names starting with the first word,
    then the rest by pinyin. The directory is public: every organization may be found.
    """
    words = search_words(query)
    if not words:
        return Organization.objects.none()
    return (
        Organization.objects.filter(search_condition(words, tokens_field="search_tokens"))
        .select_related("region__parent")
        .annotate(rank=rank_by(organization_search_tiers(query)))
        .order_by("rank", "name_pinyin", "pk")
    )


def organization_search_tiers(query: str) -> list[Q]:
    """How organization_search ranks its hits: the exact name or code, then names starting with the first word."""
    words = search_words(query)
    return [Q(name=query.strip()) | Q(uscc=compact(query)), Q(name__startswith=words[0])] if words else []


def organization_suggestions(text: str, *, limit: int = SUGGESTIONS) -> list[Organization]:
    """What a type-ahead offers for `text`: the organizations /search/ would find (name, code, pinyin, initials),
    exact matches first."""
    if not search_words(text):
        return []
    return list(organization_search(text).only("pk", "name", "uscc", "region")[:limit])


def organization_find(text: str) -> tuple[Organization | None, list[Organization]]:
    """The one organization `text` names (a code, a suggestion's "名称（代码）", the exact name, or a search with one
    result), or None with the candidates when the text names several."""
    text = (text or "").strip()
    if not text:
        return None, []
    code = normalize_uscc(text.rsplit("（", 1)[-1].rsplit("(", 1)[-1].rstrip("）)"))
    if len(code) == 18:
        found = Organization.objects.filter(uscc=code).first()
        if found is not None:
            return found, []
    exact = list(Organization.objects.filter(name=text)[:2])
    if len(exact) == 1:
        return exact[0], []
    candidates = organization_suggestions(text, limit=6)
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


# --- annual work reports ---------------------------------------------------------------------------------------------


def annual_report_overdue_year(on: datetime.date | None = None) -> int:
    """The latest year whose report is overdue on `on`: last year's after 31 May, else the year before."""
    on = on or timezone.localdate()
    return on.year - 1 if on > AnnualReport.due_on(on.year - 1) else on.year - 2


def annual_year_on_record(year: int) -> Q:
    """Organizations with an annual work report or an annual inspection for `year`, read from the two latest years on
    record that the database keeps on each organization (Organization.annual_year_latest, annual_year_previous); only
    an organization with two later years on record is looked up in the records themselves."""
    return (
        Q(annual_year_latest=year)
        | Q(annual_year_previous=year)
        | (
            Q(annual_year_previous__gt=year)
            & (
                Exists(AnnualReport.objects.filter(organization=OuterRef("pk"), year=year))
                | Exists(AnnualInspection.objects.filter(organization=OuterRef("pk"), year=year))
            )
        )
    )


def annual_year_missing(year: int) -> Q:
    """Organizations with neither an annual work report nor an annual inspection for `year`: the negation of
    `annual_year_on_record`, written as ranges of the latest year on record. The two years are distinct and the
    previous one is the lower (or None with the latest), so nothing on record, or a latest year before `year`, is
    missing it outright, a latest year of `year` is not, and only a latest year after it asks the rest. The ranges are
    what the index of a bureau's organizations by that year (organization_authority_filed) finds without reading the
    bureau's other organizations."""
    return (
        Q(annual_year_latest__isnull=True)
        | Q(annual_year_latest__lt=year)
        | (Q(annual_year_latest__gt=year) & ~annual_year_on_record(year))
    )


def annual_report_overdue(*, on: datetime.date | None = None) -> QuerySet[Organization]:
    """Organizations whose annual work report for annual_report_overdue_year(on) is overdue: registered (正常) and
    established before that year ended, with neither a report nor an annual inspection recorded for that year.
    Annotated with `overdue_year` and `due_on`."""
    year = annual_report_overdue_year(on)
    return (
        Organization.objects.filter(status=Organization.Status.NORMAL, established_on__lte=datetime.date(year, 12, 31))
        .filter(annual_year_missing(year))
        .annotate(overdue_year=Value(year), due_on=Value(AnnualReport.due_on(year)))
        .select_related("region", "registration_authority")
        .order_by("name", "pk")
    )


def organization_report_overdue_year(records: OrganizationRecords, *, on: datetime.date | None = None) -> int | None:
    """The year whose annual work report `records.organization` has overdue on `on` (what annual_report_overdue finds,
    for one organization, from the records its page already holds), or None."""
    year = annual_report_overdue_year(on)
    organization = records.organization
    if organization.status != Organization.Status.NORMAL:
        return None
    if organization.established_on is None or organization.established_on > datetime.date(year, 12, 31):
        return None
    return None if year in records.annual_years else year


def annual_report_overdue_for(user, *, on: datetime.date | None = None) -> QuerySet[Organization]:
    """The overdue reports a user is to act on (to-do lists): a member's own organization; the organizations in a
    registrar's region; every one for a superuser; none for anyone else."""
    overdue = annual_report_overdue(on=on)
    if is_superuser(user):
        return overdue
    if is_registrar(user):
        return scope_to_region(overdue, user)
    if is_org_member(user):
        return overdue.filter(pk=user.organization_id)
    return overdue.none()


def annual_reports_to_review_for(user) -> QuerySet[AnnualReport]:
    """Submitted reports awaiting the review of a registrar whose region covers the organization (all for a
    superuser), oldest first."""
    reports = AnnualReport.objects.filter(status=AnnualReport.Status.SUBMITTED).select_related(
        "organization__region", "organization__registration_authority"
    )
    if is_superuser(user):
        return reports.order_by("submitted_on", "pk")
    if is_registrar(user):
        return scope_to_region(reports, user, "organization__region").order_by("submitted_on", "pk")
    return reports.none()
