"""The e-mail channel: one digest per recipient of what was not e-mailed yet, in their language, only for those with
an address who want the kind, never twice; reminders are left to send_reminders."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils.translation import gettext_lazy as _

from notifications.emails import send_notification_emails
from notifications.models import EmailPreference, Notification
from notifications.services import notify
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tell(users, target, kind=Notification.Kind.PAYMENT_RECORDED, stage=""):
    notify(
        recipients=users,
        kind=kind,
        target=target,
        stage=stage,
        title=_("合同 %(number)s 第 %(instalment)s 期付款 %(amount)s 元已登记（%(day)s）"),
        params={"number": target.number, "instalment": 1, "amount": "10,000.00", "day": "2026-09-01"},
        url=f"/contracts/{target.number}/",
    )


def test_one_digest_per_recipient_never_twice(settings):
    settings.SITE_URL = "https://qiyue.example.cn"
    contract = ContractFactory()
    chinese, english = UserFactory(email="a@example.cn"), UserFactory(email="b@example.cn", language="en")
    nobody = UserFactory(email="")
    _tell([chinese, english, nobody], contract)
    _tell([chinese], contract, kind=Notification.Kind.ORDER_ISSUED)
    report = send_notification_emails()
    assert report.emails_sent == 2 and report.notifications_sent == 3
    assert report.without_email == [nobody.username]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "2 条新通知" in by_address["a@example.cn"].subject
    assert f"https://qiyue.example.cn/contracts/{contract.number}/" in by_address["a@example.cn"].body
    assert "Payment 1 of contract" in by_address["b@example.cn"].body
    assert send_notification_emails().emails_sent == 0
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(recipient__email__gt="", emailed_at__isnull=True).exists()


def test_kinds_turned_off_and_reminders_are_not_in_the_digest():
    contract = ContractFactory()
    user = UserFactory(email="a@example.cn")
    EmailPreference.objects.create(user=user, kind=Notification.Kind.PAYMENT_RECORDED, email=False)
    _tell([user], contract)
    _tell([user], contract, kind=Notification.Kind.DELIVERABLE_OVERDUE, stage="overdue")
    assert send_notification_emails().emails_sent == 0
    assert not mail.outbox


def test_command(capsys):
    user = UserFactory(email="a@example.cn")
    _tell([user], ContractFactory())
    call_command("send_notification_emails")
    assert "1 封" in capsys.readouterr().out
