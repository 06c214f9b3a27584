"""The models' invariants held by the database, derived properties, labels and history."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from contracts.models import (
    Amendment,
    Contract,
    Deliverable,
    PurchaseItem,
    PurchaseList,
    Submission,
    add_years,
)
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    PaymentFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    SignedContractFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


class TestConstraints:
    def test_item_code_unique_within_a_list(self):
        item = PurchaseItemFactory(code="A01")
        assert violates(lambda: PurchaseItemFactory(purchase_list=item.purchase_list, code="A01"))
        assert PurchaseItemFactory(code="A01").pk  # another list may reuse it

    def test_item_budget_quantity_and_period(self):
        assert violates(lambda: PurchaseItemFactory(budget=Decimal("0")))
        assert violates(lambda: PurchaseItemFactory(quantity=Decimal("0")))
        assert violates(
            lambda: PurchaseItemFactory(
                service_start_on=datetime.date(2026, 5, 1), service_end_on=datetime.date(2026, 4, 30)
            )
        )

    def test_list_states_carry_their_dates(self):
        assert violates(lambda: PurchaseListFactory(status=PurchaseList.Status.PUBLISHED, published_on=None))
        assert violates(
            lambda: PurchaseListFactory(
                status=PurchaseList.Status.WITHDRAWN, published_on="2026-01-01", withdrawn_on="2026-02-01"
            )
        )

    def test_contract_number_unique(self):
        ContractFactory(number="HHWJ-2026-0001")
        assert violates(lambda: ContractFactory(number="HHWJ-2026-0001"))

    def test_signed_contract_needs_date_amount_and_ordered_period(self):
        assert violates(lambda: SignedContractFactory(signed_on=None))
        assert violates(lambda: SignedContractFactory(amount=Decimal("0")))
        assert violates(lambda: SignedContractFactory(start_on="2026-05-01", end_on="2026-04-01"))
        # A draft may be inconsistent while it is being written; signing refuses it.
        assert ContractFactory(amount=Decimal("0"), start_on="2026-05-01", end_on="2026-04-01").pk

    def test_terminated_and_completed_carry_their_facts(self):
        assert violates(lambda: SignedContractFactory(status="terminated", terminated_on="2026-05-01"))
        assert violates(lambda: SignedContractFactory(status="completed"))

    def test_deliverable_share_range(self):
        assert violates(lambda: DeliverableFactory(payment_share=Decimal("0")))
        assert violates(lambda: DeliverableFactory(payment_share=Decimal("100.01")))
        assert violates(lambda: DeliverableFactory(status=Deliverable.Status.ACCEPTED))

    def test_one_open_submission_per_deliverable(self):
        deliverable = DeliverableFactory()
        user = UserFactory()
        Submission.objects.create(deliverable=deliverable, report="一", submitted_by=user)
        assert violates(lambda: Submission.objects.create(deliverable=deliverable, report="二", submitted_by=user))

    def test_decisions_are_complete(self):
        deliverable = DeliverableFactory()
        user = UserFactory()
        assert violates(
            lambda: Submission.objects.create(
                deliverable=deliverable, report="一", submitted_by=user, decision="accepted"
            )
        )
        assert violates(
            lambda: Submission.objects.create(
                deliverable=deliverable,
                report="一",
                submitted_by=user,
                decision="returned",
                decided_by=user,
                decided_at="2026-05-01T10:00+08:00",
            )
        )

    def test_payment_instalments_unique_and_positive(self):
        payment = PaymentFactory()
        assert violates(lambda: PaymentFactory(contract=payment.contract, instalment=1))
        assert violates(lambda: PaymentFactory(contract=payment.contract, instalment=2, amount=Decimal("0")))

    def test_amendment_needs_a_reason(self):
        contract = SignedContractFactory()
        assert violates(
            lambda: Amendment.objects.create(
                contract=contract,
                kind="amount",
                old_value="1",
                new_value="2",
                reason="",
                amended_on="2026-05-01",
                amended_by=UserFactory(),
            )
        )


class TestTerms:
    @pytest.mark.parametrize(
        ("start", "end", "one_year"),
        [
            ((2026, 3, 1), (2027, 2, 28), True),
            ((2026, 3, 1), (2027, 3, 1), False),
            ((2026, 1, 1), (2026, 12, 31), True),
            ((2026, 1, 1), (2027, 1, 1), False),
            ((2028, 2, 29), (2029, 2, 27), True),
            ((2028, 2, 29), (2029, 2, 28), False),
        ],
    )
    def test_one_year(self, start, end, one_year):
        contract = Contract(start_on=datetime.date(*start), end_on=datetime.date(*end))
        assert contract.term_within(1) is one_year
        assert contract.term_exceeds_one_year is not one_year

    def test_add_years(self):
        assert add_years(datetime.date(2026, 3, 1), 3) == datetime.date(2029, 3, 1)
        assert add_years(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)


class TestLabels:
    def test_statuses_and_categories_in_chinese(self):
        assert [label for _, label in PurchaseList.Status.choices] == ["草稿", "已发布", "已撤回"]
        assert [label for _, label in Contract.Status.choices] == ["草稿", "已签订", "履行中", "已完成", "已终止"]
        assert [label for _, label in Deliverable.Status.choices] == ["待提交", "已提交", "已验收", "已退回"]
        assert [label for _, label in PurchaseItem.Category.choices] == [
            "基本公共服务",
            "社会管理性服务",
            "行业管理与协调性服务",
            "技术性服务",
            "政府履职所需辅助性服务",
        ]
        assert [label for _, label in Contract.Method.choices] == [
            "公开招标",
            "邀请招标",
            "竞争性谈判",
            "竞争性磋商",
            "单一来源",
            "询价",
            "其他",
        ]
        assert str(Contract._meta.verbose_name) == "购买服务合同"

    def test_str(self):
        contract = ContractFactory(number="HHWJ-2026-0007", title="居家养老上门服务")
        assert str(contract) == "HHWJ-2026-0007 居家养老上门服务"
        assert str(PurchaseItemFactory(code="A01", service_name="社区心理健康服务")) == "A01 社区心理健康服务"


def test_public_and_active():
    draft = ContractFactory()
    signed = SignedContractFactory()
    assert (draft.is_public, draft.is_active) == (False, False)
    assert (signed.is_public, signed.is_active) == (True, True)


def test_every_model_is_historied():
    from django.apps import apps

    for model in apps.get_app_config("contracts").get_models():
        if model.__name__.startswith("Historical") or model.__name__ == "ContractNumberSequence":
            continue
        assert hasattr(model, "history"), model
