"""A page's figures read by a query compiled once (core.byids.compiled_by_ids): the same rows as the queryset's own,
for other ids of the same number, with what was written since, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from contracts.selectors import _contract_figures, contract_facts
from core.byids import compiled_by_ids
from registry.models import Organization, Region
from registry.selectors import organization_facts
from tests.factories import (
    CreditListingFactory,
    DeliverableFactory,
    OrganizationFactory,
    PaymentFactory,
    RatingFactory,
    SignedContractFactory,
)

pytestmark = pytest.mark.django_db


def _ratings(ids):
    from registry.models import Rating

    latest = Rating.objects.filter(organization=OuterRef("pk")).order_by("-awarded_on", "-pk")
    return (
        Organization.objects.filter(pk__in=ids)
        .annotate(grade=Subquery(latest.values("grade")[:1]), rating_count=Count("ratings"))
        .values("pk", "grade", "rating_count", "established_on")
    )


def _sorted(rows):
    return sorted(rows, key=lambda row: row["pk"])


def test_the_rows_are_the_querysets_own_for_every_set_of_ids_of_one_size():
    organizations = OrganizationFactory.create_batch(5)
    RatingFactory(organization=organizations[0])
    RatingFactory(organization=organizations[3], grade="3A")
    ids = [organization.pk for organization in organizations]
    for chosen in ([ids[0], ids[1]], [ids[2], ids[3]], [ids[4], ids[0]], [ids[3], ids[1]]):
        found = compiled_by_ids(Organization, ("test-ratings",), (), _ratings, sorted(chosen))
        assert _sorted(found) == _sorted(_ratings(chosen))
        assert {row["pk"] for row in found} == set(chosen)
    # Dates come back as dates (the compiler's converters), counts as integers.
    row = compiled_by_ids(Organization, ("test-ratings",), (), _ratings, [ids[0]])[0]
    assert isinstance(row["established_on"], datetime.date)
    assert row["rating_count"] == 1


def test_the_query_is_compiled_once_and_reads_what_was_written_since():
    organizations = OrganizationFactory.create_batch(2)
    ids = sorted(organization.pk for organization in organizations)
    assert [row["grade"] for row in compiled_by_ids(Organization, ("test-w",), (), _ratings, ids)] == [None, None]

    built = []

    def counting(ids):
        built.append(ids)
        return _ratings(ids)

    RatingFactory(organization=organizations[1], grade="5A")
    with CaptureQueriesContext(connection) as queries:
        found = compiled_by_ids(Organization, ("test-w",), (), counting, ids)
    assert built == []  # not built again: the kept SQL ran with these ids
    assert len(queries) == 1
    assert {row["pk"]: row["grade"] for row in found} == {organizations[0].pk: None, organizations[1].pk: "5A"}

    compiled_by_ids(Organization, ("test-w",), ("another key",), counting, ids)
    assert len(built) == 1  # another key, compiled anew


def test_ids_that_are_not_integers_take_the_querysets_way():
    regions = list(Region.objects.order_by("pk")[:2])

    def codes(ids):
        return Region.objects.filter(pk__in=ids).values("pk", "code")

    found = compiled_by_ids(Region, ("test-str",), (), codes, [str(region.pk) for region in regions])
    assert _sorted(found) == _sorted(codes([region.pk for region in regions]))


def test_organization_facts_on_pages_of_the_same_size():
    today = datetime.date.today()
    plain, graded, listed, serious = OrganizationFactory.create_batch(4)
    RatingFactory(organization=graded, grade="4A", awarded_on=today - datetime.timedelta(days=30))
    CreditListingFactory(organization=listed)
    CreditListingFactory(organization=serious, list_kind="serious")

    def facts(*organizations):
        fresh = [Organization.objects.get(pk=organization.pk) for organization in organizations]
        return {
            organization.pk: (
                organization.current_grade,
                organization.on_credit_list,
                organization.on_serious_list,
            )
            for organization in organization_facts(fresh)
        }

    assert facts(plain, graded) == {plain.pk: (None, False, False), graded.pk: ("4A", False, False)}
    assert facts(listed, serious) == {listed.pk: (None, True, False), serious.pk: (None, True, True)}
    CreditListingFactory(organization=plain, list_kind="serious")
    assert facts(plain, graded)[plain.pk] == (None, True, True)  # written since: shown by the kept query


def test_contract_facts_on_pages_of_the_same_size():
    first, second = SignedContractFactory.create_batch(2, status=Contract.Status.PERFORMING)
    DeliverableFactory(contract=first, due_on=datetime.date(2020, 1, 1))
    PaymentFactory(contract=second, amount=Decimal("300.00"))

    def facts(*contracts):
        fresh = [Contract.objects.get(pk=contract.pk) for contract in contracts]
        return {contract.pk: (contract.overdue_count, contract.paid_amount) for contract in contract_facts(fresh)}

    expected = {
        row["pk"]: (row["overdue_count"], row["paid_amount"])
        for row in Contract.objects.filter(pk__in=[first.pk, second.pk])
        .annotate(**_contract_figures())
        .values("pk", "overdue_count", "paid_amount")
    }
    assert facts(first, second) == expected == {first.pk: (1, Decimal("0")), second.pk: (0, Decimal("300.00"))}
    PaymentFactory(contract=first, amount=Decimal("20.50"))
    assert facts(first, second)[first.pk] == (1, Decimal("20.50"))


def test_the_organizations_figures_on_postgresql_are_the_orms():
    """registry.selectors: the LATERAL query PostgreSQL runs gives what the ORM's subqueries give, on ratings
    expired, not yet awarded, valid twice (the later one wins, then the higher id) and listings open, removed and
    serious."""
    from registry.selectors import _organization_facts_lateral, _organization_facts_queried

    today = datetime.date.today()
    day = datetime.timedelta(days=1)
    none, expired, future, twice, same_day, listed, removed, serious = OrganizationFactory.create_batch(8)
    RatingFactory(organization=expired, awarded_on=today - 2000 * day, valid_until=today - day)
    RatingFactory(organization=expired, awarded_on=today - 3000 * day, valid_until=today)  # ends today: not valid
    RatingFactory(organization=future, awarded_on=today + day, valid_until=today + 900 * day)
    RatingFactory(organization=twice, grade="3A", awarded_on=today - 20 * day, valid_until=today + 10 * day)
    RatingFactory(organization=twice, grade="5A", awarded_on=today - 10 * day, valid_until=today + 5 * day)
    RatingFactory(organization=same_day, grade="2A", awarded_on=today - 5 * day, valid_until=today + 5 * day)
    RatingFactory(organization=same_day, grade="4A", awarded_on=today - 5 * day, valid_until=today + 9 * day)
    CreditListingFactory(organization=listed)
    CreditListingFactory(organization=listed, list_kind="serious", removed_on=today - day)
    CreditListingFactory(organization=removed, removed_on=today - day)
    CreditListingFactory(organization=serious)
    CreditListingFactory(organization=serious, list_kind="serious")
    ids = sorted(o.pk for o in (none, expired, future, twice, same_day, listed, removed, serious))

    queried = _organization_facts_queried(ids, today)
    assert queried[twice.pk][:2] == ("5A", today + 5 * day)
    assert queried[same_day.pk][0] == "4A"
    assert {pk for pk, row in queried.items() if row[0]} == {twice.pk, same_day.pk}
    assert {pk for pk, row in queried.items() if row[2]} == {listed.pk, serious.pk}
    assert {pk for pk, row in queried.items() if row[3]} == {serious.pk}
    fresh = organization_facts(list(Organization.objects.filter(pk__in=ids)))
    assert {
        o.pk: (o.current_grade, o.current_grade_valid_until, o.on_credit_list, o.on_serious_list) for o in fresh
    } == {pk: (row[0], row[1], bool(row[2]), bool(row[3])) for pk, row in queried.items()}
    if connection.vendor == "postgresql":
        lateral = _organization_facts_lateral(ids, today)
        assert {pk: (row[0], row[1], bool(row[2]), bool(row[3])) for pk, row in lateral.items()} == {
            pk: (row[0], row[1], bool(row[2]), bool(row[3])) for pk, row in queried.items()
        }
