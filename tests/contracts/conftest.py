"""Fixtures shared by the contracts tests: a Hohhot purchasing department with its purchaser, an eligible
organization with a member, a published purchase item, and draft and signed contracts built through the services."""

import datetime
from decimal import Decimal

import pytest

from contracts import services
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaseItemFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RatingFactory,
    region,
)

SIGNED_ON = datetime.date(2026, 2, 20)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def eligible_organization(**fields):
    """An organization in good standing: active, with a rating valid through 2029."""
    organization = OrganizationFactory(**fields)
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    return organization


@pytest.fixture
def department(db):
    return PurchasingDepartmentFactory(region=region("150100"), code="HHTEST")


@pytest.fixture
def purchaser(department):
    return PurchaserFactory(department=department)


@pytest.fixture
def chifeng_purchaser(db):
    return PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150400")))


@pytest.fixture
def organization(db):
    return eligible_organization()


@pytest.fixture
def member(organization):
    return OrganizationMemberFactory(organization=organization)


@pytest.fixture
def other_member(db):
    return OrganizationMemberFactory(organization=eligible_organization())


@pytest.fixture
def item(department):
    return PurchaseItemFactory(purchase_list__department=department, budget=Decimal("300000.00"))


@pytest.fixture
def draft_contract(department, organization, item):
    """A draft contract ready to sign: 100,000 yuan, one year, two deliverables of 40 % and 60 %."""
    contract = ContractFactory(department=department, organization=organization, purchase_item=item)
    DeliverableFactory(contract=contract, title="上半年服务", due_on=datetime.date(2026, 8, 31), payment_share=40)
    DeliverableFactory(contract=contract, title="全年服务", due_on=datetime.date(2027, 2, 28), payment_share=60)
    return contract


@pytest.fixture
def signed_contract(purchaser, draft_contract):
    return services.contract_sign(actor=purchaser, contract=draft_contract, signed_on=SIGNED_ON)
