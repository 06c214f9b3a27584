"""The contracts' to-do kinds: each appears when its condition holds, links to where the action is taken, and goes
away when the action is taken; an official of another region sees none of it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Contract
from tests.factories import ContractFactory, OrganizationMemberFactory, PurchaseListFactory, make_upload
from tests.inbox import todo_counts, todo_urls

pytestmark = pytest.mark.django_db

AUG_20 = datetime.date(2026, 8, 20)


def _first(contract):
    return contract.deliverables.order_by("due_on").first()


def test_member_sees_deliverable_due_within_14_days_and_submitting_removes_it(signed_contract, member, purchaser):
    deliverable = _first(signed_contract)
    assert "contracts.due" not in todo_counts(member, datetime.date(2026, 8, 16))  # 15 days ahead
    assert todo_counts(member, AUG_20)["contracts.due"] == (1, 0)
    assert todo_urls(member, AUG_20, "contracts.due") == [
        reverse("contracts:submission-create", args=[signed_contract.number, deliverable.pk])
    ]
    assert todo_counts(member, datetime.date(2026, 9, 1))["contracts.due"] == (1, 1)

    services.submission_create(actor=member, deliverable=deliverable, report="上半年服务已完成", files=[make_upload()])

    assert "contracts.due" not in todo_counts(member, AUG_20)
    assert todo_counts(purchaser, AUG_20)["contracts.submissions"] == (1, 0)


def test_purchaser_accepts_then_pays(signed_contract, member, purchaser):
    deliverable = _first(signed_contract)
    submission = services.submission_create(actor=member, deliverable=deliverable, report="完成", files=[make_upload()])
    [url] = todo_urls(purchaser, AUG_20, "contracts.submissions")
    assert url == reverse("contracts:submission-decide", args=[signed_contract.number, submission.pk])

    services.deliverable_accept(actor=purchaser, submission=submission)
    counts = todo_counts(purchaser, AUG_20)
    assert "contracts.submissions" not in counts
    assert counts["contracts.unpaid"] == (1, 0)

    services.payment_record(
        actor=purchaser,
        contract=signed_contract,
        amount=Decimal("40000.00"),
        paid_on=AUG_20,
        deliverable=deliverable,
    )
    assert "contracts.unpaid" not in todo_counts(purchaser, AUG_20)


def test_returned_submission_goes_back_to_the_member(signed_contract, member, purchaser):
    deliverable = _first(signed_contract)
    submission = services.submission_create(actor=member, deliverable=deliverable, report="完成", files=[make_upload()])
    services.deliverable_return(actor=purchaser, submission=submission, comment="缺少回访记录")
    assert todo_counts(member, AUG_20)["contracts.returned"] == (1, 0)
    services.submission_create(actor=member, deliverable=deliverable, report="补充回访记录", files=[make_upload()])
    assert "contracts.returned" not in todo_counts(member, AUG_20)


def test_overdue_deliverable_for_the_purchaser_only_in_region(signed_contract, purchaser, chifeng_purchaser):
    assert "contracts.overdue" not in todo_counts(purchaser, AUG_20)
    counts = todo_counts(purchaser, datetime.date(2026, 9, 1))
    assert counts["contracts.overdue"] == (1, 1)
    assert todo_counts(chifeng_purchaser, datetime.date(2026, 9, 1)) == {}


def test_contract_ending_within_30_days(signed_contract, purchaser):
    assert "contracts.ending" not in todo_counts(purchaser, datetime.date(2027, 1, 28))
    assert todo_counts(purchaser, datetime.date(2027, 1, 29))["contracts.ending"] == (1, 0)
    services.contract_start_performance(actor=purchaser, contract=signed_contract)
    services.contract_terminate(actor=purchaser, contract=signed_contract, reason="服务需求调整")
    assert "contracts.ending" not in todo_counts(purchaser, datetime.date(2027, 1, 29))


def test_stale_drafts(purchaser, department, organization, chifeng_purchaser):
    old = timezone.now() - datetime.timedelta(days=31)
    contract = ContractFactory(department=department, organization=organization, created_at=old)
    ContractFactory(department=department, organization=organization)  # recent: not yet
    purchase_list = PurchaseListFactory(department=department, created_at=old)
    today = timezone.localdate()
    counts = todo_counts(purchaser, today)
    assert counts["contracts.stale_drafts"] == (1, 0)
    assert counts["contracts.stale_lists"] == (1, 0)
    assert todo_counts(chifeng_purchaser, today) == {}

    services.contract_delete(actor=purchaser, contract=contract)
    services.purchase_list_delete(actor=purchaser, purchase_list=purchase_list)
    counts = todo_counts(purchaser, today)
    assert "contracts.stale_drafts" not in counts and "contracts.stale_lists" not in counts
    assert not Contract.objects.filter(pk=contract.pk).exists()


def test_stale_drafts_count_whole_local_days(purchaser, department, organization):
    """A draft is stale from the start (in TIME_ZONE) of the 31st day after the day it was created, all day long:
    the list is the same at any hour of a day."""
    created = timezone.make_aware(datetime.datetime(2026, 11, 5, 23, 30))  # local time
    ContractFactory(department=department, organization=organization, created_at=created)
    PurchaseListFactory(department=department, created_at=created)
    for day in (datetime.date(2026, 12, 4), datetime.date(2026, 12, 5)):
        counts = todo_counts(purchaser, day)
        assert "contracts.stale_drafts" not in counts and "contracts.stale_lists" not in counts
    counts = todo_counts(purchaser, datetime.date(2026, 12, 6))
    assert counts["contracts.stale_drafts"] == (1, 0)
    assert counts["contracts.stale_lists"] == (1, 0)


def test_member_of_another_organization_sees_nothing(signed_contract):
    stranger = OrganizationMemberFactory()
    contract_kinds = {key for key in todo_counts(stranger, datetime.date(2026, 9, 1)) if key.startswith("contracts.")}
    assert contract_kinds == set()


def test_purchasers_list_their_own_departments_work(signed_contract, member):
    """A purchaser of another department — even the province's, who may open the contract — is not handed it."""
    from tests.factories import PurchaserFactory, PurchasingDepartmentFactory, region

    provincial = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150000")))
    neighbour = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150100")))
    deliverable = _first(signed_contract)
    services.submission_create(actor=member, deliverable=deliverable, report="完成", files=[make_upload()])
    assert todo_counts(provincial, AUG_20) == {}
    assert todo_counts(neighbour, AUG_20) == {}
