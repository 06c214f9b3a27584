"""Purchase lists and their items: drafting, publishing (which freezes the items), withdrawing and revising."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contracts import permissions
from contracts.models import Contract, PurchaseItem, PurchaseList
from contracts.services.common import require_list_writer
from contracts.workflows import PURCHASE_LIST
from core import formatting
from core.services import Refusals, actor_or_none, apply_fields, lock, refuse, require, save, today

# Stored as data on the replaced list (not a UI string): the reason a revision's publication withdraws it.
REVISION_WITHDRAWAL_REASON = "被修订版替代"

PURCHASE_LIST_FIELDS = ("title", "year", "description")
PURCHASE_ITEM_FIELDS = (
    "code",
    "category",
    "subcategory",
    "service_name",
    "description",
    "provider_requirements",
    "quantity",
    "unit",
    "budget",
    "service_start_on",
    "service_end_on",
    "performance_targets",
)


@transaction.atomic
def purchase_list_create(*, actor, department, year: int, title: str, description: str = "") -> PurchaseList:
    require(permissions.can_create_purchase_list(actor, department), _("您无权为该部门创建购买服务目录。"))
    purchase_list = PurchaseList(
        department=department,
        region=department.region,
        year=year,
        title=title,
        description=description,
        created_by=actor_or_none(actor),
    )
    save(purchase_list, actor=actor)
    return purchase_list


@transaction.atomic
def purchase_list_update(*, actor, purchase_list: PurchaseList, **fields) -> PurchaseList:
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("update", purchase_list.status)
    apply_fields(purchase_list, fields, PURCHASE_LIST_FIELDS, "purchase_list_update")
    save(purchase_list, actor=actor)
    return purchase_list


def _refuse_if_items_have_contracts(items) -> None:
    referenced = Contract.objects.filter(purchase_item__in=items).values_list("number", flat=True)
    numbers = list(referenced[:5])
    if numbers:
        refuse(None, _("购买项目已被合同 %(numbers)s 引用，不能删除。"), code="item_in_use", numbers="、".join(numbers))


@transaction.atomic
def purchase_list_delete(*, actor, purchase_list: PurchaseList) -> None:
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("delete", purchase_list.status)
    _refuse_if_items_have_contracts(purchase_list.items.all())
    purchase_list.delete()


@transaction.atomic
def purchase_item_add(
    *,
    actor,
    purchase_list: PurchaseList,
    code: str,
    category: str,
    service_name: str,
    quantity: Decimal,
    unit: str,
    budget: Decimal,
    service_start_on: datetime.date,
    service_end_on: datetime.date,
    subcategory: str = "",
    description: str = "",
    provider_requirements: str = "",
    performance_targets: str = "",
) -> PurchaseItem:
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("add_item", purchase_list.status)
    item = PurchaseItem(
        purchase_list=purchase_list,
        code=code,
        category=category,
        subcategory=subcategory,
        service_name=service_name,
        description=description,
        provider_requirements=provider_requirements,
        quantity=quantity,
        unit=unit,
        budget=budget,
        service_start_on=service_start_on,
        service_end_on=service_end_on,
        performance_targets=performance_targets,
    )
    save(item, actor=actor)
    return item


@transaction.atomic
def purchase_item_update(*, actor, item: PurchaseItem, **fields) -> PurchaseItem:
    purchase_list = item.purchase_list
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("update_item", purchase_list.status)
    apply_fields(item, fields, PURCHASE_ITEM_FIELDS, "purchase_item_update")
    save(item, actor=actor)
    return item


@transaction.atomic
def purchase_item_remove(*, actor, item: PurchaseItem) -> None:
    purchase_list = item.purchase_list
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("remove_item", purchase_list.status)
    _refuse_if_items_have_contracts([item])
    if getattr(actor, "is_authenticated", False):
        item._history_user = actor
    item.delete()


def _withdraw(purchase_list: PurchaseList, actor, *, reason: str, withdrawn_on: datetime.date) -> None:
    if purchase_list.published_on and withdrawn_on < purchase_list.published_on:
        refuse(
            None,
            _("撤回日期 %(withdrawn)s 不能早于发布日期 %(published)s。"),
            code="date_before_publication",
            withdrawn=withdrawn_on.isoformat(),
            published=purchase_list.published_on.isoformat(),
        )
    purchase_list.status = PurchaseList.Status.WITHDRAWN
    purchase_list.withdrawn_on = withdrawn_on
    purchase_list.withdrawal_reason = reason
    save(purchase_list, actor=actor, reason=reason)


def _refuse_budgets_below_contracted(purchase_list: PurchaseList) -> None:
    """A revision may not set an item's budget below what the signed contracts of its lineage already commit."""
    refusals = Refusals()
    for item in purchase_list.items.filter(origin__isnull=False).order_by("code"):
        contracts = Contract.objects.filter(status__in=Contract.BUDGET_STATUSES).filter(
            Q(purchase_item_id=item.origin_id) | Q(purchase_item__origin_id=item.origin_id)
        )
        rows = list(contracts.order_by("number").values_list("number", "amount"))
        committed = sum((amount for _number, amount in rows), Decimal("0"))
        if item.budget < committed:
            refusals.add(
                None,
                _(
                    "购买项目“%(item)s”的预算 %(budget)s 元低于已签订合同 %(numbers)s 的金额合计 %(committed)s 元，"
                    "不能发布。"
                ),
                code="budget_below_contracted",
                item=str(item),
                budget=formatting.amount(item.budget),
                numbers="、".join(number for number, _amount in rows),
                committed=formatting.amount(committed),
            )
    refusals.raise_if_any()


@transaction.atomic
def purchase_list_publish(
    *, actor, purchase_list: PurchaseList, published_on: datetime.date | None = None
) -> PurchaseList:
    """Draft → published; the items are frozen from now on. A revision withdraws the list it replaces."""
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("publish", purchase_list.status)
    if not purchase_list.items.exists():
        refuse(None, _("目录中至少须有一个购买项目才能发布。"), code="list_empty")
    if purchase_list.revision_of_id is not None:
        # The signers lock the first item of a lineage (contracts.services.contracts); so does the publisher.
        origins = purchase_list.items.filter(origin__isnull=False).values("origin_id")
        locked = PurchaseItem.objects.select_for_update().filter(pk__in=origins).order_by("pk")
        list(locked.values_list("pk", flat=True))
        _refuse_budgets_below_contracted(purchase_list)
    published_on = published_on or today()
    purchase_list.status = PurchaseList.Status.PUBLISHED
    purchase_list.published_on = published_on
    save(purchase_list, actor=actor)
    replaced = purchase_list.revision_of
    if replaced is not None:
        lock(replaced)
        if replaced.is_published:
            _withdraw(replaced, actor, reason=REVISION_WITHDRAWAL_REASON, withdrawn_on=published_on)
    return purchase_list


@transaction.atomic
def purchase_list_withdraw(
    *, actor, purchase_list: PurchaseList, reason: str, withdrawn_on: datetime.date | None = None
) -> PurchaseList:
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("withdraw", purchase_list.status)
    if not (reason or "").strip():
        refuse(None, _("撤回目录须填写原因。"), code="reason_required")
    _withdraw(purchase_list, actor, reason=reason.strip(), withdrawn_on=withdrawn_on or today())
    return purchase_list


@transaction.atomic
def purchase_list_revise(*, actor, purchase_list: PurchaseList) -> PurchaseList:
    """Copy a published list and its items into a new draft that records which list it replaces."""
    require_list_writer(actor, purchase_list)
    lock(purchase_list)
    PURCHASE_LIST.check("revise", purchase_list.status)
    if purchase_list.revisions.filter(status=PurchaseList.Status.DRAFT).exists():
        refuse(None, _("该目录已有一份修订草稿，请先完成或删除它。"), code="revision_exists")
    revision = PurchaseList(
        department=purchase_list.department,
        region=purchase_list.region,
        year=purchase_list.year,
        title=purchase_list.title,
        description=purchase_list.description,
        revision_of=purchase_list,
        created_by=actor_or_none(actor),
    )
    save(revision, actor=actor)
    for item in purchase_list.items.order_by("code"):
        copy = PurchaseItem(
            purchase_list=revision,
            origin_id=item.lineage_id,
            **{name: getattr(item, name) for name in PURCHASE_ITEM_FIELDS},
        )
        save(copy, actor=actor)
    return revision
