"""The contracts demo: built through the services on top of the registry demo, idempotent."""

import pytest

from contracts import demo
from contracts.models import Contract, PurchaseList
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
    assert PurchaseList.objects.get(title=demo.HOHHOT_2026).items.filter(service_name="居家养老上门服务").exists()
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
