"""The 待办 page: the landing page after login, grouped by kind with counts, deadlines and links, overdue first; a
constant number of queries however many items there are; the full list of one kind."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ComplaintFactory,
    DeliverableFactory,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RectificationOrderFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db):
    return PurchasingDepartmentFactory(region=region("150100"))


@pytest.fixture
def purchaser(department):
    return PurchaserFactory(department=department)


def overdue_deliverables(department, count: int, organization=None):
    today = timezone.localdate()
    organization = organization or OrganizationFactory()
    contract = SignedContractFactory(
        department=department, organization=organization, end_on=today + datetime.timedelta(days=200)
    )
    return [
        DeliverableFactory(contract=contract, due_on=today - datetime.timedelta(days=n + 1), payment_share=1)
        for n in range(count)
    ]


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("portal:todo"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_login_lands_on_the_todo_page(client, purchaser, password):
    response = client.post(reverse("accounts:login"), {"username": purchaser.username, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:todo")


def test_page_shows_groups_with_counts_deadlines_and_links(client, purchaser, department):
    [deliverable] = overdue_deliverables(department, 1)
    client.force_login(purchaser)
    response = client.get(reverse("portal:todo"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="contracts.overdue"' in page
    assert reverse("contracts:contract-detail", args=[deliverable.contract.number]) in page
    assert deliverable.due_on.isoformat() in page
    assert 'data-testid="todo-overdue"' in page
    assert "已逾期 1 项" in page


def test_overdue_groups_come_first(client, purchaser, department):
    today = timezone.localdate()
    SignedContractFactory(department=department, end_on=today + datetime.timedelta(days=10))  # ending, not overdue
    overdue_deliverables(department, 1)
    client.force_login(purchaser)
    groups = response_groups(client.get(reverse("portal:todo")))
    assert groups.index("contracts.overdue") < groups.index("contracts.ending")


def response_groups(response) -> list[str]:
    return [group.key for group in response.context["groups"]]


def test_empty_list_says_so(client, purchaser):
    client.force_login(purchaser)
    response = client.get(reverse("portal:todo"))
    assert 'data-testid="todo-empty"' in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_items(client, purchaser, department):
    client.force_login(purchaser)
    url = reverse("portal:todo")
    overdue_deliverables(department, 1)
    few = _queries(client, url)
    overdue_deliverables(department, 30)
    for _ in range(5):
        overdue_deliverables(department, 2)
    assert _queries(client, url) == few


def test_province_registrars_query_count_does_not_grow_with_the_items(client):
    """The province-wide registrar (like the demo's registrar_nm): complaints, orders and overdue annual reports of
    the organizations their bureau registered, from one item of each kind to many."""
    bureau = DepartmentFactory(region=region("150000"))
    registrar = RegistrarFactory(department=bureau)
    today = timezone.localdate()

    def add_work(count: int):
        for n in range(count):
            organization = OrganizationFactory(
                region=region("150102"), registration_authority=bureau, established_on=datetime.date(2015, 1, 1)
            )
            ComplaintFactory(organization=organization)
            RectificationOrderFactory(organization=organization, deadline=today - datetime.timedelta(days=n + 1))

    client.force_login(registrar)
    url = reverse("portal:todo")
    add_work(1)
    few = _queries(client, url)
    assert {g.key for g in client.get(url).context["groups"]} >= {
        "supervision.complaints_received",
        "supervision.orders_overdue",
    }
    add_work(12)
    assert _queries(client, url) == few
    response = client.get(url)
    counts = {group.key: group.count for group in response.context["groups"]}
    assert counts["supervision.complaints_received"] == 13
    assert response.content.decode().count('data-testid="todo-item"') == sum(
        len(group.items) for group in response.context["groups"]
    )


def test_full_list_of_one_kind_is_paginated(client, purchaser, department):
    overdue_deliverables(department, 60)
    client.force_login(purchaser)
    response = client.get(reverse("portal:todo"))
    assert reverse("portal:todo-kind", args=["contracts.overdue"]) in response.content.decode()
    response = client.get(reverse("portal:todo-kind", args=["contracts.overdue"]))
    assert response.status_code == 200
    assert len(response.context["items"]) == 50
    assert response.context["page_obj"].paginator.count == 60
    response = client.get(reverse("portal:todo-kind", args=["contracts.overdue"]) + "?page=2")
    assert len(response.context["items"]) == 10


def test_kind_of_another_role_or_unknown_is_404(client, purchaser):
    client.force_login(purchaser)
    assert client.get(reverse("portal:todo-kind", args=["contracts.due"])).status_code == 404
    assert client.get(reverse("portal:todo-kind", args=["no.such"])).status_code == 404


def test_member_and_other_departments(client, department):
    organization = OrganizationFactory()
    member = OrganizationMemberFactory(organization=organization)
    [deliverable] = overdue_deliverables(department, 1, organization=organization)
    client.force_login(member)
    page = client.get(reverse("portal:todo")).content.decode()
    assert reverse("contracts:submission-create", args=[deliverable.contract.number, deliverable.pk]) in page
    chifeng = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150400")))
    client.force_login(chifeng)
    assert client.get(reverse("portal:todo")).context["groups"] == []


def test_province_wide_registrar_query_count_is_constant(client):
    """registrar_nm's case: a registrar of the province, with items of several kinds, few then many."""
    from tests.factories import (
        ComplaintFactory,
        DepartmentFactory,
        RatingFactory,
        RectificationOrderFactory,
        RegistrarFactory,
    )

    bureau = DepartmentFactory(region=region("150000"))
    registrar = RegistrarFactory(department=bureau)
    today = timezone.localdate()

    def items(count):
        for _ in range(count):
            organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
            ComplaintFactory(organization=organization)
            RectificationOrderFactory(organization=organization, deadline=today - datetime.timedelta(days=3))
            RatingFactory(
                organization=organization,
                awarding_authority=bureau,
                awarded_on=today - datetime.timedelta(days=1800),
                valid_until=today + datetime.timedelta(days=30),
            )

    client.force_login(registrar)
    url = reverse("portal:todo")
    items(1)
    few = _queries(client, url)
    assert {"supervision.complaints_received", "supervision.orders_overdue", "registry.ratings_expiring"} <= {
        group.key for group in client.get(url).context["groups"]
    }
    items(25)
    assert _queries(client, url) == few


def test_in_english(client, purchaser, department):
    overdue_deliverables(department, 1)
    client.force_login(purchaser)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("portal:todo")).content.decode()
    assert "To-do" in page and "1 overdue" in page and "Due " in page
    assert "待办事项" not in page
