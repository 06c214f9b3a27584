"""The deadline check: one activity-abnormal listing per overdue order, nothing more on a second run; overdue
deliverables flagged once; the verified order's listing offered for removal."""

import datetime
import io

import pytest
from django.core.management import call_command

from registry import services as registry_services
from registry.models import CreditListing
from supervision import services
from supervision.escalation import check_deadlines
from supervision.models import DeliverableOverdueFlag, OrderListing, RectificationOrder
from supervision.selectors import listings_removable
from supervision.tasks import check_deadlines_task
from tests.factories import CreditListingFactory, OrganizationFactory, region
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db

AFTER = datetime.date(2026, 11, 2)


@pytest.fixture
def order(registrar, organization):
    return services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="建立项目资金专账",
        deadline=DEADLINE,
        issued_on=ISSUED_ON,
    )


def state():
    return (
        sorted(CreditListing.objects.values_list("pk", "organization_id", "list_kind", "removed_on")),
        sorted(OrderListing.objects.values_list("order_id", "listing_id")),
        sorted(RectificationOrder.objects.values_list("pk", "overdue_marked_at")),
        sorted(DeliverableOverdueFlag.objects.values_list("deliverable_id", "flagged_on")),
        CreditListing.history.count(),
    )


def test_nothing_happens_before_the_deadline_passes(order):
    report = check_deadlines(on=DEADLINE)
    assert not report.changed
    assert not CreditListing.objects.exists()


def test_overdue_order_is_listed_once_with_the_order_as_reason(order, organization, registrar):
    report = check_deadlines(on=AFTER, now=at(2026, 11, 2, 1))
    listing = CreditListing.objects.get()
    assert listing.organization == organization
    assert listing.list_kind == CreditListing.List.ABNORMAL
    assert listing.listed_on == AFTER
    assert listing.deciding_authority == registrar.department
    assert order.document_number in listing.reason and DEADLINE.isoformat() in listing.reason
    assert report.marked_orders == [order.pk]
    assert report.listings_created == [(order.pk, listing.pk)]
    order.refresh_from_db()
    assert order.overdue_marked_at == at(2026, 11, 2, 1)
    assert order.escalation.listing == listing and order.escalation.created_listing
    # Through the registry's service: the history row records the system's decision.
    history = listing.history.get()
    assert history.history_user is None and "系统自动处理" in history.history_change_reason


def test_running_twice_changes_nothing(order, deliverable):
    first = check_deadlines(on=AFTER)
    assert first.changed and first.flagged_deliverables == [deliverable.pk]
    before = state()
    second = check_deadlines(on=AFTER)
    assert not second.changed
    third = check_deadlines(on=AFTER + datetime.timedelta(days=7))
    assert not third.changed
    assert state() == before
    assert CreditListing.objects.count() == 1


def test_command_twice_reports_and_changes_nothing_the_second_time(order):
    out = io.StringIO()
    call_command("check_deadlines", "--on", AFTER.isoformat(), stdout=out)
    text = out.getvalue()
    assert "新列入活动异常名录：1 条" in text and f"{order.pk}→" in text
    before = state()
    out = io.StringIO()
    call_command("check_deadlines", "--on", AFTER.isoformat(), stdout=out)
    assert "新列入活动异常名录：0 条" in out.getvalue() and "nothing to change" in out.getvalue()
    assert state() == before


def test_already_listed_organization_is_linked_not_listed_again(order, organization):
    existing = CreditListingFactory(organization=organization, listed_on=datetime.date(2026, 7, 1))
    report = check_deadlines(on=AFTER)
    assert report.listings_linked == [(order.pk, existing.pk)] and not report.listings_created
    assert CreditListing.objects.count() == 1
    assert not order.__class__.objects.get(pk=order.pk).escalation.created_listing


def test_two_overdue_orders_share_the_organization_listing(order, registrar, organization):
    second = services.order_issue(
        actor=registrar, organization=organization, requirements="公开年度报告", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    report = check_deadlines(on=AFTER)
    assert len(report.listings_created) == 1 and len(report.listings_linked) == 1
    listing = CreditListing.objects.get()
    assert set(listing.supervision_orders.values_list("order_id", flat=True)) == {order.pk, second.pk}


def test_answered_in_time_is_not_escalated(order, member):
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 10, 30))
    assert not check_deadlines(on=AFTER).changed


def test_verified_order_makes_listing_removable_for_the_registrar(
    order, member, registrar, county_registrar, baotou_registrar, purchaser
):
    check_deadlines(on=AFTER)
    listing = CreditListing.objects.get()
    assert list(listings_removable(registrar)) == []
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 11, 5))
    assert list(listings_removable(registrar)) == []
    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 11, 6))
    assert list(listings_removable(registrar)) == [listing]
    assert list(listings_removable(county_registrar)) == [listing]
    assert list(listings_removable(baotou_registrar)) == []
    assert list(listings_removable(purchaser)) == []
    # Removal stays a human decision through the registry.
    registry_services.credit_listing_remove(
        actor=registrar, listing=listing, removed_on=datetime.date(2026, 11, 8), reason="已完成整改"
    )
    assert list(listings_removable(registrar)) == []


def test_listing_is_not_removable_while_another_linked_order_is_open(order, registrar, organization, member):
    services.order_issue(
        actor=registrar, organization=organization, requirements="公开年度报告", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    check_deadlines(on=AFTER)
    services.order_answer(actor=member, order=order, text="已整改", now=at(2026, 11, 5))
    services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 11, 6))
    assert list(listings_removable(registrar)) == []


def test_a_failing_order_is_reported_and_the_others_still_escalate(registrar, organization, hohhot_bureau):
    # Registered on 1 November: the registry refuses to list it as of 20 October.
    young = OrganizationFactory(
        region=region("150102"), registration_authority=hohhot_bureau, established_on=datetime.date(2026, 11, 1)
    )
    bad = services.order_issue(
        actor=registrar,
        organization=young,
        requirements="整改",
        deadline=datetime.date(2026, 10, 5),
        issued_on=datetime.date(2026, 10, 2),
    )
    good = services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="整改",
        deadline=datetime.date(2026, 9, 5),
        issued_on=datetime.date(2026, 9, 1),
    )
    report = check_deadlines(on=datetime.date(2026, 10, 20))
    assert [pair[0] for pair in report.listings_created] == [good.pk]
    assert report.marked_orders == [good.pk]
    assert len(report.errors) == 1 and report.errors[0].startswith(f"#{bad.pk}")
    bad.refresh_from_db()
    assert bad.overdue_marked_at is None and not OrderListing.objects.filter(order=bad).exists()


def test_overdue_deliverables_flagged_once(deliverable):
    report = check_deadlines(on=datetime.date(2026, 10, 21))
    assert report.flagged_deliverables == [deliverable.pk]
    flag = DeliverableOverdueFlag.objects.get()
    assert flag.due_on == deliverable.due_on and flag.flagged_on == datetime.date(2026, 10, 21)
    assert check_deadlines(on=datetime.date(2026, 10, 22)).flagged_deliverables == []


def test_deliverable_due_today_is_not_flagged(deliverable):
    assert check_deadlines(on=deliverable.due_on).flagged_deliverables == []


def test_task_runs_the_same_check(order):
    result = check_deadlines_task.enqueue(on=AFTER.isoformat())
    assert result.return_value["listings_created"] == [[order.pk, CreditListing.objects.get().pk]]
    assert check_deadlines_task.enqueue(on=AFTER.isoformat()).return_value["listings_created"] == []


def test_command_refuses_future_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("check_deadlines", "--on", "2999-01-01")
