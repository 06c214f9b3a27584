"""Reads: what each user sees of lists and contracts, the annotations pages rely on, and constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts import selectors, services
from contracts.models import Contract, PurchaseList
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    PaymentFactory,
    PublishedPurchaseListFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    PurchaserFactory,
    SignedContractFactory,
    SuperuserFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chifeng_department(chifeng_purchaser):
    """The Chifeng purchaser's own department."""
    return chifeng_purchaser.department


class TestPurchaseLists:
    def test_visibility(self, purchaser, chifeng_purchaser, department, chifeng_department):
        hohhot_draft = PurchaseListFactory(department=department)
        chifeng_draft = PurchaseListFactory(department=chifeng_department)
        published = PublishedPurchaseListFactory(department=chifeng_department)
        withdrawn = PublishedPurchaseListFactory(
            department=department, status="withdrawn", withdrawn_on="2026-03-01", withdrawal_reason="调整"
        )
        public = {published, withdrawn}
        assert set(selectors.purchase_list_list()) == public
        assert set(selectors.purchase_list_list(user=AnonymousUser())) == public
        assert set(selectors.purchase_list_list(user=purchaser)) == public | {hohhot_draft}
        assert set(selectors.purchase_list_list(user=chifeng_purchaser)) == public | {chifeng_draft}
        assert set(selectors.purchase_list_list(user=SuperuserFactory())) == public | {hohhot_draft, chifeng_draft}

    def test_annotations(self, department):
        purchase_list = PublishedPurchaseListFactory(department=department)
        PurchaseItemFactory(purchase_list=purchase_list, budget=Decimal("100000.00"))
        PurchaseItemFactory(purchase_list=purchase_list, budget=Decimal("50000.50"))
        empty = PublishedPurchaseListFactory(department=department)
        rows = {row.pk: row for row in selectors.purchase_list_list()}
        assert (rows[purchase_list.pk].item_count, rows[purchase_list.pk].total_budget) == (2, Decimal("150000.50"))
        assert (rows[empty.pk].item_count, rows[empty.pk].total_budget) == (0, Decimal("0"))

    def test_get_with_items_and_visible_contracts(self, purchaser, department, django_assert_max_num_queries):
        purchase_list = PublishedPurchaseListFactory(department=department)
        item = PurchaseItemFactory(purchase_list=purchase_list, code="A01", budget=Decimal("300000.00"))
        PurchaseItemFactory(purchase_list=purchase_list, code="A02")
        signed = SignedContractFactory(department=department, purchase_item=item, amount=Decimal("120000.00"))
        draft = ContractFactory(department=department, purchase_item=item, amount=Decimal("50000.00"))

        with django_assert_max_num_queries(4):
            public_view = selectors.purchase_list_get(pk=purchase_list.pk)
            rows = {row.code: row for row in public_view.item_rows}
            assert rows["A01"].visible_contracts == [signed]
        assert rows["A01"].committed_amount == Decimal("120000.00")
        assert rows["A01"].remaining_budget == Decimal("180000.00")
        assert rows["A01"].contract_count == 1
        assert rows["A02"].visible_contracts == []

        own_view = selectors.purchase_list_get(pk=purchase_list.pk, user=purchaser)
        contracts = {row.code: row.visible_contracts for row in own_view.item_rows}
        assert set(contracts["A01"]) == {signed, draft}

    def test_get_refuses_drafts_to_the_public(self, purchaser, department):
        draft = PurchaseListFactory(department=department)
        with pytest.raises(PurchaseList.DoesNotExist):
            selectors.purchase_list_get(pk=draft.pk)
        assert selectors.purchase_list_get(pk=draft.pk, user=purchaser) == draft

    def test_remaining_budget(self, department):
        item = PurchaseItemFactory(purchase_list__department=department, budget=Decimal("300000.00"))
        SignedContractFactory(department=department, purchase_item=item, amount=Decimal("100000.00"))
        performing = SignedContractFactory(
            department=department, purchase_item=item, amount=Decimal("50000.00"), status="performing"
        )
        ContractFactory(department=department, purchase_item=item, amount=Decimal("999999.00"))
        assert selectors.item_remaining_budget(item) == Decimal("150000.00")
        assert selectors.item_remaining_budget(item, exclude_contract=performing) == Decimal("200000.00")
        [row] = selectors.purchase_item_list(purchase_list=item.purchase_list)
        assert row.remaining_budget == Decimal("150000.00")


class TestContractLists:
    @pytest.fixture
    def contracts(self, department, chifeng_department, organization):
        return {
            "hohhot_draft": ContractFactory(department=department, organization=organization),
            "hohhot_signed": SignedContractFactory(department=department, organization=organization),
            "chifeng_draft": ContractFactory(department=chifeng_department),
            "chifeng_signed": SignedContractFactory(department=chifeng_department),
        }

    def names(self, queryset, contracts):
        by_pk = {contract.pk: name for name, contract in contracts.items()}
        return {by_pk[contract.pk] for contract in queryset}

    def test_visibility(self, contracts, purchaser, chifeng_purchaser, member):
        public = {"hohhot_signed", "chifeng_signed"}
        assert self.names(selectors.contract_list_for(user=None), contracts) == public
        assert self.names(selectors.contract_list_for(user=AnonymousUser()), contracts) == public
        assert self.names(selectors.contract_list_for(user=member), contracts) == public
        assert self.names(selectors.contract_list_for(user=purchaser), contracts) == public | {"hohhot_draft"}
        assert self.names(selectors.contract_list_for(user=chifeng_purchaser), contracts) == public | {"chifeng_draft"}
        assert self.names(selectors.contract_list_for(user=SuperuserFactory()), contracts) == set(contracts)

    def test_mine(self, contracts, purchaser, member, other_member):
        assert self.names(selectors.contract_list_for(user=purchaser, mine=True), contracts) == {
            "hohhot_draft",
            "hohhot_signed",
        }
        assert self.names(selectors.contract_list_for(user=member, mine=True), contracts) == {"hohhot_signed"}
        assert self.names(selectors.contract_list_for(user=other_member, mine=True), contracts) == set()
        assert self.names(selectors.contract_list_for(user=None, mine=True), contracts) == set()

    def test_a_purchaser_sees_only_their_own_departments_drafts(self, contracts, department):
        public = {"hohhot_signed", "chifeng_signed"}
        provincial = PurchaserFactory(department__region=region("150000"))
        colleague = PurchaserFactory(department__region=department.region)  # another department of the city
        for other in (provincial, colleague):
            assert self.names(selectors.contract_list_for(user=other), contracts) == public
            assert self.names(selectors.contract_list_for(user=other, mine=True), contracts) == set()
        draft = PurchaseListFactory(department=department)
        assert draft not in set(selectors.purchase_list_list(user=colleague))

    def test_organization_contracts(self, contracts, organization, purchaser):
        assert self.names(selectors.organization_contract_list(organization=organization), contracts) == {
            "hohhot_signed"
        }
        assert self.names(
            selectors.organization_contract_list(organization=organization, user=purchaser), contracts
        ) == {"hohhot_signed", "hohhot_draft"}

    def test_annotations(self, purchaser, organization, department):
        contract = SignedContractFactory(department=department, organization=organization)
        DeliverableFactory(contract=contract, due_on=datetime.date(2026, 4, 1), payment_share=50)
        DeliverableFactory(contract=contract, due_on=datetime.date(2099, 4, 1), payment_share=50)
        PaymentFactory(contract=contract, instalment=1, amount=Decimal("20000.00"), recorded_by=purchaser)
        PaymentFactory(contract=contract, instalment=2, amount=Decimal("5000.00"), recorded_by=purchaser)
        [row] = selectors.contract_list_for(user=purchaser)
        assert (row.overdue_count, row.paid_amount) == (1, Decimal("25000.00"))
        assert list(selectors.contract_list_for(user=None).filter(overdue_count__gt=0)) == [contract]

    def test_query_count_constant_in_page_size(self, purchaser, department):
        def page_queries(size: int) -> int:
            with CaptureQueriesContext(connection) as captured:
                page = Paginator(selectors.contract_list_for(user=purchaser).order_by("number"), size).page(1)
                for contract in page:
                    str(contract.department.region)
                    str(contract.organization)
                    contract.purchase_item and str(contract.purchase_item.purchase_list)
                    (contract.overdue_count, contract.paid_amount, contract.get_status_display())
            return len(captured)

        def add_contracts(count: int) -> None:
            for _ in range(count):
                item = PurchaseItemFactory(purchase_list__department=department)
                contract = SignedContractFactory(department=department, purchase_item=item)
                DeliverableFactory(contract=contract, due_on=datetime.date(2026, 4, 1))
                PaymentFactory(contract=contract, instalment=1, recorded_by=purchaser)

        add_contracts(3)
        small = page_queries(3)
        add_contracts(17)
        assert page_queries(20) == small


class TestContractDetail:
    def test_get_by_number_respects_visibility(self, purchaser, chifeng_purchaser, draft_contract):
        assert selectors.contract_get_by_number(number=draft_contract.number, user=purchaser) == draft_contract
        for user in (None, chifeng_purchaser):
            with pytest.raises(Contract.DoesNotExist):
                selectors.contract_get_by_number(number=draft_contract.number, user=user)
        with pytest.raises(Contract.DoesNotExist):
            selectors.contract_get_by_number(number="NO-SUCH-0001", user=purchaser)

    def test_detail_prefetches_everything(self, purchaser, member, signed_contract, django_assert_max_num_queries):
        for deliverable in signed_contract.deliverables.all():
            submission = services.submission_create(
                actor=member, deliverable=deliverable, report="报告", files=[make_upload(), make_upload("png")]
            )
            services.deliverable_return(actor=purchaser, submission=submission, comment="补充")
            services.submission_create(actor=member, deliverable=deliverable, report="再报", files=[make_upload()])
        services.payment_record(
            actor=purchaser, contract=signed_contract, amount=Decimal("100"), paid_on=datetime.date(2026, 3, 1)
        )
        services.contract_amend(actor=purchaser, contract=signed_contract, reason="增量", amount=Decimal("110000"))
        services.contract_document_add(actor=purchaser, contract=signed_contract, file=make_upload(), title="正本")

        with django_assert_max_num_queries(10):
            contract = selectors.contract_get_by_number(number=signed_contract.number, user=None)
            for deliverable in contract.deliverables.all():
                _ = (deliverable.is_overdue_now, deliverable.is_overdue, deliverable.open_submission)
                for submission in deliverable.submissions.all():
                    _ = (str(submission.submitted_by), str(submission.decided_by), list(submission.files.all()))
            [(p.deliverable, p.recorded_by) for p in contract.payments.all()]
            [a.amended_by for a in contract.amendments.all()]
            [d.uploaded_by for d in contract.documents.all()]
        assert contract.paid_amount == Decimal("100.00")
        assert len(contract.amendments.all()) == 1
