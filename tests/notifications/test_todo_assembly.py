"""The to-do list assembled in one query for every kind's keys and counts (notifications.todo.assemble) gives, kind by
kind, what each kind's own query gives (group_for): the same counts, overdue counts and first items in the same
order; and it takes one query plus one per kind with items."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import todo
from tests.factories import (
    AnnualInspectionFactory,
    ComplaintFactory,
    DeliverableFactory,
    DepartmentFactory,
    OrganizationFactory,
    RatingFactory,
    RectificationOrderFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


@pytest.fixture
def registrar_and_purchaser():
    """A bureau's official who is registrar and purchaser: items of many kinds, some overdue, some not."""
    bureau = DepartmentFactory(region=region("150100"))
    official = RegistrarFactory(department=bureau, is_purchaser=True)
    for n in range(8):
        organization = OrganizationFactory(
            region=region("150102"), registration_authority=bureau, established_on=datetime.date(2010 + n, 1, 1)
        )
        if n % 3 == 0:
            AnnualInspectionFactory(organization=organization, year=2025)
        # Acceptance is due 15 days after receipt: the first three are overdue on DAY.
        ComplaintFactory(
            organization=organization,
            received_at=timezone.make_aware(datetime.datetime(2026, 11, 18 + n, 10)),
        )
        RectificationOrderFactory(organization=organization, deadline=DAY + datetime.timedelta(days=n - 4))
        RatingFactory(
            organization=organization,
            awarding_authority=bureau,
            awarded_on=datetime.date(2021, 12, 20 + n),
        )
        contract = SignedContractFactory(
            department=bureau, organization=organization, end_on=DAY + datetime.timedelta(days=100)
        )
        DeliverableFactory(contract=contract, due_on=DAY - datetime.timedelta(days=n + 1), payment_share=1)
    return official


def _as_tuple(group: todo.Group) -> tuple:
    return group.key, group.count, group.overdue_count, group.items


@pytest.mark.parametrize("limit", [0, 1, 3, 5])
def test_assembled_groups_are_each_kinds_own(registrar_and_purchaser, limit):
    user = registrar_and_purchaser
    one_by_one = [todo.group_for(kind, user, on=DAY, limit=limit) for kind in todo.kinds_for(user)]
    expected = [_as_tuple(group) for group in one_by_one if group.count]
    assembled = todo.assemble(user, on=DAY, limit=limit)
    assert sorted(_as_tuple(group) for group in assembled) == sorted(expected)
    assert len(expected) >= 6  # several kinds of several apps
    assert any(group.overdue_count and group.overdue_count < group.count for group in assembled)
    for group in assembled:
        assert len(group.items) == min(limit, group.count)


def test_one_query_for_the_counts_then_one_per_kind_with_items(registrar_and_purchaser):
    user = registrar_and_purchaser
    kinds = todo.kinds_for(user)
    with CaptureQueriesContext(connection) as queries:
        groups = todo.assemble(user, on=DAY)
    assert len(kinds) > len(groups)  # some kinds have nothing: no query of their own
    # Whether the official's region holds every organization, and every department, is asked once per request each
    # (accounts.permissions): the registrar's kinds ask about the organizations, the purchaser's about the departments.
    scope = [q for q in queries.captured_queries if q["sql"].startswith("WITH RECURSIVE present")]
    assert sorted('FROM "registry_department"' in q["sql"] for q in scope) == [False, True]
    assert len(queries.captured_queries) == 1 + len(scope) + len(groups)
    with CaptureQueriesContext(connection) as queries:
        counted = todo.assemble(user, on=DAY, limit=0)
    assert len(queries.captured_queries) == 1
    assert [(g.key, g.count, g.overdue_count) for g in counted] == [(g.key, g.count, g.overdue_count) for g in groups]
