"""Records and figures read by a page's ids with SQL compiled once (core.byids): the same records, related records
and counts as Django's own reading, for other ids of the same number, with what was written since; querysets whose
records cannot be read so are left to their own reading; and keyset pages read through it."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, F, Value
from django.db.models.functions import Concat
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from core.byids import by_ids_shape, count_by, records_by_ids, related_by_ids
from core.paging import KeysetPaginator
from registry.models import Organization, Rating
from supervision.models import Inspection
from tests.factories import InspectionFactory, OrganizationFactory, RatingFactory, RegistrarFactory

pytestmark = pytest.mark.django_db


def _compilations():
    """A patch of SQLCompiler.as_sql counting its calls (`.call_count`)."""
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def _fields(record, names):
    return {name: getattr(record, name) for name in names}


def test_records_are_the_querysets_own_with_their_relations_and_deferred_columns():
    organizations = OrganizationFactory.create_batch(4)
    queryset = Organization.objects.select_related("region__parent", "registration_authority").defer("domicile")
    names = ("pk", "name", "uscc", "region_id", "established_on", "registered_funds")
    for chosen in (organizations[:2], organizations[2:], [organizations[3], organizations[0]]):
        ids = [organization.pk for organization in chosen]
        found = records_by_ids(queryset, ids)
        expected = {record.pk: record for record in queryset.filter(pk__in=ids)}
        assert {record.pk for record in found} == set(ids)
        with CaptureQueriesContext(connection) as reads:
            for record in found:
                own = expected[record.pk]
                assert _fields(record, names) == _fields(own, names)
                assert record.region == own.region and record.region.parent == own.region.parent
                assert record.registration_authority.name == own.registration_authority.name
                assert record.get_deferred_fields() == own.get_deferred_fields() == {"domicile"}
                assert record._state.adding is False and record._state.db == "default"
        assert len(reads) == 0  # the relations came with the records


def test_records_are_compiled_once_and_read_what_was_written_since():
    first, second, third = OrganizationFactory.create_batch(3)
    queryset = Organization.objects.select_related("region").only("name", "region__name")
    records_by_ids(queryset, [first.pk, second.pk])
    Organization.objects.filter(pk=third.pk).update(name="后来改的名称")
    with _compilations() as compiled, CaptureQueriesContext(connection) as reads:
        found = records_by_ids(queryset, [third.pk, first.pk])
    assert compiled.call_count == 0 and len(reads) == 1
    assert {record.pk: record.name for record in found} == {first.pk: first.name, third.pk: "后来改的名称"}
    with _compilations() as compiled:
        assert [record.pk for record in records_by_ids(queryset, [second.pk])] == [second.pk]  # one id: compiled anew
    assert compiled.call_count == 1


def test_ids_of_rows_that_are_gone_are_left_out():
    kept, gone = OrganizationFactory.create_batch(2)
    gone_pk = gone.pk
    gone.delete()
    assert [record.pk for record in records_by_ids(Organization.objects.all(), [gone_pk, kept.pk])] == [kept.pk]
    assert records_by_ids(Organization.objects.all(), []) == []


@pytest.mark.parametrize(
    "queryset",
    [
        Organization.objects.values("pk", "name"),
        Organization.objects.values_list("pk", flat=True),
        Organization.objects.distinct(),
        Organization.objects.annotate(rating_count=Count("ratings")),
        Organization.objects.extra(select={"one": "1"}),
        Organization.objects.select_for_update(),
    ],
    ids=["values", "values_list", "distinct", "grouped", "extra", "locking"],
)
def test_querysets_whose_records_cannot_be_read_by_ids_are_left_to_themselves(queryset):
    organization = OrganizationFactory()
    assert by_ids_shape(queryset) is None
    assert records_by_ids(queryset, [organization.pk]) is None


def test_counts_by_a_column_are_the_grouped_counts():
    rated, twice, never = OrganizationFactory.create_batch(3)
    RatingFactory(organization=rated)
    RatingFactory.create_batch(2, organization=twice)
    ids = [rated.pk, twice.pk, never.pk]
    assert count_by(Rating, "organization_id", ids) == {rated.pk: 1, twice.pk: 2}
    RatingFactory(organization=never)
    with _compilations() as compiled:
        assert count_by(Rating, "organization_id", ids) == {rated.pk: 1, twice.pk: 2, never.pk: 1}
    assert compiled.call_count == 0
    assert count_by(Rating, "organization_id", []) == {}


def test_related_records_carry_their_fields_only_in_the_order_they_were_related():
    first, second, third = (RegistrarFactory(display_name=name) for name in ("甲", "乙", "丙"))
    inspection, other, alone = InspectionFactory.create_batch(3)
    inspection.inspectors.add(second)
    inspection.inspectors.add(first)
    other.inspectors.add(third)
    found = related_by_ids(Inspection.inspectors, [inspection.pk, other.pk, alone.pk], ("display_name", "username"))
    assert set(found) == {inspection.pk, other.pk}
    assert [(user.pk, user.display_name, user.username) for user in found[inspection.pk]] == [
        (second.pk, "乙", second.username),
        (first.pk, "甲", first.username),
    ]
    assert [str(user) for user in found[other.pk]] == [str(third)] == ["丙"]
    assert "password" in found[other.pk][0].get_deferred_fields()


def test_keyset_pages_read_their_records_by_ids_with_annotations_and_prefetches():
    organizations = OrganizationFactory.create_batch(7)
    for organization in organizations[:3]:
        RatingFactory(organization=organization)
    queryset = (
        Organization.objects.select_related("region")
        .annotate(label=Concat(F("name"), Value("·"), F("uscc")))
        .prefetch_related("ratings")
        .order_by("name_pinyin", "pk")
    )
    expected = {record.pk: (record.label, len(record.ratings.all())) for record in queryset}
    paginator = KeysetPaginator(queryset, 3)
    first = paginator.page(1)
    assert paginator.count == 7  # as the first page shows it
    with _compilations() as compiled, CaptureQueriesContext(connection) as reads:
        page = paginator.page(2, first.next_cursor)
        records = list(page.object_list)
        shown = {record.pk: (record.label, len(record.ratings.all())) for record in records}
        regions = [record.region.code for record in records]
    # The keys with the annotation, the records by their ids (SQL kept from the first page), their ratings.
    assert len(reads) == 3 and " IN (" in reads[1]["sql"] and "label" not in reads[1]["sql"]
    assert compiled.call_count == 2  # the keys query and the prefetch: not the records'
    assert shown == {pk: expected[pk] for pk in shown} and len(shown) == 3
    assert regions == [Organization.objects.get(pk=record.pk).region.code for record in records]
    assert [record.pk for record in records] == list(queryset.values_list("pk", flat=True)[3:6])
