"""The reminders' e-mail is one digest a day per recipient: every due item in it once, a bounded size however large
the backlog, nothing twice however often the job runs, and the same number of queries for a few items as for many."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from supervision import services
from supervision.models import ReminderDigest
from supervision.reminders import DIGEST_ITEMS_PER_KIND, send_reminders
from tests.factories import DeliverableFactory, OrganizationMemberFactory, SignedContractFactory
from tests.supervision.conftest import DEADLINE, ISSUED_ON

pytestmark = pytest.mark.django_db

DUE_DAY = datetime.date(2026, 10, 15)  # deliverables due on the 20th are due soon
OVERDUE_DAY = datetime.date(2026, 11, 2)


def deliverables(contract, count, due_on=datetime.date(2026, 10, 20)):
    return [
        DeliverableFactory(contract=contract, title=f"第{n:02d}期服务报告", due_on=due_on, payment_share=1)
        for n in range(count)
    ]


def test_the_digest_holds_every_due_item_exactly_once(contract, member, registrar, organization):
    items = deliverables(contract, 4)
    order = services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="建立项目资金专账",
        deadline=DEADLINE,
        issued_on=ISSUED_ON,
    )
    send_reminders(on=DUE_DAY)
    send_reminders(on=datetime.date(2026, 10, 28))  # the order's deadline is three days away
    first, second = [message for message in mail.outbox if message.to == [member.email]]
    for item in items:
        assert first.body.count(item.title) == 1
    assert "共 4 项" in first.body and order.document_number not in first.body
    assert second.body.count(order.document_number) == 1 and "活动异常名录" in second.body
    assert not any(item.title in second.body for item in items)
    reminders = Notification.objects.filter(recipient=member, kind__in=Notification.REMINDER_KINDS)
    assert reminders.count() == 5 and not reminders.filter(emailed_at__isnull=True).exists()


def test_a_second_run_sends_nothing(contract, member, purchaser):
    deliverables(contract, 3)
    assert send_reminders(on=DUE_DAY).emails_sent == 1
    report = send_reminders(on=DUE_DAY)
    assert report.emails_sent == 0 and report.notifications == 0 and len(mail.outbox) == 1
    # Overdue: the purchaser hears once, the next day's run sends nothing more.
    assert send_reminders(on=OVERDUE_DAY).recipients == [purchaser.username]
    assert send_reminders(on=OVERDUE_DAY + datetime.timedelta(days=1)).emails_sent == 0


def test_a_run_with_nothing_new_reports_what_it_found(contract, member, purchaser, django_assert_max_num_queries):
    """The second run of a day finds the same items, tells no one and e-mails nothing, in a few queries, and says
    what it found; overdue items are counted the same way."""
    deliverables(contract, 3)
    first = send_reminders(on=DUE_DAY)
    assert first.notifications == 3 and first.found[Notification.Kind.DELIVERABLE_DUE] == 3
    # Counting the items due, asking which members were not told yet, the overdue counts and the digest: as many
    # queries for three items as for thousands.
    with django_assert_max_num_queries(9):
        second = send_reminders(on=DUE_DAY)
    assert second.notifications == 0 and second.emails_sent == 0 and second.notified == []
    assert second.found == {
        Notification.Kind.DELIVERABLE_DUE: 3,
        Notification.Kind.ORDER_DUE: 0,
        Notification.Kind.DELIVERABLE_OVERDUE: 0,
        Notification.Kind.ORDER_OVERDUE: 0,
    }
    out = io.StringIO()
    call_command("send_reminders", "--on", DUE_DAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "即将到期的履约事项 3 项、整改通知 0 项；已逾期的履约事项 0 项" in text
    assert "站内提醒：0 人，0 条" in text and "发送提醒邮件：0 封" in text
    send_reminders(on=OVERDUE_DAY)
    later = send_reminders(on=OVERDUE_DAY)
    assert later.found[Notification.Kind.DELIVERABLE_OVERDUE] == 3 and later.notifications == 0


def test_one_digest_a_day_the_rest_waits_for_tomorrow(contract, member):
    deliverables(contract, 1)
    assert send_reminders(on=DUE_DAY).emails_sent == 1
    later = DeliverableFactory(contract=contract, title="追加的服务报告", due_on=datetime.date(2026, 10, 21))
    report = send_reminders(on=DUE_DAY)
    assert report.notifications == 1 and report.emails_sent == 0  # told in the site at once
    assert ReminderDigest.objects.filter(recipient=member).count() == 1
    report = send_reminders(on=DUE_DAY + datetime.timedelta(days=1))
    assert report.emails_sent == 1
    assert mail.outbox[-1].body.count(later.title) == 1 and "第00期服务报告" not in mail.outbox[-1].body


def test_the_digest_size_is_bounded(contract, purchaser):
    items = deliverables(contract, DIGEST_ITEMS_PER_KIND + 15, due_on=datetime.date(2026, 10, 20))
    report = send_reminders(on=OVERDUE_DAY)
    [message] = [message for message in mail.outbox if message.to == [purchaser.email]]
    listed = [item for item in items if item.title in message.body]
    assert len(listed) == DIGEST_ITEMS_PER_KIND
    assert "及其他 15 项" in message.body and "/notifications/?show=all&kind=deliverable_overdue" in message.body
    assert f"共 {len(items)} 项" in message.body
    assert report.items_by_stage["deliverable_overdue"] == len(items)
    # Counted in the digest: none is e-mailed again.
    assert not Notification.objects.filter(recipient=purchaser, emailed_at__isnull=True).exists()
    assert ReminderDigest.objects.get(recipient=purchaser).item_count == len(items)


def run(on, email=True):
    with CaptureQueriesContext(connection) as queries:
        report = send_reminders(on=on, email=email)
    return report, len(queries)


def test_queries_do_not_grow_with_the_items(contract, organization, purchaser, django_assert_max_num_queries):
    OrganizationMemberFactory(organization=organization, email="")
    deliverables(contract, 2)
    small, small_queries = run(DUE_DAY, email=False)
    other = SignedContractFactory(organization=organization, department=purchaser.department, status="performing")
    deliverables(other, 12, due_on=datetime.date(2026, 10, 21))
    with django_assert_max_num_queries(small_queries):
        large = send_reminders(on=DUE_DAY + datetime.timedelta(days=1), email=False)
    assert (small.notifications, large.notifications) == (2, 12)
    # Overdue: the same for the officials' side.
    _report, few = run(datetime.date(2026, 10, 21), email=False)  # the first two
    with django_assert_max_num_queries(few):
        assert send_reminders(on=datetime.date(2026, 10, 22), email=False).notifications == 12
    assert send_reminders(on=datetime.date(2026, 10, 22)).recipients == [
        purchaser.username
    ]  # the member has no address
    # Nothing left to send: a handful of queries, whatever was sent before.
    with django_assert_max_num_queries(8):
        report = send_reminders(on=datetime.date(2026, 10, 22))
    assert report.notifications == 0


def test_command_reports_counts_and_time(contract, member):
    OrganizationMemberFactory(organization=member.organization, email="", username="no_address")
    deliverables(contract, 2)
    out = io.StringIO()
    call_command("send_reminders", "--on", DUE_DAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "站内提醒：2 人，4 条" in text and "发送提醒邮件：1 封" in text
    assert "无电子邮箱、仅站内提醒：1 人（no_address）" in text
    assert "用时" in text and "数据库查询" in text
