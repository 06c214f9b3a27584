"""Deadline reminders: who hears about what, each reminder once per item, stage and person, in their language."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from supervision import services
from supervision.models import ReminderDigest
from supervision.reminders import send_reminders
from supervision.tasks import send_reminders_task
from tests.factories import OrganizationMemberFactory
from tests.supervision.conftest import DEADLINE, ISSUED_ON

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(registrar, organization):
    return services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="建立项目资金专账",
        deadline=DEADLINE,
        issued_on=ISSUED_ON,
    )


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def test_member_hears_of_deliverable_due_within_seven_days_once(deliverable, member, registrar):
    assert send_reminders(on=datetime.date(2026, 10, 12)).emails_sent == 0  # 8 days ahead: not yet
    report = send_reminders(on=datetime.date(2026, 10, 13))
    assert report.emails_sent == 1 and report.recipients == [member.username]
    [message] = mail.outbox
    assert message.to == ["member@example.cn"]
    assert deliverable.title in message.body and "2026年10月20日" in message.body
    # Again the same day and on the following days: nothing more.
    for day in (13, 14, 19, 20):
        assert send_reminders(on=datetime.date(2026, 10, day)).emails_sent == 0
    assert len(mail.outbox) == 1
    digest = ReminderDigest.objects.get()
    assert (digest.recipient, digest.day, digest.item_count) == (member, datetime.date(2026, 10, 13), 1)
    [notification] = Notification.objects.filter(recipient=member)
    assert notification.stage == "due_soon" and notification.emailed_at is not None


def test_accepted_or_submitted_deliverables_are_not_reminded(deliverable, member):
    deliverable.status = "submitted"
    deliverable.save()
    assert send_reminders(on=datetime.date(2026, 10, 15)).emails_sent == 0


def test_member_hears_of_order_deadline_within_three_days(order, member):
    assert send_reminders(on=datetime.date(2026, 10, 27)).emails_sent == 0
    send_reminders(on=datetime.date(2026, 10, 28))
    [message] = mails_to("member@example.cn")
    assert order.document_number in message.body and "活动异常名录" in message.body
    assert send_reminders(on=datetime.date(2026, 10, 29)).emails_sent == 0


def test_answered_orders_are_not_reminded(order, member):
    services.order_answer(actor=member, order=order, text="已整改")
    assert send_reminders(on=datetime.date(2026, 10, 29)).emails_sent == 0


def test_officials_of_the_region_hear_of_overdue_items_once(
    order, deliverable, registrar, county_registrar, purchaser, baotou_registrar, member
):
    report = send_reminders(on=datetime.date(2026, 11, 2))
    recipients = set(report.recipients)
    assert {registrar.username, county_registrar.username, purchaser.username} <= recipients
    assert baotou_registrar.username not in recipients
    assert member.username not in recipients
    # Registrars hear of the order; purchasers of the order and of the deliverable.
    [to_registrar] = mails_to("registrar@example.cn")
    assert order.document_number in to_registrar.body and deliverable.title not in to_registrar.body
    [to_purchaser] = mails_to("buyer@example.cn")
    assert order.document_number in to_purchaser.body and deliverable.title in to_purchaser.body
    assert send_reminders(on=datetime.date(2026, 11, 3)).emails_sent == 0
    emailed = Notification.objects.filter(stage="overdue", recipient=purchaser, emailed_at__isnull=False)
    assert emailed.count() == 2


def test_reminder_in_the_recipients_language(deliverable, organization):
    english = OrganizationMemberFactory(organization=organization, email="en@example.cn", language="en")
    OrganizationMemberFactory(organization=organization, email="zh@example.cn", language="zh-hans")
    send_reminders(on=datetime.date(2026, 10, 15))
    [to_english] = mails_to("en@example.cn")
    [to_chinese] = mails_to("zh@example.cn")
    assert "Oct. 20, 2026" in to_english.body and "2026年10月20日" not in to_english.body
    assert "2026年10月20日" in to_chinese.body
    assert ReminderDigest.objects.filter(recipient=english).exists()


def test_users_without_email_or_inactive_are_skipped(deliverable, organization):
    OrganizationMemberFactory(organization=organization, email="")
    OrganizationMemberFactory(organization=organization, email="gone@example.cn", is_active=False)
    assert send_reminders(on=datetime.date(2026, 10, 15)).emails_sent == 0
    assert not ReminderDigest.objects.exists()


def test_a_new_member_gets_the_reminder_the_others_already_had(deliverable, member, organization):
    send_reminders(on=datetime.date(2026, 10, 15))
    newcomer = OrganizationMemberFactory(organization=organization, email="new@example.cn")
    report = send_reminders(on=datetime.date(2026, 10, 16))
    assert report.recipients == [newcomer.username]


def test_command_and_task(deliverable, member):
    out = io.StringIO()
    call_command("send_reminders", "--on", "2026-10-15", stdout=out)
    assert "发送提醒邮件：1 封" in out.getvalue()
    assert send_reminders_task.enqueue(on="2026-10-15").return_value["emails_sent"] == 0
