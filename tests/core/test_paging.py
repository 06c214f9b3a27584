"""Keyset pagination (core/paging.py): every row once across pages while rows are written, any ordering (mixed
directions, NULLs, annotations), the same number of queries at any depth, and the pages and the API that use it."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paging import KeysetPaginator, decode_cursor, encode_cursor
from registry.models import Organization
from tests.factories import DepartmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("registry:organization-list")


@pytest.fixture
def department():
    return DepartmentFactory()


def make(department, count: int, **fields) -> list[Organization]:
    return OrganizationFactory.create_batch(count, registration_authority=department, **fields)


def walk_forward(paginator: KeysetPaginator, between=None) -> list[int]:
    """Every page from the first, following the next cursors; `between(step)` runs before each next page."""
    page = paginator.page(1)
    seen = [record.pk for record in page.object_list]
    step = 0
    while page.has_next():
        step += 1
        if between:
            between(step)
        page = paginator.page(page.next_page_number(), page.next_cursor)
        seen += [record.pk for record in page.object_list]
    return seen


def walk_backward(paginator: KeysetPaginator) -> list[int]:
    page = paginator.page(paginator.num_pages)
    seen = [record.pk for record in page.object_list]
    while page.has_previous():
        page = paginator.page(page.previous_page_number(), page.previous_cursor)
        seen = [record.pk for record in page.object_list] + seen
    return seen


def test_every_row_once_while_rows_are_inserted_before_and_after_the_cursor(department):
    make(department, 47)
    queryset = Organization.objects.order_by("name_pinyin", "pk")
    before = list(queryset.values_list("pk", flat=True))
    inserted: list[int] = []

    def insert(step):
        # one row sorting before every row seen so far, one after every row: OFFSET pages would repeat a row
        first = OrganizationFactory(registration_authority=department, name=f"阿{step}")
        last = OrganizationFactory(registration_authority=department, name=f"最{step}")
        inserted.extend([first.pk, last.pk])

    seen = walk_forward(KeysetPaginator(queryset, 10), between=insert)
    assert len(seen) == len(set(seen)), "no row twice"
    assert set(before) <= set(seen), "no row that was there from the start is skipped"
    assert set(seen) - set(before) <= set(inserted)
    assert seen == [pk for pk in queryset.values_list("pk", flat=True) if pk in set(seen)], "in the list's order"


def test_every_row_once_while_rows_are_deleted(department):
    make(department, 40)
    queryset = Organization.objects.order_by("-established_on", "name_pinyin")
    order = list(queryset.values_list("pk", flat=True))
    deleted: list[int] = []

    def delete(step):
        # delete a row on the page just read and one far ahead
        victims = [order[step * 10 - 1], order[-step]]
        Organization.objects.filter(pk__in=victims).delete()
        deleted.extend(victims)

    seen = walk_forward(KeysetPaginator(queryset, 10), between=delete)
    assert len(seen) == len(set(seen))
    assert set(order) - set(deleted) <= set(seen)


@pytest.mark.parametrize(
    "ordering",
    [
        ("name_pinyin",),
        ("-name_pinyin",),
        ("-established_on", "name"),  # mixed directions
        ("established_on", "-pk"),
        ("certificate_valid_until", "name"),  # a key that may be NULL
        ("-certificate_valid_until", "-name"),
        ("region__code", "-registered_funds", "name_pinyin"),  # across a relation, three groups
        (F("certificate_valid_until").asc(nulls_first=True), "name"),
        (F("certificate_valid_until").desc(nulls_last=True), "name"),
        ("uscc",),  # a unique column ends the ordering by itself
    ],
)
def test_any_ordering_pages_like_the_ordered_list(department, ordering):
    rows = make(department, 23)
    for index, organization in enumerate(rows):
        organization.established_on = datetime.date(2010 + index % 4, 1, 1)
        organization.registered_funds = Decimal(10000 * (index % 3))
        organization.certificate_valid_until = None if index % 3 else datetime.date(2030, 1, 1 + index % 5)
        organization.save()
    queryset = Organization.objects.order_by(*ordering)
    expected = list(queryset.values_list("pk", flat=True))
    paginator = KeysetPaginator(queryset, 4)
    assert walk_forward(paginator) == expected
    assert walk_backward(paginator) == expected
    numbered = [record.pk for number in paginator.page_range for record in paginator.page(number).object_list]
    assert numbered == expected


def test_an_annotation_as_key_and_the_model_ordering(department):
    make(department, 12)
    queryset = Organization.objects.annotate(ratings_count=Count("ratings")).order_by("-ratings_count", "name")
    expected = list(queryset.values_list("pk", flat=True))
    assert walk_forward(KeysetPaginator(queryset, 5)) == expected
    by_meta = Organization.objects.all()
    assert walk_forward(KeysetPaginator(by_meta, 5)) == list(by_meta.values_list("pk", flat=True))


def test_orderings_that_cannot_be_keyed_are_refused():
    assert not KeysetPaginator.supports(Organization.objects.order_by("?"))
    assert not KeysetPaginator.supports(Organization.objects.order_by("ratings__grade"))  # to-many
    assert not KeysetPaginator.supports([1, 2, 3])
    assert KeysetPaginator.supports(Organization.objects.filter(Q(name__contains="中心")).order_by("name"))


def test_the_same_queries_at_any_depth(department):
    make(department, 60)
    queryset = Organization.objects.select_related("region").order_by("name_pinyin")
    paginator = KeysetPaginator(queryset, 5)
    assert paginator.count == 60

    def queries(number, cursor=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            list(paginator.page(number, cursor).object_list)
        return len(captured)

    first = paginator.page(1)
    deep = paginator.page(9)
    counts = [queries(1), queries(9), queries(12), queries(10, deep.next_cursor), queries(2, first.next_cursor)]
    assert counts == [2] * 5


def test_a_first_page_that_holds_the_whole_list_is_its_own_count(department):
    make(department, 7)
    queryset = Organization.objects.order_by("name_pinyin")
    whole = KeysetPaginator(queryset, 10)
    with CaptureQueriesContext(connection) as captured:
        page = whole.page(1)
        shown = [record.pk for record in page.object_list]
        assert (whole.count, whole.num_pages, page.has_next()) == (7, 1, False)
    assert shown == list(queryset.values_list("pk", flat=True))
    assert len(captured) == 2  # the keys and the records: no count
    assert not any("COUNT(" in query["sql"].upper() for query in captured)

    longer = KeysetPaginator(queryset, 5)
    page = longer.page("1")
    assert page.has_next() and [record.pk for record in page.object_list] == shown[:5]
    assert (longer.count, longer.num_pages) == (7, 2)  # counted when asked: more rows than the page holds
    assert [record.pk for record in longer.page(2, page.next_cursor).object_list] == shown[5:]
    empty = KeysetPaginator(queryset.filter(name="无此组织"), 5)
    assert list(empty.page(1).object_list) == [] and empty.count == 0 and empty.num_pages == 1


def test_bad_cursors_and_numbers_fall_back_to_the_page_number(department):
    make(department, 30)
    queryset = Organization.objects.order_by("name_pinyin")
    paginator = KeysetPaginator(queryset, 10)
    expected = list(queryset.values_list("pk", flat=True))
    other = KeysetPaginator(Organization.objects.order_by("-name_pinyin"), 10)
    foreign = other.page(1).next_cursor
    for cursor in ("garbage", "eyJvIjoxfQ", foreign):
        page = paginator.page(2, cursor)
        assert [record.pk for record in page.object_list] == expected[10:20]
        with pytest.raises(ValueError):
            paginator.page(2, cursor, strict=True)
    assert paginator.page(99).number == 3 and paginator.page("x").number == 1
    with pytest.raises(ValueError):
        paginator.page(4, strict=True)
    keys = paginator.keys
    assert decode_cursor(keys, encode_cursor(keys, ["abc", 5], "a")) == ("a", ["abc", 5])


# ---- the pages and the API -------------------------------------------------------------------------------------


def _next_link(response) -> str | None:
    match = re.search(r'href="([^"]*)" rel="next"', response.content.decode())
    return html.unescape(match.group(1)) if match else None


def test_the_directory_pages_by_cursor_with_the_same_queries_at_any_depth(client, department):
    make(department, 45)
    expected = list(Organization.objects.order_by("region__code", "name_pinyin", "pk").values_list("uscc", flat=True))
    url, seen, counts = f"{DIRECTORY}?per_page=10&sort=region", [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        counts.append(len(captured))
        seen += [row.record.uscc for row in response.context["table"].page.object_list]
        link = _next_link(response)
        url = f"{DIRECTORY}{link}" if link else None
        if link:
            assert "cursor=" in link and "sort=region" in link and "per_page=10" in link
    assert seen == expected
    assert len(counts) == 5 and len(set(counts[1:])) == 1, counts
    last = client.get(DIRECTORY, {"per_page": "10", "sort": "region", "page": "5"})
    assert [row.record.uscc for row in last.context["table"].page.object_list] == expected[40:]
    assert "第 5 / 5 页" in last.content.decode()


def test_the_api_follows_next_links_by_cursor(client, department):
    make(department, 23)
    url = reverse("api:organization-list") + "?page_size=5"
    seen, counts = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url).json()
        counts.append(len(captured))
        assert answer["count"] == 23
        seen += [row["uscc"] for row in answer["results"]]
        url = answer["next"]
        if url:
            assert "cursor=" in url
    assert len(seen) == 23 == len(set(seen))
    assert len(set(counts[1:])) == 1, counts
    third = client.get(reverse("api:organization-list"), {"page_size": 5, "page": 3}).json()
    assert [row["uscc"] for row in third["results"]] == seen[10:15]
    previous = client.get(third["next"]).json()["previous"]
    assert [row["uscc"] for row in client.get(previous).json()["results"]] == seen[10:15]
    assert client.get(reverse("api:organization-list"), {"page": 9}).status_code == 404
    assert client.get(reverse("api:organization-list"), {"page": 2, "cursor": "garbage"}).status_code == 404
