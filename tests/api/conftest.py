"""Fixtures of the API tests: one user per role around a Hohhot purchasing department and organization, and
records in every public and non-public state (draft and published lists, draft and signed contracts, a submitted
deliverable, a credit listing, a finalized evaluation)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from contracts import services as contract_services
from evaluations.models import Evaluation
from tests.factories import (
    ContractFactory,
    CreditListingFactory,
    DeliverableFactory,
    DepartmentFactory,
    EvaluatorFactory,
    IndicatorSetFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RatingFactory,
    RegistrarFactory,
    make_upload,
    region,
)

SIGNED_ON = datetime.date(2026, 2, 20)
ROLES = ("anonymous", "member", "evaluator", "purchaser", "other_purchaser", "registrar")


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    """Uploaded and exported files go to a fresh folder (the cache and the rate counters live in the test database,
    rolled back after each test)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def eligible_organization(**fields):
    organization = OrganizationFactory(**fields)
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    return organization


@pytest.fixture
def department(db):
    return PurchasingDepartmentFactory(region=region("150100"), code="HHAPI")


@pytest.fixture
def organization(db):
    return eligible_organization(region=region("150102"))


@pytest.fixture
def users(department, organization):
    """One user per role: the purchaser and registrar cover Hohhot, the other purchaser Chifeng."""
    return {
        "anonymous": None,
        "member": OrganizationMemberFactory(organization=organization),
        "evaluator": EvaluatorFactory(),
        "purchaser": PurchaserFactory(department=department),
        "other_purchaser": PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150400"))),
        "registrar": RegistrarFactory(department=DepartmentFactory(region=region("150100"))),
    }


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def draft_list(department):
    return PurchaseListFactory(department=department, title="2027 年购买服务目录（草稿）", year=2027)


@pytest.fixture
def item(department):
    return PurchaseItemFactory(purchase_list__department=department, budget=Decimal("300000.00"))


@pytest.fixture
def draft_contract(department, organization, item):
    contract = ContractFactory(department=department, organization=organization, purchase_item=item)
    DeliverableFactory(contract=contract, title="上半年服务", due_on=datetime.date(2026, 8, 31), payment_share=40)
    DeliverableFactory(contract=contract, title="全年服务", due_on=datetime.date(2027, 2, 28), payment_share=60)
    return contract


@pytest.fixture
def signed_contract(users, department, organization, item):
    contract = ContractFactory(department=department, organization=organization, purchase_item=item)
    DeliverableFactory(contract=contract, title="第一季度服务", due_on=datetime.date(2026, 5, 31), payment_share=30)
    DeliverableFactory(contract=contract, title="全年服务", due_on=datetime.date(2027, 2, 28), payment_share=70)
    return contract_services.contract_sign(actor=users["purchaser"], contract=contract, signed_on=SIGNED_ON)


@pytest.fixture
def submitted_deliverable(users, signed_contract):
    deliverable = signed_contract.deliverables.order_by("due_on").first()
    contract_services.submission_create(
        actor=users["member"], deliverable=deliverable, report="第一季度服务 3,000 人次", files=[make_upload("pdf")]
    )
    deliverable.refresh_from_db()
    return deliverable


@pytest.fixture
def listing(db):
    """An open activity-abnormal listing of another Hohhot organization."""
    return CreditListingFactory(
        organization=OrganizationFactory(region=region("150105")), listed_on=datetime.date(2026, 7, 1)
    )


def finalized_evaluation(contract, *, grade: str = "good", score: str = "85.50", kind: str = "final") -> Evaluation:
    """A finalized evaluation stored as evaluation_finalize leaves it (no indicators: the API shows the totals)."""
    return Evaluation.objects.create(
        contract=contract,
        kind=kind,
        year=contract.year,
        indicator_set=IndicatorSetFactory(status="frozen"),
        period_start_on=contract.start_on,
        period_end_on=contract.end_on,
        due_on=contract.end_on,
        status=Evaluation.Status.FINALIZED,
        score=Decimal(score),
        grade=grade,
        evaluator_count=3,
        finalized_at=timezone.now(),
    )
