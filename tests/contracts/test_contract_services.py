"""Contracts: creation with generated numbers, every signing rule accepted and refused, the status transitions and
amendments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts import services
from contracts.models import Amendment, Contract, Deliverable
from registry.models import CreditListing, Organization
from tests.contracts.conftest import SIGNED_ON, eligible_organization
from tests.errors import all_codes, codes
from tests.factories import (
    ContractFactory,
    CreditListingFactory,
    DeliverableFactory,
    OrganizationFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    PurchaserFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def sign(purchaser, contract, **kwargs):
    kwargs.setdefault("signed_on", SIGNED_ON)
    return services.contract_sign(actor=purchaser, contract=contract, **kwargs)


def refusal_messages(excinfo) -> list[str]:
    return excinfo.value.messages


def create(purchaser, department, organization, **fields):
    values = {
        "title": "社区心理健康服务项目",
        "method": Contract.Method.COMPETITIVE_CONSULTATION,
        "amount": Decimal("80000.00"),
        "start_on": datetime.date(2026, 4, 1),
        "end_on": datetime.date(2027, 3, 31),
    }
    values.update(fields)
    return services.contract_create(actor=purchaser, department=department, organization=organization, **values)


class TestCreate:
    def test_creates_a_draft_with_a_generated_number(self, purchaser, department, organization):
        contract = create(purchaser, department, organization)
        assert contract.status == Contract.Status.DRAFT
        assert contract.number == "HHTEST-2026-0001"
        assert contract.year == 2026
        assert contract.created_by == purchaser
        assert contract.history.first().history_user == purchaser

    def test_numbers_are_sequential_per_department_and_year(self, purchaser, department, organization):
        numbers = [create(purchaser, department, organization).number for _ in range(3)]
        assert numbers == ["HHTEST-2026-0001", "HHTEST-2026-0002", "HHTEST-2026-0003"]
        next_year = create(purchaser, department, organization, start_on=datetime.date(2027, 1, 1))
        assert next_year.number == "HHTEST-2027-0001"
        other = PurchaserFactory(department__region=region("150100"), department__code="HHOTHER")
        assert create(other, other.department, organization).number == "HHOTHER-2026-0001"

    def test_number_skips_one_already_taken(self, purchaser, department, organization):
        ContractFactory(number="HHTEST-2026-0001", department=department)
        assert create(purchaser, department, organization).number == "HHTEST-2026-0002"

    def test_numbers_survive_deleted_drafts(self, purchaser, department, organization):
        first = create(purchaser, department, organization)
        services.contract_delete(actor=purchaser, contract=first)
        assert create(purchaser, department, organization).number == "HHTEST-2026-0002"

    def test_year_defaults_to_the_purchase_list_year(self, purchaser, department, organization):
        item = PurchaseItemFactory(purchase_list__department=department, purchase_list__year=2027)
        contract = create(purchaser, department, organization, purchase_item=item)
        assert contract.year == 2027
        assert contract.number == "HHTEST-2027-0001"

    def test_purchase_item_must_belong_to_the_department(self, purchaser, department, organization):
        foreign_item = PurchaseItemFactory()
        with pytest.raises(ValidationError) as excinfo:
            create(purchaser, department, organization, purchase_item=foreign_item)
        assert codes(excinfo.value) == {"purchase_item": ["item_of_other_department"]}
        assert "购买项目须属于本部门" in str(excinfo.value)

    def test_purchaser_of_another_region_is_refused(self, chifeng_purchaser, department, organization):
        with pytest.raises(PermissionDenied):
            create(chifeng_purchaser, department, organization)

    def test_purchasers_act_for_their_own_department_only(self, purchaser, department, organization):
        # purchaser_hh (卫健委) once created contracts in 民政局's name: another department of the same city, or one
        # above it, is refused; the department's own purchaser is not.
        for other in (
            PurchaserFactory(department__region=region("150000")),
            PurchaserFactory(department__region=region("150100")),
        ):
            with pytest.raises(PermissionDenied):
                create(other, department, organization)
        assert create(purchaser, department, organization).department == department

    def test_registrar_and_anonymous_are_refused(self, department, organization):
        from django.contrib.auth.models import AnonymousUser

        for actor in (RegistrarFactory(department__region=region("150100")), AnonymousUser(), None):
            with pytest.raises(PermissionDenied):
                create(actor, department, organization)

    def test_update_only_while_draft(self, purchaser, draft_contract):
        services.contract_update(actor=purchaser, contract=draft_contract, title="新名称", amount=Decimal("90000"))
        draft_contract.refresh_from_db()
        assert (draft_contract.title, draft_contract.amount) == ("新名称", Decimal("90000.00"))
        sign(purchaser, draft_contract)
        with pytest.raises(ValidationError) as excinfo:
            services.contract_update(actor=purchaser, contract=draft_contract, title="再改")
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“已签订”，不能修改。"]
        assert excinfo.value.params["action"] == "修改"

    def test_update_refuses_fields_it_does_not_own(self, purchaser, draft_contract):
        with pytest.raises(TypeError):
            services.contract_update(actor=purchaser, contract=draft_contract, status="signed")

    def test_deliverables_change_only_while_draft(self, purchaser, draft_contract):
        added = services.deliverable_add(
            actor=purchaser,
            contract=draft_contract,
            title="年终总结",
            due_on=datetime.date(2027, 2, 1),
            payment_share=Decimal("10"),
        )
        services.deliverable_update(actor=purchaser, deliverable=added, payment_share=Decimal("20"))
        added.refresh_from_db()
        assert added.payment_share == Decimal("20.00")
        services.deliverable_remove(actor=purchaser, deliverable=added)
        sign(purchaser, draft_contract)
        first = draft_contract.deliverables.first()
        with pytest.raises(ValidationError) as updated:
            services.deliverable_update(actor=purchaser, deliverable=first, title="改名")
        with pytest.raises(ValidationError) as removed:
            services.deliverable_remove(actor=purchaser, deliverable=first)
        with pytest.raises(ValidationError) as added:
            services.deliverable_add(
                actor=purchaser, contract=draft_contract, title="x", due_on=datetime.date(2026, 9, 1), payment_share=1
            )
        for refused in (updated, removed, added):
            assert all_codes(refused.value) == {"wrong_state"}


class TestSigningAccepted:
    def test_signs_and_becomes_public(self, purchaser, draft_contract):
        contract = sign(purchaser, draft_contract)
        contract.refresh_from_db()
        assert contract.status == Contract.Status.SIGNED
        assert contract.signed_on == SIGNED_ON
        assert contract.is_public
        assert contract.eligibility_acknowledged_warnings == ""
        assert contract.history.first().history_user == purchaser

    def test_term_of_exactly_one_year_needs_no_justification(self, purchaser, draft_contract):
        draft_contract.start_on, draft_contract.end_on = datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)
        draft_contract.save()
        assert sign(purchaser, draft_contract).status == Contract.Status.SIGNED

    def test_term_over_one_year_with_justification(self, purchaser, draft_contract):
        draft_contract.end_on = datetime.date(2028, 12, 31)
        draft_contract.term_justification = "服务内容稳定、资金来源稳定，采用三年期合同"
        draft_contract.save()
        assert sign(purchaser, draft_contract).status == Contract.Status.SIGNED

    def test_term_of_exactly_three_years_with_justification(self, purchaser, draft_contract):
        draft_contract.start_on, draft_contract.end_on = datetime.date(2026, 3, 1), datetime.date(2029, 2, 28)
        draft_contract.term_justification = "服务连续且价格稳定"
        draft_contract.save()
        assert sign(purchaser, draft_contract).status == Contract.Status.SIGNED

    def test_amount_using_exactly_the_remaining_budget(self, purchaser, department, draft_contract, item):
        other = SignedContractFactory(department=department, purchase_item=item, amount=Decimal("200000.00"))
        assert other.amount + draft_contract.amount == item.budget
        assert sign(purchaser, draft_contract).status == Contract.Status.SIGNED

    def test_contract_outside_any_list(self, purchaser, draft_contract):
        draft_contract.purchase_item = None
        draft_contract.save()
        assert sign(purchaser, draft_contract).status == Contract.Status.SIGNED

    def test_warnings_acknowledged_are_recorded(self, purchaser, department, item):
        organization = OrganizationFactory()  # no rating: a warning
        CreditListingFactory(organization=organization, listed_on=datetime.date(2026, 1, 5))
        contract = ContractFactory(department=department, organization=organization, purchase_item=item)
        DeliverableFactory(contract=contract)
        sign(purchaser, contract, acknowledge_warnings=True)
        contract.refresh_from_db()
        assert contract.status == Contract.Status.SIGNED
        lines = contract.eligibility_acknowledged_warnings.splitlines()
        assert len(lines) == 2
        assert any("活动异常名录" in line for line in lines)
        assert any("评估等级" in line for line in lines)


class TestSigningRefused:
    def assert_refused(self, purchaser, contract, code, **kwargs):
        """Signing is refused with `code` among the refusals; returns the refusals' messages."""
        with pytest.raises(ValidationError) as excinfo:
            sign(purchaser, contract, **kwargs)
        assert code in all_codes(excinfo.value), codes(excinfo.value)
        contract.refresh_from_db()
        assert contract.status == Contract.Status.DRAFT
        return refusal_messages(excinfo)

    def test_deregistered_organization(self, purchaser, draft_contract):
        organization = draft_contract.organization
        organization.status = Organization.Status.DEREGISTERED
        organization.status_changed_on = datetime.date(2026, 1, 10)
        organization.status_reason = "自行解散"
        organization.save()
        messages = self.assert_refused(
            purchaser, draft_contract, "organization_not_eligible", acknowledge_warnings=True
        )
        assert any("承接主体资格：" in message and "注销" in message for message in messages)

    def test_serious_violation_list(self, purchaser, draft_contract):
        CreditListingFactory(
            organization=draft_contract.organization,
            list_kind=CreditListing.List.SERIOUS,
            listed_on=datetime.date(2025, 12, 1),
            reason="连续两年列入活动异常名录",
        )
        messages = self.assert_refused(
            purchaser, draft_contract, "organization_not_eligible", acknowledge_warnings=True
        )
        assert any("严重违法失信名单" in message for message in messages)

    def test_warnings_not_acknowledged(self, purchaser, draft_contract):
        CreditListingFactory(organization=draft_contract.organization, listed_on=datetime.date(2026, 1, 5))
        messages = self.assert_refused(purchaser, draft_contract, "warnings_not_acknowledged")
        [warning] = [message for message in messages if message.startswith("资格提示：")]
        assert "活动异常名录" in warning and "未按规定报送年度工作报告" in warning

    def test_term_over_one_year_without_justification(self, purchaser, draft_contract):
        draft_contract.end_on = datetime.date(2027, 3, 1)
        draft_contract.save()
        self.assert_refused(purchaser, draft_contract, "term_needs_justification")

    def test_blank_justification_counts_as_none(self, purchaser, draft_contract):
        draft_contract.end_on = datetime.date(2027, 6, 30)
        draft_contract.term_justification = "   "
        draft_contract.save()
        self.assert_refused(purchaser, draft_contract, "term_needs_justification")

    def test_term_over_three_years_even_with_justification(self, purchaser, draft_contract):
        draft_contract.start_on, draft_contract.end_on = datetime.date(2026, 3, 1), datetime.date(2029, 3, 1)
        draft_contract.term_justification = "长期稳定服务"
        draft_contract.save()
        self.assert_refused(purchaser, draft_contract, "term_too_long")

    def test_start_after_end(self, purchaser, draft_contract):
        draft_contract.start_on, draft_contract.end_on = datetime.date(2026, 9, 1), datetime.date(2026, 8, 31)
        draft_contract.save()
        messages = self.assert_refused(purchaser, draft_contract, "start_after_end")
        assert "合同期限：开始日期 2026-09-01 晚于结束日期 2026-08-31。" in messages

    def test_zero_amount(self, purchaser, draft_contract):
        draft_contract.amount = Decimal("0")
        draft_contract.save()
        self.assert_refused(purchaser, draft_contract, "amount_not_positive")

    def test_budget_exceeded_shows_remaining(self, purchaser, department, draft_contract, item):
        SignedContractFactory(department=department, purchase_item=item, amount=Decimal("250000.00"))
        messages = self.assert_refused(purchaser, draft_contract, "budget_exceeded")
        assert any("剩余预算 50,000.00 元" in message for message in messages)

    def test_budget_ignores_drafts_and_terminated_contracts(self, purchaser, department, draft_contract, item):
        ContractFactory(department=department, purchase_item=item, amount=Decimal("250000.00"))
        SignedContractFactory(
            department=department,
            purchase_item=item,
            amount=Decimal("250000.00"),
            status=Contract.Status.TERMINATED,
            terminated_on=datetime.date(2026, 3, 1),
            termination_reason="承接主体无法继续履约",
        )
        assert sign(purchaser, draft_contract).status == Contract.Status.SIGNED

    def test_budget_counts_completed_contracts(self, purchaser, department, draft_contract, item):
        SignedContractFactory(
            department=department,
            purchase_item=item,
            amount=Decimal("250000.00"),
            status=Contract.Status.COMPLETED,
            completed_on=datetime.date(2026, 6, 1),
        )
        self.assert_refused(purchaser, draft_contract, "budget_exceeded")

    def test_list_not_published(self, purchaser, department, organization):
        item = PurchaseItemFactory(purchase_list=PurchaseListFactory(department=department))
        contract = ContractFactory(department=department, organization=organization, purchase_item=item)
        DeliverableFactory(contract=contract)
        self.assert_refused(purchaser, contract, "list_not_published")

    def test_list_withdrawn(self, purchaser, draft_contract, item):
        services.purchase_list_withdraw(actor=purchaser, purchase_list=item.purchase_list, reason="预算调整")
        messages = self.assert_refused(purchaser, draft_contract, "list_not_published")
        assert any("已撤回" in message for message in messages)

    def test_no_deliverables(self, purchaser, draft_contract):
        draft_contract.deliverables.all().delete()
        self.assert_refused(purchaser, draft_contract, "no_deliverables")

    def test_shares_not_exactly_one_hundred(self, purchaser, draft_contract):
        Deliverable.objects.filter(contract=draft_contract, payment_share=60).update(payment_share=Decimal("59.99"))
        messages = self.assert_refused(purchaser, draft_contract, "shares_not_100")
        assert "履约事项：各项付款比例合计须为 100.00%，当前合计 99.99%。" in messages

    def test_shares_over_one_hundred(self, purchaser, draft_contract):
        DeliverableFactory(contract=draft_contract, payment_share=Decimal("0.01"))
        self.assert_refused(purchaser, draft_contract, "shares_not_100")

    def test_signed_on_in_the_future(self, purchaser, draft_contract):
        from django.utils import timezone

        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.assert_refused(purchaser, draft_contract, "date_in_future", signed_on=tomorrow)

    def test_every_broken_rule_is_named(self, purchaser, draft_contract):
        draft_contract.amount = Decimal("0")
        draft_contract.start_on, draft_contract.end_on = datetime.date(2026, 9, 1), datetime.date(2026, 8, 1)
        draft_contract.save()
        draft_contract.deliverables.all().delete()
        with pytest.raises(ValidationError) as excinfo:
            sign(purchaser, draft_contract)
        assert [error.code for error in excinfo.value.error_list] == [
            "amount_not_positive",
            "start_after_end",
            "no_deliverables",
        ]

    def test_already_signed(self, purchaser, signed_contract):
        with pytest.raises(ValidationError) as excinfo:
            sign(purchaser, signed_contract)
        assert "wrong_state" in all_codes(excinfo.value)
        assert "合同状态：只有草稿状态的合同可以签订（当前状态：已签订）。" in excinfo.value.messages

    def test_purchaser_of_another_region(self, chifeng_purchaser, draft_contract):
        with pytest.raises(PermissionDenied):
            sign(chifeng_purchaser, draft_contract)


class TestTransitions:
    def test_start_complete(self, purchaser, member, signed_contract):
        services.contract_start_performance(actor=purchaser, contract=signed_contract)
        assert signed_contract.status == Contract.Status.PERFORMING
        with pytest.raises(ValidationError) as excinfo:
            services.contract_complete(actor=purchaser, contract=signed_contract)
        assert all_codes(excinfo.value) == {"deliverables_not_accepted"}
        signed_contract.deliverables.update(status=Deliverable.Status.ACCEPTED, accepted_at="2026-09-01T10:00+08:00")
        services.contract_complete(actor=purchaser, contract=signed_contract, completed_on=datetime.date(2026, 11, 1))
        signed_contract.refresh_from_db()
        assert signed_contract.status == Contract.Status.COMPLETED
        assert signed_contract.completed_on == datetime.date(2026, 11, 1)

    def test_start_only_from_signed(self, purchaser, draft_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_start_performance(actor=purchaser, contract=draft_contract)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“草稿”，不能开始履行。"]

    def test_complete_only_while_performing(self, purchaser, signed_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_complete(actor=purchaser, contract=signed_contract)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.params["status"] == "已签订"

    def test_terminate_needs_a_reason(self, purchaser, signed_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_terminate(actor=purchaser, contract=signed_contract, reason=" ")
        assert all_codes(excinfo.value) == {"reason_required"}
        services.contract_terminate(
            actor=purchaser,
            contract=signed_contract,
            reason="承接主体被列入严重违法失信名单",
            terminated_on=datetime.date(2026, 5, 1),
        )
        signed_contract.refresh_from_db()
        assert signed_contract.status == Contract.Status.TERMINATED
        assert signed_contract.termination_reason == "承接主体被列入严重违法失信名单"
        assert signed_contract.history.first().history_change_reason == "承接主体被列入严重违法失信名单"

    def test_terminated_and_draft_cannot_be_terminated(self, purchaser, draft_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_terminate(actor=purchaser, contract=draft_contract, reason="不再需要")
        assert all_codes(excinfo.value) == {"wrong_state"}

    def test_transitions_need_the_right_purchaser(self, chifeng_purchaser, member, signed_contract):
        for actor in (chifeng_purchaser, member):
            with pytest.raises(PermissionDenied):
                services.contract_start_performance(actor=actor, contract=signed_contract)
            with pytest.raises(PermissionDenied):
                services.contract_terminate(actor=actor, contract=signed_contract, reason="x")

    def test_delete_only_drafts(self, purchaser, signed_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_delete(actor=purchaser, contract=signed_contract)
        assert all_codes(excinfo.value) == {"wrong_state"}


class TestAmendments:
    def test_amount_change_is_recorded(self, purchaser, signed_contract):
        amendments = services.contract_amend(
            actor=purchaser,
            contract=signed_contract,
            reason="服务人次增加",
            amount=Decimal("120000.00"),
            amended_on=datetime.date(2026, 6, 1),
        )
        signed_contract.refresh_from_db()
        assert signed_contract.amount == Decimal("120000.00")
        [amendment] = amendments
        assert (amendment.kind, amendment.old_value, amendment.new_value) == (
            Amendment.Kind.AMOUNT,
            "100000.00",
            "120000.00",
        )
        assert (amendment.reason, amendment.amended_by, amendment.amended_on) == (
            "服务人次增加",
            purchaser,
            datetime.date(2026, 6, 1),
        )
        # The contract's own history keeps both amounts.
        amounts = list(signed_contract.history.order_by("history_date").values_list("amount", flat=True))
        assert amounts[-2:] == [Decimal("100000.00"), Decimal("120000.00")]
        assert signed_contract.history.first().history_change_reason == "服务人次增加"

    def test_dates_and_justification_together(self, purchaser, signed_contract):
        amendments = services.contract_amend(
            actor=purchaser,
            contract=signed_contract,
            reason="延长服务期",
            end_on=datetime.date(2027, 8, 31),
            term_justification="服务对象稳定，需连续服务",
        )
        kinds = {amendment.kind: amendment for amendment in amendments}
        assert set(kinds) == {Amendment.Kind.DATES, Amendment.Kind.OTHER}
        assert kinds[Amendment.Kind.DATES].old_value == "2026-03-01 至 2027-02-28"
        assert kinds[Amendment.Kind.DATES].new_value == "2026-03-01 至 2027-08-31"
        assert signed_contract.amendments.count() == 2

    def test_successive_amendments_are_all_kept(self, purchaser, signed_contract):
        services.contract_amend(actor=purchaser, contract=signed_contract, reason="一", amount=Decimal("110000"))
        services.contract_amend(actor=purchaser, contract=signed_contract, reason="二", amount=Decimal("105000"))
        values = list(signed_contract.amendments.values_list("old_value", "new_value"))
        assert values == [("100000.00", "110000.00"), ("110000.00", "105000.00")]

    def test_term_rules_hold_after_amendment(self, purchaser, signed_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(
                actor=purchaser, contract=signed_contract, reason="延期", end_on=datetime.date(2027, 6, 30)
            )
        assert all_codes(excinfo.value) == {"term_needs_justification"}
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(
                actor=purchaser,
                contract=signed_contract,
                reason="延期",
                end_on=datetime.date(2029, 3, 1),
                term_justification="长期服务",
            )
        assert all_codes(excinfo.value) == {"term_too_long"}
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(
                actor=purchaser, contract=signed_contract, reason="调整", start_on=datetime.date(2027, 3, 1)
            )
        assert all_codes(excinfo.value) == {"start_after_end"}
        signed_contract.refresh_from_db()
        assert signed_contract.end_on == datetime.date(2027, 2, 28)
        assert not signed_contract.amendments.exists()

    def test_budget_holds_after_amendment(self, purchaser, department, signed_contract, item):
        SignedContractFactory(department=department, purchase_item=item, amount=Decimal("150000.00"))
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(actor=purchaser, contract=signed_contract, reason="增量", amount=Decimal("160000"))
        [refusal] = excinfo.value.error_list
        assert (refusal.code, refusal.params["remaining"], refusal.params["amount"]) == (
            "budget_exceeded",
            "150,000.00",
            "160,000.00",
        )
        assert "剩余预算 150,000.00 元" in excinfo.value.messages[0]
        services.contract_amend(actor=purchaser, contract=signed_contract, reason="增量", amount=Decimal("150000"))

    def test_amount_not_below_paid(self, purchaser, signed_contract):
        services.payment_record(
            actor=purchaser, contract=signed_contract, amount=Decimal("30000"), paid_on=datetime.date(2026, 3, 1)
        )
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(actor=purchaser, contract=signed_contract, reason="减量", amount=Decimal("20000"))
        [refusal] = excinfo.value.error_list
        assert (refusal.code, refusal.params["paid"]) == ("amount_below_paid", "30,000.00")

    def test_needs_reason_change_and_active_contract(self, purchaser, draft_contract, signed_contract):
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(actor=purchaser, contract=signed_contract, reason="", amount=Decimal("1"))
        assert all_codes(excinfo.value) == {"reason_required"}
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(
                actor=purchaser, contract=signed_contract, reason="无", amount=signed_contract.amount
            )
        assert all_codes(excinfo.value) == {"nothing_changed"}

    def test_draft_cannot_be_amended(self, purchaser, department, organization):
        draft = ContractFactory(department=department, organization=organization)
        with pytest.raises(ValidationError) as excinfo:
            services.contract_amend(actor=purchaser, contract=draft, reason="改", amount=Decimal("1"))
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“草稿”，不能变更。"]

    def test_other_region_cannot_amend(self, chifeng_purchaser, signed_contract):
        with pytest.raises(PermissionDenied):
            services.contract_amend(actor=chifeng_purchaser, contract=signed_contract, reason="改", amount=Decimal("1"))


class TestDocuments:
    def test_add_and_publish_a_scan(self, purchaser, signed_contract):
        from tests.factories import make_upload

        document = services.contract_document_add(
            actor=purchaser, contract=signed_contract, file=make_upload("pdf", "合同扫描件.pdf"), title="合同正本"
        )
        assert document.original_name == "合同扫描件.pdf"
        assert document.file.name.startswith("contracts/")
        assert document.content_type == "application/pdf"
        assert not document.is_public
        services.contract_document_set_public(actor=purchaser, document=document, is_public=True)
        document.refresh_from_db()
        assert document.is_public
        with pytest.raises(ValidationError) as excinfo:
            services.contract_document_remove(actor=purchaser, document=document)
        assert all_codes(excinfo.value) == {"wrong_state"}

    def test_members_cannot_add_documents(self, member, signed_contract):
        from tests.factories import make_upload

        with pytest.raises(PermissionDenied):
            services.contract_document_add(actor=member, contract=signed_contract, file=make_upload(), title="x")

    def test_remove_from_a_draft_deletes_the_file(
        self, purchaser, draft_contract, media_root, django_capture_on_commit_callbacks
    ):
        from tests.factories import make_upload

        document = services.contract_document_add(
            actor=purchaser, contract=draft_contract, file=make_upload("png", "扫描.png"), title="扫描"
        )
        stored = media_root / document.file.name
        assert stored.exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.contract_document_remove(actor=purchaser, document=document)
        assert not stored.exists()


def test_eligible_organization_helper_has_no_warnings():
    from registry.selectors import organization_eligibility

    assert organization_eligibility(eligible_organization(), on=SIGNED_ON).warnings == ()
