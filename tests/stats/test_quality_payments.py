"""The data-quality check of payments: a payment recorded against no deliverable, or against a deliverable not yet
accepted, is listed for the purchasing department that recorded it (its 待办 and the report), and leaves the list
once the deliverable is accepted; other departments' payments and payments against accepted deliverables never
show."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contracts.models import Deliverable
from stats import quality
from tests.factories import DeliverableFactory, PaymentFactory, PurchaserFactory, SignedContractFactory
from tests.inbox import todo_counts, todo_group

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)
KIND = "stats.payment_without_acceptance"


def _details(purchaser) -> list[str]:
    group = todo_group(purchaser, DAY, KIND)
    return [] if group is None else sorted(item.detail for item in group.items)


def test_payments_without_an_accepted_deliverable_are_the_departments_own():
    purchaser = PurchaserFactory()
    contract = SignedContractFactory(department=purchaser.department, number="NMMZ-2026-0101")
    accepted = DeliverableFactory(contract=contract, status="accepted", accepted_at=timezone.now())
    submitted = DeliverableFactory(contract=contract, status="submitted")
    PaymentFactory(contract=contract, instalment=1, deliverable=accepted)
    PaymentFactory(contract=contract, instalment=2, deliverable=submitted)
    PaymentFactory(contract=contract, instalment=3, deliverable=None)
    elsewhere = SignedContractFactory(number="NMMZ-2026-0102")  # another department's
    PaymentFactory(contract=elsewhere, instalment=1, deliverable=None)
    PaymentFactory(
        contract=elsewhere, instalment=2, deliverable=DeliverableFactory(contract=elsewhere, status="returned")
    )

    assert todo_counts(purchaser, DAY)[KIND] == (2, 0)
    assert _details(purchaser) == ["2", "3"]  # the instalments
    report = quality.data_quality(purchaser, purchaser.department.region, today=DAY)
    assert report.item("payment_without_acceptance").count == 2

    Deliverable.objects.filter(pk=submitted.pk).update(status="accepted", accepted_at=timezone.now())
    assert _details(purchaser) == ["3"]
    assert (
        quality.data_quality(purchaser, purchaser.department.region, today=DAY).item("payment_without_acceptance").count
        == 1
    )
