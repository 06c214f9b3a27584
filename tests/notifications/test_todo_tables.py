"""The remembered 待办 kind by kind (`notifications.todo.assemble_remembered`): each kind's group is kept until a
write to one of the tables it is read from commits (`core.pagecache.generations`), so a write elsewhere leaves the
list as it was kept, and a write to one kind's tables reads that kind again — and always shows the change."""

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
    DepartmentFactory,
    OrganizationFactory,
    PaymentFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    todo.forget_plans()
    yield
    todo.forget_plans()


@pytest.fixture
def bureau():
    return DepartmentFactory(region=region("150100"))


@pytest.fixture
def registrar(bureau, committed):
    with committed():
        return RegistrarFactory(department=bureau)


def _received(organization, subject="服务人员未按约定上门"):
    return ComplaintFactory(
        organization=organization,
        subject=subject,
        received_at=timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10))),
    )


def _shown(groups) -> list[tuple]:
    return [
        (g.key, g.count, g.overdue_count, [(i.title, i.url, i.deadline, i.overdue) for i in g.items]) for g in groups
    ]


def _remembered(user) -> tuple[list, list[str]]:
    """The remembered list, and the SQL of the union the call ran (empty when every kind was kept)."""
    with CaptureQueriesContext(connection) as queries:
        groups = todo.assemble_remembered(user, on=DAY)
    return groups, [q["sql"] for q in queries.captured_queries if "todo_kind" in q["sql"]]


def _arms(union: list[str]) -> int:
    return sum(sql.count(" AS todo_kind,") for sql in union)


def test_a_write_to_tables_the_list_does_not_read_leaves_it(committed, registrar, bureau):
    with committed():
        _received(OrganizationFactory(region=region("150102"), registration_authority=bureau))
        contract = SignedContractFactory()
    first, union = _remembered(registrar)
    assert _arms(union) == len(todo.kinds_for(registrar))
    with committed():
        PaymentFactory(contract=contract, recorded_by=registrar)
    again, union = _remembered(registrar)
    assert union == []
    assert _shown(again) == _shown(first) == _shown(todo.assemble(registrar, on=DAY))


def test_a_write_to_one_kinds_tables_reads_that_kind_again(committed, registrar, bureau):
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
    with committed():
        _received(organization)
    _remembered(registrar)
    with committed():
        _received(organization, subject="新的投诉")
    groups, union = _remembered(registrar)
    plan = todo._plan(registrar, DAY, todo.DEFAULT_LIMIT, None)
    reading = [
        kind for kind, tables in zip(plan.kinds, plan.arm_tables, strict=True) if "supervision_complaint" in tables
    ]
    assert 0 < _arms(union) == len(reading) < len(plan.kinds)
    assert _shown(groups) == _shown(todo.assemble(registrar, on=DAY))
    titles = [item.title for group in groups for item in group.items]
    assert "新的投诉" in titles


def test_a_write_through_a_trigger_shows_on_the_next_request(committed, registrar, bureau):
    """The overdue annual reports are read from the organizations' stored years, which a trigger on the annual
    inspections keeps: an inspection recorded takes the organization off the list at once."""
    with committed():
        late = OrganizationFactory(region=region("150102"), registration_authority=bureau, name="未报送年报的组织")
    titles = [item.title for group in _remembered(registrar)[0] for item in group.items]
    assert "未报送年报的组织" in titles
    with committed():
        AnnualInspectionFactory(organization=late, year=2025)
    groups, _union = _remembered(registrar)
    assert "未报送年报的组织" not in [item.title for group in groups for item in group.items]
    assert _shown(groups) == _shown(todo.assemble(registrar, on=DAY))


def test_a_user_moved_to_another_bureau_gets_that_bureaus_list(committed, registrar, bureau):
    other = DepartmentFactory(region=region("150200"))
    with committed():
        _received(OrganizationFactory(region=region("150102"), registration_authority=bureau), subject="呼和浩特的投诉")
        _received(OrganizationFactory(region=region("150202"), registration_authority=other), subject="包头的投诉")
    titles = [item.title for group in _remembered(registrar)[0] for item in group.items]
    assert "呼和浩特的投诉" in titles and "包头的投诉" not in titles
    with committed():
        registrar.department = other
        registrar.save(update_fields=["department"])
    titles = [item.title for group in _remembered(registrar)[0] for item in group.items]
    assert "包头的投诉" in titles and "呼和浩特的投诉" not in titles


def test_a_kind_whose_items_read_more_than_its_rows_goes_with_any_write(committed, registrar, bureau, monkeypatch):
    from supervision.models import Complaint

    def source(user, today):
        # No select_related: each item reads its organization with a query of its own.
        return todo.Source(
            rows=Complaint.objects.filter(organization__registration_authority=user.department),
            item=lambda complaint: todo.Item(title=complaint.organization.name, url="/"),
        )

    kind = todo.Kind(key="tests.complaint_organizations", label="测试", role=todo.REGISTRAR, source=source)
    monkeypatch.setitem(todo._KINDS, kind.key, kind)
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau, name="旧名称")
    contract = SignedContractFactory()
    with committed():
        _received(organization)
    assert "旧名称" in [i.title for g in _remembered(registrar)[0] for i in g.items]
    with committed():
        PaymentFactory(contract=contract, recorded_by=registrar)
    with CaptureQueriesContext(connection) as queries:
        groups = todo.assemble_remembered(registrar, on=DAY)
    # Its count holds (its complaints are unchanged); its items are read again, each reading its organization.
    assert not any("todo_kind" in q["sql"] for q in queries.captured_queries)
    assert sum('FROM "registry_organization"' in q["sql"] for q in queries.captured_queries) == 1
    assert _shown(groups) == _shown(todo.assemble(registrar, on=DAY))


def test_the_answers_about_the_data_are_asked_again_only_when_their_tables_change(committed):
    """A province's registrar whose region holds every organization has no region filter in their SQL: the answer is
    watched by the tables it was read from, asked again once one of them changes (an organization registered
    outside the province), and the filter comes back."""
    with committed():
        province = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
        _received(OrganizationFactory(region=region("150102")), subject="区内的投诉")
        contract = SignedContractFactory()
    _remembered(province)
    with committed():
        PaymentFactory(contract=contract, recorded_by=province)
    province.__dict__.pop("_region_holds_every", None)  # a new request
    with CaptureQueriesContext(connection) as queries:
        todo.assemble_remembered(province, on=DAY)
    assert not any('FROM "registry_region"' in q["sql"] for q in queries.captured_queries)

    with committed():
        _received(OrganizationFactory(region=region("110101")), subject="区外的投诉")
    province.__dict__.pop("_region_holds_every", None)
    groups, _union = _remembered(province)
    titles = [item.title for group in groups for item in group.items]
    assert "区内的投诉" in titles and "区外的投诉" not in titles
    province.__dict__.pop("_region_holds_every", None)
    assert _shown(groups) == _shown(todo.assemble(province, on=DAY))


def test_an_organization_renamed_reads_the_items_again_not_the_counts(committed):
    """The province's complaints are counted from the complaints alone (the region holds every organization); their
    items show the organization's name: a rename reads the items again by their kept keys, and runs no count."""
    with committed():
        province = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
        organization = OrganizationFactory(region=region("150102"), name="旧名称服务中心")
        _received(organization)
    plan = todo._plan(province, DAY, todo.DEFAULT_LIMIT, None)
    complaints = [i for i, kind in enumerate(plan.kinds) if kind.key == "supervision.complaints_received"]
    assert "registry_organization" not in plan.arm_tables[complaints[0]]
    assert "registry_organization" in plan.item_tables[complaints[0]]
    _remembered(province)
    with committed():
        organization.name = "新名称服务中心"
        organization.save()
    province.__dict__.pop("_region_holds_every", None)
    groups, union = _remembered(province)
    assert not any('FROM "supervision_complaint"' in sql for sql in union)
    details = [
        item.detail for group in groups for item in group.items if group.key == "supervision.complaints_received"
    ]
    assert details and all(detail.startswith("新名称服务中心") for detail in details)
    province.__dict__.pop("_region_holds_every", None)
    assert _shown(groups) == _shown(todo.assemble(province, on=DAY))


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="rows' versions are PostgreSQL's (xmin and ctid); elsewhere items are read again",
)


def _readers_run(queries) -> list[str]:
    """The kinds' rows read by key (with their versions), not the union, nor the query for the versions alone."""
    return [q["sql"] for q in queries if "ctid" in q["sql"] and "todo_kind" not in q["sql"] and "ANY(" not in q["sql"]]


@postgresql_only
def test_items_whose_rows_are_unchanged_are_not_read_again(committed):
    """An organization edited elsewhere in the province: the complaints' items show other organizations; their rows
    keep their versions, so the items are kept without reading them (one query asks the versions)."""
    with committed():
        province = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
        _received(OrganizationFactory(region=region("150102"), name="被投诉的服务中心"))
        elsewhere = OrganizationFactory(region=region("150202"), name="别处的服务中心")
    first, _union = _remembered(province)
    with committed():
        elsewhere.name = "别处的服务中心（改名）"
        elsewhere.save()
    province.__dict__.pop("_region_holds_every", None)
    with CaptureQueriesContext(connection) as queries:
        groups = todo.assemble_remembered(province, on=DAY)
    complaints = [g for g in groups if g.key == "supervision.complaints_received"]
    assert complaints and complaints[0].items[0].detail.startswith("被投诉的服务中心")
    assert not any('FROM "supervision_complaint"' in sql for sql in _readers_run(queries.captured_queries))
    assert sum("xmin::text" in q["sql"] and "ANY(" in q["sql"] for q in queries.captured_queries) == 1
    province.__dict__.pop("_region_holds_every", None)
    assert _shown(groups) == _shown(todo.assemble(province, on=DAY))


@postgresql_only
def test_a_row_written_within_one_transaction_is_a_new_version(committed):
    """Versions are told apart even when the rows were written by the same transaction (the tests' own, here):
    `ctid` moves with every new version of a row."""
    with committed():
        province = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
        organization = OrganizationFactory(region=region("150102"), name="旧名称服务中心")
        _received(organization)
    _remembered(province)
    with committed():
        type(organization).objects.filter(pk=organization.pk).update(legal_representative="新的法定代表人")
        organization.name = "新名称服务中心"
        organization.save(update_fields=["name"])
    province.__dict__.pop("_region_holds_every", None)
    with CaptureQueriesContext(connection) as queries:
        groups = todo.assemble_remembered(province, on=DAY)
    assert any('FROM "supervision_complaint"' in sql for sql in _readers_run(queries.captured_queries))
    details = [i.detail for g in groups for i in g.items if g.key == "supervision.complaints_received"]
    assert details and all(detail.startswith("新名称服务中心") for detail in details)


@postgresql_only
def test_a_row_deleted_since_reads_the_items_again(committed, registrar, bureau):
    with committed():
        organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
        _received(organization, subject="第一件投诉")
        second = _received(organization, subject="第二件投诉")
    _remembered(registrar)
    with committed():
        second.delete()
    groups, _union = _remembered(registrar)
    titles = [item.title for group in groups for item in group.items]
    assert "第一件投诉" in titles and "第二件投诉" not in titles
    assert _shown(groups) == _shown(todo.assemble(registrar, on=DAY))


def test_a_forgotten_list_reads_every_kind(committed, registrar, bureau):
    """`forget_remembered`: the next request is the day's first (the benchmarks' first-of-the-day regime)."""
    with committed():
        _received(OrganizationFactory(region=region("150102"), registration_authority=bureau))
    first, _union = _remembered(registrar)
    assert _remembered(registrar)[1] == []
    todo.forget_remembered(registrar, on=DAY)
    again, union = _remembered(registrar)
    assert _arms(union) == len(todo.kinds_for(registrar))
    assert _shown(again) == _shown(first)
