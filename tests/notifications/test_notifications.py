"""Notifications: written once per recipient, item and stage; in the recipient's language; the list page with its
filter, marking one or all read (only one's own), a deleted record shown as such, the bell, the e-mail choices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import EmailPreference, Notification
from tests.factories import (
    ContractFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TITLE = "合同 %(number)s 有新动态"


def _notify(recipients, target, stage="", kind=Notification.Kind.PAYMENT_RECORDED, actor=None):
    from django.utils.translation import gettext_lazy as _

    return services.notify(
        recipients=recipients,
        kind=kind,
        target=target,
        stage=stage,
        title=_("已逾期（%(day)s 到期）：%(title)s"),
        params={"day": "2026-10-01", "title": target.number},
        url=reverse("contracts:contract-detail", args=[target.number]),
        actor=actor,
    )


@pytest.fixture
def contract(db):
    return ContractFactory(status="signed", signed_on="2026-02-20")


def test_once_per_recipient_item_and_stage(contract):
    user, other = UserFactory(), UserFactory()
    _notify([user, other, user], contract)
    _notify([user], contract)
    assert Notification.objects.filter(recipient=user).count() == 1
    _notify([user], contract, stage="later")
    assert Notification.objects.filter(recipient=user).count() == 2
    assert Notification.objects.filter(recipient=other).count() == 1


def test_actor_and_inactive_users_are_not_told(contract):
    actor, inactive = UserFactory(), UserFactory(is_active=False)
    assert _notify([actor, inactive], contract, actor=actor) == 0
    assert not Notification.objects.exists()


def test_title_in_the_recipients_language(contract):
    english, chinese = UserFactory(language="en"), UserFactory(language="zh-hans")
    _notify([english, chinese], contract)
    assert Notification.objects.get(recipient=english).title == f"Overdue (due 2026-10-01): {contract.number}"
    assert Notification.objects.get(recipient=chinese).title == f"已逾期（2026-10-01 到期）：{contract.number}"


def test_list_filter_and_mark_read(client, contract):
    user = UserFactory()
    _notify([user], contract)
    _notify([user], contract, stage="2", kind=Notification.Kind.ORDER_ISSUED)
    client.force_login(user)
    page = client.get(reverse("notifications:list"))
    assert len(page.context["notifications"]) == 2
    assert 'data-testid="unread-count">2<' in page.content.decode()
    filtered = client.get(reverse("notifications:list"), {"kind": Notification.Kind.ORDER_ISSUED})
    assert [n.kind for n in filtered.context["notifications"]] == [Notification.Kind.ORDER_ISSUED]

    first = Notification.objects.filter(recipient=user).first()
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_read
    assert len(client.get(reverse("notifications:list")).context["notifications"]) == 1  # unread only by default
    assert len(client.get(reverse("notifications:list"), {"show": "all"}).context["notifications"]) == 2

    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert 'data-testid="unread-count"' not in client.get(reverse("notifications:list")).content.decode()


def test_another_users_notification_is_404(client, contract):
    owner, intruder = UserFactory(), UserFactory()
    _notify([owner], contract)
    notification = Notification.objects.get()
    client.force_login(intruder)
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_open_follows_the_link_or_says_the_record_is_gone(client, contract):
    user = UserFactory()
    _notify([user], contract)
    notification = Notification.objects.get()
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("contracts:contract-detail", args=[contract.number])

    contract.delete()
    page = client.get(reverse("notifications:list"), {"show": "all"})
    assert page.status_code == 200
    assert 'data-testid="notification-gone"' in page.content.decode()
    response = client.get(reverse("notifications:open", args=[notification.pk]), follow=True)
    assert response.status_code == 200
    assert "已被撤回或删除" in response.content.decode()


def test_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    user = UserFactory()
    organization = OrganizationFactory()
    for _ in range(3):
        _notify([user], ContractFactory(organization=organization))
    client.force_login(user)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("notifications:list"))
    for _ in range(20):
        _notify([user], ContractFactory(organization=organization))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:list"))


def test_email_preferences(client):
    user = OrganizationMemberFactory()
    client.force_login(user)
    page = client.get(reverse("notifications:settings"))
    assert set(page.context["form"].initial["email_kinds"]) == set(Notification.Kind.values)
    wanted = [Notification.Kind.ORDER_ISSUED, Notification.Kind.DELIVERABLE_DUE]
    response = client.post(reverse("notifications:settings"), {"email_kinds": wanted})
    assert response.status_code == 302
    refused = set(EmailPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    assert refused == set(Notification.Kind.values) - set(wanted)
    assert services.users_refusing_email(Notification.Kind.PAYMENT_RECORDED, [user.pk]) == {user.pk}
    assert services.users_refusing_email(Notification.Kind.ORDER_ISSUED, [user.pk]) == set()


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("notifications:list")).status_code == 302


def test_withdrawn_record_shows_as_such(client):
    from tests.factories import EvaluatorFactory

    evaluator = EvaluatorFactory()
    contract = ContractFactory(status="signed", signed_on="2026-02-20")
    _notify([evaluator], contract)
    notification = Notification.objects.get()
    assert notification.target_available
    contract.status = "withdrawn"  # as a withdrawn purchase list or assignment reads
    contract.save(update_fields=["status"])
    notification = Notification.objects.get()
    assert not notification.target_available
    client.force_login(evaluator)
    page = client.get(reverse("notifications:list"))
    assert 'data-testid="notification-gone"' in page.content.decode()


def test_admin_lists_them_read_only(client, contract):
    from tests.factories import SuperuserFactory

    user = UserFactory()
    _notify([user], contract)
    client.force_login(SuperuserFactory())
    page = client.get(reverse("admin:notifications_notification_changelist"))
    assert page.status_code == 200 and contract.number in page.content.decode()
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
