"""What the to-do list keeps between requests: each user's SQL compiled once per day (`notifications.todo._plan`) and
the assembled groups until the next write commits (`assemble_remembered`, on `core.pagecache.remember`). Neither ever
shows a stale list: a plan holds SQL, not rows, and is rebuilt when the answer about the data it was built on
(whether the official's region holds every organization) changes; the remembered groups go with the next committed
write and with the day; another user never sees the first user's items."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import todo
from tests.factories import (
    ComplaintFactory,
    DeliverableFactory,
    DepartmentFactory,
    OrganizationFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def no_plans():
    todo.forget_plans()
    yield
    todo.forget_plans()


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600


def _received(organization, day: datetime.date, subject: str = "服务人员未按约定上门"):
    return ComplaintFactory(
        organization=organization,
        subject=subject,
        received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
    )


def _shown(groups) -> list[tuple]:
    return [
        (g.key, g.count, g.overdue_count, [(i.title, i.url, i.deadline, i.overdue) for i in g.items]) for g in groups
    ]


def _complaints(groups) -> tuple[int, int]:
    for group in groups:
        if group.key == "supervision.complaints_received":
            return group.count, group.overdue_count
    return 0, 0


@pytest.fixture
def bureau():
    return DepartmentFactory(region=region("150100"))


@pytest.fixture
def registrar(bureau):
    return RegistrarFactory(department=bureau)


@pytest.mark.parametrize("limit", [0, 1, 5])
def test_a_kept_plan_gives_what_the_kinds_give_and_keeps_no_rows(registrar, bureau, limit):
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
    _received(organization, DAY - datetime.timedelta(days=20))
    first = todo.assemble(registrar, on=DAY, limit=limit)
    again = todo.assemble(registrar, on=DAY, limit=limit)  # from the kept plan
    assert _shown(again) == _shown(first)
    assert _complaints(again) == (1, 1)

    _received(OrganizationFactory(region=region("150102")), DAY - datetime.timedelta(days=1), subject="新的投诉")
    later = todo.assemble(registrar, on=DAY, limit=limit)
    assert _complaints(later) == (2, 1)
    one_by_one = [todo.group_for(kind, registrar, on=DAY, limit=limit) for kind in todo.kinds_for(registrar)]
    assert sorted(_shown(later)) == sorted(_shown(g for g in one_by_one if g.count))
    if limit > 1:  # the overdue complaint comes first
        titles = [item.title for group in later for item in group.items]
        assert "新的投诉" in titles


def test_a_kept_plan_compiles_nothing_and_runs_the_same_queries(registrar, bureau):
    _received(OrganizationFactory(region=region("150102")), DAY - datetime.timedelta(days=2))
    with CaptureQueriesContext(connection) as built:
        todo.assemble(registrar, on=DAY)
    registrar.__dict__.pop("_region_holds_every")  # a new request asks again
    with CaptureQueriesContext(connection) as kept:
        todo.assemble(registrar, on=DAY)
    assert [q["sql"] for q in kept.captured_queries] == [q["sql"] for q in built.captured_queries]


def test_the_next_day_is_planned_again(registrar):
    _received(OrganizationFactory(region=region("150102")), DAY)
    # Acceptance is due 15 days after receipt: not overdue on the day, overdue 16 days later.
    assert _complaints(todo.assemble(registrar, on=DAY)) == (1, 0)
    assert _complaints(todo.assemble(registrar, on=DAY + datetime.timedelta(days=16))) == (1, 1)
    assert _complaints(todo.assemble(registrar, on=DAY)) == (1, 0)


def test_another_user_never_sees_the_first_users_items(registrar):
    other_bureau = DepartmentFactory(region=region("150200"))
    other = RegistrarFactory(department=other_bureau)
    _received(OrganizationFactory(region=region("150102")), DAY, subject="呼和浩特的投诉")
    _received(OrganizationFactory(region=region("150202")), DAY, subject="包头的投诉")
    for _ in range(2):
        mine = [item.title for group in todo.assemble(registrar, on=DAY) for item in group.items]
        theirs = [item.title for group in todo.assemble(other, on=DAY) for item in group.items]
        assert "呼和浩特的投诉" in mine and "包头的投诉" not in mine
        assert "包头的投诉" in theirs and "呼和浩特的投诉" not in theirs


def test_a_plan_built_on_a_region_holding_everything_is_not_kept_once_it_does_not():
    """A province's registrar whose region holds every organization has no region filter in their SQL; an
    organization registered outside the province brings the filter back on the next request."""
    province = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
    _received(OrganizationFactory(region=region("150102")), DAY, subject="区内的投诉")
    assert _complaints(todo.assemble(province, on=DAY)) == (1, 0)
    assert _complaints(todo.assemble(province, on=DAY)) == (1, 0)

    _received(OrganizationFactory(region=region("110101")), DAY, subject="区外的投诉")
    for _ in range(2):
        province.__dict__.pop("_region_holds_every", None)  # a new request
        groups = todo.assemble(province, on=DAY)
        titles = [item.title for group in groups for item in group.items]
        assert _complaints(groups) == (1, 0)
        assert "区外的投诉" not in titles


def test_a_source_that_reads_the_database_while_built_is_not_kept(settings):
    """A superuser's data-quality kinds are scoped to the home province, read from the regions when the kinds are
    built: their SQL holds a region's key, so their plan is built again on every request."""
    from tests.factories import SuperuserFactory

    superuser = SuperuserFactory()
    todo.assemble(superuser, on=DAY)
    assert not any(key[0][1][0] == superuser.pk for key in todo._PLANS)
    registrar = RegistrarFactory(department=DepartmentFactory(region=region("150100")))
    todo.assemble(registrar, on=DAY)
    assert any(key[0][1][0] == registrar.pk for key in todo._PLANS)


# --- the groups remembered until the next write ----------------------------------------------------------------------


def test_remembered_groups_are_the_assembled_ones(page_cache, committed, registrar, bureau):
    with committed():
        organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
        _received(organization, DAY - datetime.timedelta(days=20))
    assert _shown(todo.assemble_remembered(registrar, on=DAY)) == _shown(todo.assemble(registrar, on=DAY))
    with CaptureQueriesContext(connection) as queries:
        again = todo.assemble_remembered(registrar, on=DAY)
    assert _shown(again) == _shown(todo.assemble(registrar, on=DAY))
    assert not any('"supervision_complaint"' in q["sql"] for q in queries.captured_queries)


def test_a_write_shows_on_the_next_request(page_cache, committed, registrar):
    _received(OrganizationFactory(region=region("150102")), DAY)
    assert _complaints(todo.assemble_remembered(registrar, on=DAY)) == (1, 0)
    with committed():
        _received(OrganizationFactory(region=region("150102")), DAY - datetime.timedelta(days=30))
    assert _complaints(todo.assemble_remembered(registrar, on=DAY)) == (2, 1)
    assert _complaints(todo.assemble_remembered(registrar, on=DAY)) == (2, 1)


def test_a_write_not_yet_committed_is_never_kept(page_cache, registrar):
    assert _complaints(todo.assemble_remembered(registrar, on=DAY)) == (0, 0)
    _received(OrganizationFactory(region=region("150102")), DAY)  # in the test's transaction: not committed
    assert _complaints(todo.assemble_remembered(registrar, on=DAY)) == (1, 0)


def test_remembered_groups_are_each_users_own(page_cache, committed, registrar):
    other = RegistrarFactory(department=DepartmentFactory(region=region("150200")))
    with committed():
        _received(OrganizationFactory(region=region("150102")), DAY, subject="呼和浩特的投诉")
    for _ in range(2):
        mine = [item.title for group in todo.assemble_remembered(registrar, on=DAY) for item in group.items]
        theirs = [item.title for group in todo.assemble_remembered(other, on=DAY) for item in group.items]
        assert mine == ["呼和浩特的投诉"]
        assert theirs == []


def test_remembered_groups_are_recomputed_the_next_day(page_cache, committed, registrar):
    with committed():
        _received(OrganizationFactory(region=region("150102")), DAY)
    assert _complaints(todo.assemble_remembered(registrar, on=DAY)) == (1, 0)
    assert _complaints(todo.assemble_remembered(registrar, on=DAY + datetime.timedelta(days=16))) == (1, 1)


def test_the_page_shows_a_committed_write_on_the_next_request(page_cache, committed):
    department = PurchasingDepartmentFactory(region=region("150100"))
    purchaser = PurchaserFactory(department=department)
    today = timezone.localdate()
    with committed():
        contract = SignedContractFactory(department=department, end_on=today + datetime.timedelta(days=200))
        DeliverableFactory(contract=contract, due_on=today - datetime.timedelta(days=3), payment_share=1)
    client = Client()
    with committed():
        client.force_login(purchaser)  # the sign-in writes the user's last login
    url = reverse("portal:todo")
    assert client.get(url).context["todo_overdue"] == 1
    with CaptureQueriesContext(connection) as kept:
        assert client.get(url).context["todo_overdue"] == 1
    assert not any('"contracts_deliverable"' in query["sql"] for query in kept.captured_queries)
    with committed():
        DeliverableFactory(contract=contract, due_on=today - datetime.timedelta(days=2), payment_share=1)
    response = client.get(url)
    assert response.context["todo_overdue"] == 2
    assert response.content.decode().count('data-testid="todo-overdue"') == 2
