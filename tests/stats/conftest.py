"""Factory data spread over two years, two cities (Hohhot with a county, Baotou) and every disclosure state."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.models import Amendment
from evaluations.models import Evaluation
from tests.factories import (
    ComplaintFactory,
    ContractFactory,
    CreditListingFactory,
    DeliverableFactory,
    DepartmentFactory,
    IndicatorSetFactory,
    InspectionFactory,
    OrganizationFactory,
    PaymentFactory,
    PublishedPurchaseListFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    PurchasingDepartmentFactory,
    RatingFactory,
    RectificationOrderFactory,
    SignedContractFactory,
    UserFactory,
    region,
)


def finalized(contract, grade: str, score: str = "88.00", status: str = "finalized") -> Evaluation:
    return Evaluation.objects.create(
        contract=contract,
        kind="annual",
        year=contract.year,
        indicator_set=IndicatorSetFactory(status="frozen"),
        period_start_on=contract.start_on,
        period_end_on=contract.end_on,
        due_on=contract.end_on,
        status=status,
        score=Decimal(score) if status == "finalized" else None,
        grade=grade if status == "finalized" else None,
        evaluator_count=3,
        finalized_at=timezone.now() if status == "finalized" else None,
    )


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@pytest.fixture
def world(db):
    """Records whose figures the tests recompute by hand."""
    hohhot, xincheng, baotou = region("150100"), region("150102"), region("150200")
    hohhot_dept = PurchasingDepartmentFactory(region=hohhot)
    county_dept = PurchasingDepartmentFactory(region=xincheng)
    baotou_dept = PurchasingDepartmentFactory(region=baotou)
    civil = DepartmentFactory(region=hohhot)
    local_org = OrganizationFactory(region=hohhot, org_type="service")
    county_org = OrganizationFactory(region=xincheng, org_type="association")
    baotou_org = OrganizationFactory(region=baotou, org_type="service")
    beijing_org = OrganizationFactory(region=region("110000"), org_type="foundation")
    RatingFactory(organization=local_org)
    CreditListingFactory(organization=county_org)

    items = []
    for year, department, budget, category in [
        (2025, hohhot_dept, "500000.00", "basic_public"),
        (2026, hohhot_dept, "300000.00", "basic_public"),
        (2026, county_dept, "200000.00", "technical"),
        (2026, baotou_dept, "400000.00", "social_management"),
    ]:
        plist = PublishedPurchaseListFactory(department=department, year=year)
        items.append(PurchaseItemFactory(purchase_list=plist, budget=Decimal(budget), category=category))
    # The 2026 Hohhot list also buys a technical service: it counts once in the total, once in each category.
    PurchaseItemFactory(purchase_list=items[1].purchase_list, budget=Decimal("100000.00"), category="technical")
    # Never counted: a draft list and a withdrawn one.
    PurchaseItemFactory(purchase_list=PurchaseListFactory(department=hohhot_dept), budget=Decimal("999999.00"))
    PurchaseItemFactory(
        purchase_list=PublishedPurchaseListFactory(
            department=hohhot_dept,
            status="withdrawn",
            withdrawn_on=datetime.date(2026, 2, 1),
            withdrawal_reason="重复发布",
        ),
        budget=Decimal("7.00"),
    )

    def contract(department, organization, amount, year, item=None, status="signed"):
        day = datetime.date(year, 3, 1)
        completed = datetime.date(year, 11, 30) if status == "completed" else None
        return SignedContractFactory(
            completed_on=completed,
            department=department,
            organization=organization,
            amount=Decimal(amount),
            year=year,
            signed_on=day,
            start_on=day,
            end_on=datetime.date(year, 12, 31),
            purchase_item=item,
            status=status,
        )

    c1 = contract(hohhot_dept, local_org, "120000.00", 2026, items[1])
    c2 = contract(hohhot_dept, beijing_org, "80000.00", 2026, items[1])
    c3 = contract(county_dept, county_org, "150000.00", 2026, items[2], status="performing")
    c4 = contract(baotou_dept, baotou_org, "300000.00", 2026, items[3], status="completed")
    c5 = contract(hohhot_dept, local_org, "450000.00", 2025, items[0], status="completed")
    # Amended from 100,000 to 120,000 (the contract row carries the current amount; the amendment rows are history).
    user = UserFactory()
    for old, new in (("100000.00", "110000.00"), ("110000.00", "120000.00")):
        Amendment.objects.create(
            contract=c1,
            kind="amount",
            old_value=old,
            new_value=new,
            reason="服务人次增加",
            amended_on=datetime.date(2026, 6, 1),
            amended_by=user,
        )
    # Never counted: a draft contract.
    ContractFactory(department=hohhot_dept, organization=local_org, amount=Decimal("777777.00"), year=2026)

    today = datetime.date(2026, 12, 6)
    DeliverableFactory(
        contract=c1, due_on=datetime.date(2026, 6, 30), status="accepted", accepted_at=aware(datetime.date(2026, 6, 20))
    )
    DeliverableFactory(
        contract=c1, due_on=datetime.date(2026, 9, 30), status="accepted", accepted_at=aware(datetime.date(2026, 10, 8))
    )
    DeliverableFactory(contract=c3, due_on=datetime.date(2026, 10, 31), status="returned")
    DeliverableFactory(contract=c3, due_on=datetime.date(2026, 12, 31), status="pending")
    DeliverableFactory(contract=c2, due_on=datetime.date(2026, 11, 30), status="submitted")
    DeliverableFactory(
        contract=c5,
        due_on=datetime.date(2025, 12, 1),
        status="accepted",
        accepted_at=aware(datetime.date(2025, 11, 30)),
    )
    PaymentFactory(contract=c1, amount=Decimal("60000.00"), paid_on=datetime.date(2026, 7, 1))
    PaymentFactory(contract=c5, amount=Decimal("450000.00"), paid_on=datetime.date(2025, 12, 20))
    PaymentFactory(contract=c4, amount=Decimal("300000.00"), paid_on=datetime.date(2026, 12, 1))

    finalized(c1, "excellent", "93.00")
    finalized(c4, "fair", "70.00")
    finalized(c5, "good", "85.00")
    finalized(c3, None, status="scoring")  # not counted: not finalized

    InspectionFactory(
        organization=local_org,
        department=civil,
        status="completed",
        inspected_on=datetime.date(2026, 5, 10),
        conclusion="problems_found",
        findings="财务凭证不全",
    )
    InspectionFactory(organization=county_org, department=civil)  # planned: not counted
    RectificationOrderFactory(
        organization=county_org, department=civil, status="verified", verified_on=datetime.date(2026, 10, 20)
    )
    ComplaintFactory(
        organization=local_org,
        status="upheld",
        decided_at=aware(datetime.date(2026, 11, 1)),
        decided_by=user,
        handler=user,
        review_started_at=aware(datetime.date(2026, 10, 20)),
        reasoning="经核实，服务人员确有未按约定上门的情况",
    )
    return {
        "today": today,
        "hohhot": hohhot,
        "baotou": baotou,
        "hohhot_dept": hohhot_dept,
        "county_dept": county_dept,
        "contracts": [c1, c2, c3, c4, c5],
        "local_org": local_org,
        "beijing_org": beijing_org,
    }
