"""`/api/v1/me/todo/` and `/api/v1/me/notifications/`: the token's user's own to-do list and notifications, as the
pages show them; another user's notification is a 404; no credentials is a 401."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import notify
from tests.factories import (
    AnnualInspectionFactory,
    DeliverableFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    UserFactory,
    region,
)

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def member_and_deliverable(db):
    today = timezone.localdate()
    organization = OrganizationFactory()
    # last year's annual inspection is done: the member's list holds the deliverable alone
    AnnualInspectionFactory(organization=organization, year=today.year - 1, decided_on=today)
    member = OrganizationMemberFactory(organization=organization)
    contract = SignedContractFactory(
        department=PurchasingDepartmentFactory(region=region("150100")),
        organization=organization,
        end_on=today + datetime.timedelta(days=100),
    )
    deliverable = DeliverableFactory(contract=contract, due_on=today - datetime.timedelta(days=2))
    return member, deliverable


def test_todo_of_the_tokens_user(member_and_deliverable):
    member, deliverable = member_and_deliverable
    response = token_client(member).get(reverse("api:me-todo"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["overdue_count"] == 1
    [group] = body["groups"]
    assert group["kind"] == "contracts.due" and group["role"] == "member"
    [item] = group["items"]
    assert item["overdue"] is True
    assert item["deadline"] == deliverable.due_on.isoformat()
    assert item["url"].endswith(
        reverse("contracts:submission-create", args=[deliverable.contract.number, deliverable.pk])
    )
    assert item["url"].startswith("http")
    chifeng = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150400")))
    assert token_client(chifeng).get(reverse("api:me-todo")).json()["groups"] == []


def test_todo_limit_and_role_filter(member_and_deliverable):
    member, _deliverable = member_and_deliverable
    client = token_client(member)
    assert client.get(reverse("api:me-todo"), {"limit": 0}).json()["groups"][0]["items"] == []
    assert client.get(reverse("api:me-todo"), {"role": "evaluator"}).json()["groups"] == []
    response = client.get(reverse("api:me-todo"), {"limit": 500})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_anonymous_is_401():
    client = APIClient()
    assert client.get(reverse("api:me-todo")).status_code == 401
    assert client.get(reverse("api:me-notifications")).status_code == 401


def test_notifications_list_read_and_scope(member_and_deliverable):
    member, deliverable = member_and_deliverable
    other = UserFactory()
    for user in (member, other):
        notify(
            recipients=[user],
            kind=Notification.Kind.DELIVERABLE_OVERDUE,
            target=deliverable,
            stage="overdue",
            title=_("已逾期（%(day)s 到期）：%(title)s"),
            params={"day": deliverable.due_on.isoformat(), "title": deliverable.title},
            url=reverse("contracts:contract-detail", args=[deliverable.contract.number]),
        )
    client = token_client(member)
    body = client.get(reverse("api:me-notifications")).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["kind"] == "deliverable_overdue" and row["read"] is False and row["target_exists"] is True
    mine = Notification.objects.get(recipient=member)
    theirs = Notification.objects.get(recipient=other)

    assert client.post(reverse("api:me-notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("api:me-notification-read", args=[mine.pk]))
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.get(reverse("api:me-notifications"), {"unread": "true"}).json()["count"] == 0
    assert token_client(other).post(reverse("api:me-notifications-read-all")).json() == {"marked": 1}


def test_notification_of_a_deleted_record(member_and_deliverable):
    member, deliverable = member_and_deliverable
    notify(
        recipients=[member],
        kind=Notification.Kind.DELIVERABLE_DUE,
        target=deliverable,
        title=_("已逾期（%(day)s 到期）：%(title)s"),
        params={"day": "2026-10-01", "title": "x"},
        url="/contracts/",
    )
    deliverable.delete()
    [row] = token_client(member).get(reverse("api:me-notifications")).json()["results"]
    assert row["target_exists"] is False and row["url"] is None
