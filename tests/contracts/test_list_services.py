"""Purchase lists: drafting, publishing (which freezes the items), withdrawing and revising."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from contracts import selectors, services
from contracts.models import PurchaseItem, PurchaseList
from tests.errors import all_codes
from tests.factories import (
    ContractFactory,
    PurchaseItemFactory,
    PurchaserFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def item_fields(**overrides):
    fields = {
        "code": "A01",
        "category": PurchaseItem.Category.BASIC_PUBLIC,
        "subcategory": "养老服务",
        "service_name": "居家养老上门服务",
        "quantity": Decimal("12000"),
        "unit": "人次",
        "budget": Decimal("360000.00"),
        "service_start_on": datetime.date(2026, 3, 1),
        "service_end_on": datetime.date(2026, 12, 31),
        "performance_targets": "服务满意度不低于 90%",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def draft_list(purchaser, department):
    return services.purchase_list_create(
        actor=purchaser, department=department, year=2026, title="呼和浩特市卫生健康委员会 2026 年政府购买服务目录"
    )


@pytest.fixture
def published_list(purchaser, draft_list):
    services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
    services.purchase_item_add(
        actor=purchaser,
        purchase_list=draft_list,
        **item_fields(code="A02", service_name="社区心理健康服务", budget=Decimal("180000.00")),
    )
    return services.purchase_list_publish(
        actor=purchaser, purchase_list=draft_list, published_on=datetime.date(2026, 1, 15)
    )


class TestDrafting:
    def test_create_takes_the_department_region(self, purchaser, department, draft_list):
        assert draft_list.status == PurchaseList.Status.DRAFT
        assert draft_list.region == department.region
        assert draft_list.created_by == purchaser
        assert draft_list.history.first().history_user == purchaser

    def test_only_the_departments_purchasers_write(self, purchaser, department):
        refused = [
            PurchaserFactory(department__region=region("150400")),
            PurchaserFactory(department__region=region("150102")),  # a county below the department's city
            PurchaserFactory(department__region=region("150100")),  # another department of the same city
            PurchaserFactory(department__region=region("150000")),  # a department of the province
            RegistrarFactory(department__region=region("150100")),
            AnonymousUser(),
        ]
        for actor in refused:
            with pytest.raises(PermissionDenied):
                services.purchase_list_create(actor=actor, department=department, year=2026, title="目录")
        assert services.purchase_list_create(actor=purchaser, department=department, year=2026, title="目录").pk

    def test_update_and_items_while_draft(self, purchaser, draft_list):
        services.purchase_list_update(actor=purchaser, purchase_list=draft_list, title="新标题", description="说明")
        item = services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        services.purchase_item_update(actor=purchaser, item=item, budget=Decimal("400000"))
        item.refresh_from_db()
        assert item.budget == Decimal("400000.00")
        services.purchase_item_remove(actor=purchaser, item=item)
        assert not draft_list.items.exists()
        draft_list.refresh_from_db()
        assert draft_list.title == "新标题"

    def test_code_unique_within_the_list(self, purchaser, draft_list):
        services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        with pytest.raises(ValidationError, match="项目编码不能重复"):
            services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        other = services.purchase_list_create(
            actor=purchaser, department=draft_list.department, year=2026, title="另一目录"
        )
        assert services.purchase_item_add(actor=purchaser, purchase_list=other, **item_fields()).code == "A01"

    def test_item_rules(self, purchaser, draft_list):
        with pytest.raises(ValidationError, match="服务期限"):
            services.purchase_item_add(
                actor=purchaser,
                purchase_list=draft_list,
                **item_fields(service_start_on=datetime.date(2026, 12, 1), service_end_on=datetime.date(2026, 1, 1)),
            )
        with pytest.raises(ValidationError, match="预算金额须大于零"):
            services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields(budget=Decimal("0")))
        with pytest.raises(ValidationError):
            services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields(category="goods"))

    def test_delete_a_draft(self, purchaser, draft_list):
        services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        services.purchase_list_delete(actor=purchaser, purchase_list=draft_list)
        assert not PurchaseList.objects.filter(pk=draft_list.pk).exists()

    def test_item_used_by_a_contract_cannot_be_removed(self, purchaser, draft_list):
        item = services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        contract = ContractFactory(department=draft_list.department, purchase_item=item)
        with pytest.raises(ValidationError, match=contract.number) as excinfo:
            services.purchase_item_remove(actor=purchaser, item=item)
        assert all_codes(excinfo.value) == {"item_in_use"}
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_delete(actor=purchaser, purchase_list=draft_list)
        assert excinfo.value.error_list[0].params == {"numbers": contract.number}


class TestPublishing:
    def test_needs_an_item(self, purchaser, draft_list):
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_publish(actor=purchaser, purchase_list=draft_list)
        assert all_codes(excinfo.value) == {"list_empty"}

    def test_publish_sets_date_and_freezes_items(self, purchaser, published_list):
        assert published_list.status == PurchaseList.Status.PUBLISHED
        assert published_list.published_on == datetime.date(2026, 1, 15)
        item = published_list.items.first()
        with pytest.raises(ValidationError, match="已发布") as excinfo:
            services.purchase_item_update(actor=purchaser, item=item, budget=Decimal("1"))
        assert all_codes(excinfo.value) == {"wrong_state"}
        refused = [
            lambda: services.purchase_item_remove(actor=purchaser, item=item),
            lambda: services.purchase_item_add(
                actor=purchaser, purchase_list=published_list, **item_fields(code="A09")
            ),
            lambda: services.purchase_list_update(actor=purchaser, purchase_list=published_list, title="改"),
            lambda: services.purchase_list_delete(actor=purchaser, purchase_list=published_list),
        ]
        for call in refused:
            with pytest.raises(ValidationError) as excinfo:
                call()
            assert all_codes(excinfo.value) == {"wrong_state"}
        item.refresh_from_db()
        assert item.budget == Decimal("360000.00")

    def test_publish_defaults_to_today(self, purchaser, draft_list):
        from django.utils import timezone

        services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        services.purchase_list_publish(actor=purchaser, purchase_list=draft_list)
        assert draft_list.published_on == timezone.localdate()

    def test_publish_twice_is_refused(self, purchaser, published_list):
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_publish(actor=purchaser, purchase_list=published_list)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“已发布”，不能发布。"]

    def test_other_region_cannot_publish(self, chifeng_purchaser, purchaser, draft_list):
        services.purchase_item_add(actor=purchaser, purchase_list=draft_list, **item_fields())
        with pytest.raises(PermissionDenied):
            services.purchase_list_publish(actor=chifeng_purchaser, purchase_list=draft_list)


class TestWithdrawing:
    def test_needs_a_reason(self, purchaser, published_list):
        with pytest.raises(ValidationError, match="须填写原因") as excinfo:
            services.purchase_list_withdraw(actor=purchaser, purchase_list=published_list, reason="  ")
        assert all_codes(excinfo.value) == {"reason_required"}
        services.purchase_list_withdraw(
            actor=purchaser,
            purchase_list=published_list,
            reason="年度预算调整",
            withdrawn_on=datetime.date(2026, 4, 1),
        )
        published_list.refresh_from_db()
        assert published_list.status == PurchaseList.Status.WITHDRAWN
        assert (published_list.withdrawn_on, published_list.withdrawal_reason) == (
            datetime.date(2026, 4, 1),
            "年度预算调整",
        )

    def test_only_published_lists(self, purchaser, draft_list):
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_withdraw(actor=purchaser, purchase_list=draft_list, reason="不用了")
        assert all_codes(excinfo.value) == {"wrong_state"}

    def test_not_before_publication(self, purchaser, published_list):
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_withdraw(
                actor=purchaser, purchase_list=published_list, reason="x", withdrawn_on=datetime.date(2026, 1, 1)
            )
        [refusal] = excinfo.value.error_list
        assert refusal.code == "date_before_publication"
        assert refusal.params == {"withdrawn": "2026-01-01", "published": "2026-01-15"}


class TestRevising:
    def test_revision_copies_list_and_items(self, purchaser, published_list):
        revision = services.purchase_list_revise(actor=purchaser, purchase_list=published_list)
        assert revision.status == PurchaseList.Status.DRAFT
        assert revision.revision_of == published_list
        assert (revision.title, revision.year, revision.department) == (
            published_list.title,
            published_list.year,
            published_list.department,
        )
        originals = list(published_list.items.order_by("code"))
        copies = list(revision.items.order_by("code"))
        assert [(c.code, c.service_name, c.budget) for c in copies] == [
            (o.code, o.service_name, o.budget) for o in originals
        ]
        assert [c.origin_id for c in copies] == [o.pk for o in originals]
        # The original stays published until the revision is published.
        published_list.refresh_from_db()
        assert published_list.status == PurchaseList.Status.PUBLISHED

    def test_revision_can_be_edited_then_published_and_withdraws_the_original(self, purchaser, published_list):
        revision = services.purchase_list_revise(actor=purchaser, purchase_list=published_list)
        item = revision.items.get(code="A01")
        services.purchase_item_update(actor=purchaser, item=item, budget=Decimal("420000"))
        services.purchase_list_publish(actor=purchaser, purchase_list=revision, published_on=datetime.date(2026, 5, 1))
        published_list.refresh_from_db()
        assert published_list.status == PurchaseList.Status.WITHDRAWN
        assert published_list.withdrawal_reason == services.REVISION_WITHDRAWAL_REASON == "被修订版替代"
        assert published_list.withdrawn_on == datetime.date(2026, 5, 1)
        assert published_list.items.get(code="A01").budget == Decimal("360000.00")

    def test_revision_keeps_counting_contracts_of_the_replaced_items(self, purchaser, published_list):
        original = published_list.items.get(code="A01")
        SignedContractFactory(department=published_list.department, purchase_item=original, amount=Decimal("300000.00"))
        revision = services.purchase_list_revise(actor=purchaser, purchase_list=published_list)
        copy = revision.items.get(code="A01")
        assert selectors.item_remaining_budget(copy) == Decimal("60000.00")
        services.purchase_list_publish(actor=purchaser, purchase_list=revision)
        third = services.purchase_list_revise(actor=purchaser, purchase_list=revision).items.get(code="A01")
        assert third.origin_id == original.pk
        assert selectors.item_remaining_budget(third) == Decimal("60000.00")

    def test_revision_cannot_set_a_budget_below_what_is_contracted(self, purchaser, published_list):
        original = published_list.items.get(code="A01")
        for amount in ("200000.00", "100000.00"):
            SignedContractFactory(department=published_list.department, purchase_item=original, amount=Decimal(amount))
        numbers = sorted(original.contracts.values_list("number", flat=True))
        revision = services.purchase_list_revise(actor=purchaser, purchase_list=published_list)
        copy = revision.items.get(code="A01")
        services.purchase_item_update(actor=purchaser, item=copy, budget=Decimal("20000.00"))
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_publish(actor=purchaser, purchase_list=revision)
        assert all_codes(excinfo.value) == {"budget_below_contracted"}
        message = " ".join(excinfo.value.messages)
        assert numbers[0] in message and numbers[1] in message and "300,000.00" in message
        revision.refresh_from_db()
        published_list.refresh_from_db()
        assert revision.status == PurchaseList.Status.DRAFT and published_list.status == PurchaseList.Status.PUBLISHED
        # Exactly the contracted amount is allowed.
        services.purchase_item_update(actor=purchaser, item=copy, budget=Decimal("300000.00"))
        services.purchase_list_publish(actor=purchaser, purchase_list=revision)
        assert selectors.item_remaining_budget(copy) == Decimal("0.00")

    def test_only_one_draft_revision_at_a_time(self, purchaser, published_list):
        services.purchase_list_revise(actor=purchaser, purchase_list=published_list)
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_revise(actor=purchaser, purchase_list=published_list)
        assert all_codes(excinfo.value) == {"revision_exists"}

    def test_only_published_lists_are_revised(self, purchaser, draft_list):
        with pytest.raises(ValidationError) as excinfo:
            services.purchase_list_revise(actor=purchaser, purchase_list=draft_list)
        assert all_codes(excinfo.value) == {"wrong_state"}

    def test_other_region_cannot_revise(self, chifeng_purchaser, published_list):
        with pytest.raises(PermissionDenied):
            services.purchase_list_revise(actor=chifeng_purchaser, purchase_list=published_list)


def test_history_keeps_every_state(purchaser, published_list):
    services.purchase_list_withdraw(actor=purchaser, purchase_list=published_list, reason="调整")
    states = list(published_list.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert states == ["draft", "published", "withdrawn"]


def test_item_factory_builds_a_published_list():
    item = PurchaseItemFactory()
    assert item.purchase_list.is_published
