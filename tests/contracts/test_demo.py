"""The contracts demo: built through the services on top of the registry demo, idempotent."""

import datetime

import pytest
from django.utils import timezone

from contracts import demo
from contracts.models import Contract, Payment, PurchaseItem, PurchaseList, Submission
from registry import demo as registry_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    departments = registry_demo.seed_departments()
    registry_demo.seed_users(departments)
    organizations = registry_demo.seed_organizations(departments)
    registry_demo.seed_members(organizations)
    return departments


def test_seed_builds_lists_and_contracts_in_every_state(departments):
    result = demo.seed(departments)
    assert [purchase_list.status for purchase_list in result["lists"]] == ["published", "published", "draft"]
    hohhot = PurchaseList.objects.get(title="呼和浩特市卫生健康委员会 2026 年政府购买服务目录")
    assert hohhot.items.filter(service_name="居家养老上门服务").exists()
    contracts = {contract.title: contract for contract in Contract.objects.filter(demo.demo_contract_filter())}
    assert len(contracts) == len(demo.CONTRACTS) == 8
    assert {contract.status for contract in contracts.values()} == {
        "draft",
        "signed",
        "performing",
        "completed",
        "terminated",
    }
    # The returned-and-resubmitted deliverable keeps both submissions.
    returned = contracts["新城区居家养老上门服务项目"].deliverables.get(title="第二、三季度服务报告")
    assert list(returned.submissions.values_list("decision", flat=True)) == ["returned", None]
    completed = contracts["赛罕区居家养老助餐服务项目"]
    assert sum(payment.amount for payment in completed.payments.all()) == completed.amount
    # member_yg's organization carries the social-work contracts.
    member_yg = registry_demo.get_user_model().objects.get(username="member_yg")
    assert contracts["赛罕区社区心理健康服务项目"].organization_id == member_yg.organization_id
    assert contracts["红山区、松山区互助养老幸福院运营项目"].department.code == "CFLL"
    assert contracts["红山区、松山区互助养老幸福院运营项目"].organization.region.code.startswith("1504")


def test_seed_is_idempotent(departments):
    demo.seed(departments)
    counts = (PurchaseList.objects.count(), Contract.objects.count())
    demo.seed(departments)
    assert (PurchaseList.objects.count(), Contract.objects.count()) == counts


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def test_seed_dates_submissions_decisions_and_documents_on_their_demo_days(departments):
    demo.seed(departments)
    contracts = Contract.objects.filter(demo.demo_contract_filter())
    completed = contracts.get(title="赛罕区居家养老助餐服务项目")
    # The completed contract's deliverables were accepted on their days, before the contract was completed.
    accepted = {deliverable.title: _day(deliverable.accepted_at) for deliverable in completed.deliverables.all()}
    assert accepted == {"助餐服务中期报告": datetime.date(2026, 7, 8), "助餐服务结项报告": datetime.date(2026, 11, 6)}
    assert all(day <= completed.completed_on for day in accepted.values())
    returned = contracts.get(title="新城区居家养老上门服务项目").deliverables.get(title="第二、三季度服务报告")
    first, second = returned.submissions.all()
    assert (_day(first.submitted_at), _day(first.decided_at), _day(second.submitted_at)) == (
        datetime.date(2026, 10, 29),
        datetime.date(2026, 11, 5),
        datetime.date(2026, 11, 18),
    )
    # Every submission follows the signing and the previous decision, and precedes its own decision.
    for contract in contracts.exclude(signed_on=None):
        for deliverable in contract.deliverables.all():
            previous = datetime.datetime.combine(contract.signed_on, datetime.time(), tzinfo=datetime.UTC)
            for submission in deliverable.submissions.all():
                assert submission.submitted_at > previous
                assert _day(submission.submitted_at) >= contract.signed_on
                if submission.decided_at is not None:
                    assert submission.decided_at > submission.submitted_at
                    previous = submission.decided_at
            if deliverable.accepted_at is not None:
                assert deliverable.accepted_at == previous
        assert [_day(document.uploaded_at) for document in contract.documents.all()] == [contract.signed_on]
    assert Submission.objects.filter(deliverable__contract__in=contracts).count() == 8
    # A payment for a deliverable is made after its acceptance.
    payments = Payment.objects.filter(contract__in=contracts).select_related("deliverable")
    assert payments.count() == 5
    assert all(payment.paid_on >= _day(payment.deliverable.accepted_at) for payment in payments)


def test_the_tables_come_from_the_fixtures():
    """Every list and contract of fixtures/demo is read, with typed dates and the choices' stored values."""
    lists, contracts = demo.load_lists(), demo.load_contracts()
    assert [purchase_list.published_on for purchase_list in lists] == [
        datetime.date(2026, 1, 20),
        datetime.date(2026, 2, 10),
        None,
    ]
    assert {item.category for purchase_list in lists for item in purchase_list.items} <= set(
        PurchaseItem.Category.values
    )
    assert {contract.method for contract in contracts} <= set(Contract.Method.values)
    titles = {purchase_list.title for purchase_list in lists}
    assert {contract.item[0] for contract in contracts if contract.item} <= titles
    events = [event for contract in contracts for deliverable in contract.deliverables for event in deliverable.events]
    assert {event.action for event in events} == {"submit", "return", "accept", "pay"}
    assert all(isinstance(event.on, datetime.date) for event in events)
