"""Whether a payment against a deliverable is recorded, kept on its row by the database (contracts migration 0015):
it follows the payments whatever writes them, a deliverable saved from an older copy keeps it, and the purchasers'
accepted deliverables awaiting payment read from it are those no payment names."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Exists, OuterRef

from contracts.models import Deliverable, Payment
from tests.factories import DeliverableFactory, PaymentFactory, SignedContractFactory

pytestmark = pytest.mark.django_db


def paid(deliverable) -> bool:
    return Deliverable.objects.values_list("paid", flat=True).get(pk=deliverable.pk)


@pytest.fixture
def contract():
    return SignedContractFactory()


@pytest.fixture
def deliverable(contract):
    return DeliverableFactory(contract=contract, due_on=datetime.date(2026, 3, 10), payment_share=50)


def pay(contract, deliverable=None, instalment=1) -> Payment:
    return PaymentFactory(contract=contract, deliverable=deliverable, instalment=instalment, amount=Decimal("1000.00"))


def test_paid_follows_the_payments(contract, deliverable):
    other = DeliverableFactory(contract=contract, due_on=datetime.date(2026, 4, 1), payment_share=50)
    assert (paid(deliverable), paid(other)) == (False, False)
    first = pay(contract, deliverable)
    assert (paid(deliverable), paid(other)) == (True, False)
    second = pay(contract, deliverable, instalment=2)
    Payment.objects.filter(pk=first.pk).delete()
    assert paid(deliverable), "another payment still names it"
    Payment.objects.filter(pk=second.pk).update(deliverable=other)
    assert (paid(deliverable), paid(other)) == (False, True)
    Payment.objects.filter(pk=second.pk).update(deliverable=None)
    assert (paid(deliverable), paid(other)) == (False, False)
    pay(contract, None, instalment=3)  # a payment against no deliverable
    assert (paid(deliverable), paid(other)) == (False, False)


def test_saving_a_deliverable_loaded_earlier_keeps_its_payment(contract, deliverable):
    stale = Deliverable.objects.get(pk=deliverable.pk)
    pay(contract, deliverable)
    stale.status = Deliverable.Status.ACCEPTED
    stale.accepted_at = datetime.datetime(2026, 3, 12, 10, tzinfo=datetime.UTC)
    stale.save()
    assert paid(deliverable)
    Deliverable.objects.filter(pk=deliverable.pk).update(paid=False)  # a write of the column itself is recomputed
    assert paid(deliverable)


def test_a_deliverable_inserted_after_its_payments_is_paid(contract, deliverable):
    key = Deliverable.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    Payment.objects.create(
        contract=contract,
        deliverable_id=key,
        instalment=1,
        amount=Decimal("1000.00"),
        paid_on=datetime.date(2026, 3, 1),
        recorded_by=PaymentFactory.recorded_by.get_factory()(),
    )
    later = DeliverableFactory(pk=key, contract=contract, due_on=datetime.date(2026, 3, 20), payment_share=1)
    assert paid(later)


def test_paid_on_the_row_is_a_payment_among_the_payments(contract, deliverable):
    others = [
        DeliverableFactory(contract=contract, due_on=datetime.date(2026, 4, day), payment_share=1) for day in (1, 2)
    ]
    pay(contract, others[0])
    pay(contract, deliverable, instalment=2)
    from_payments = set(
        Deliverable.objects.filter(Exists(Payment.objects.filter(deliverable=OuterRef("pk")))).values_list(
            "pk", flat=True
        )
    )
    from_row = set(Deliverable.objects.filter(paid=True).values_list("pk", flat=True))
    assert from_payments == from_row == {deliverable.pk, others[0].pk}
