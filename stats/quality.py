"""The data-quality report: records in an official's region that miss something a person must supply.

Registrars see the registry's gaps in their region (organizations without contact data, expired ratings, missing
annual inspections); purchasers see their own department's contracts' gaps (no published contract text, deliverables
without acceptance criteria, payments without an accepted deliverable, evaluations past their due date). Each item is
a count (one query) and a list.

The same checks feed the officials' to-do list (`stats/todo.py`), except the missing annual inspections, which the
registry's own to-do kind already lists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from contracts.models import Contract, ContractDocument, Deliverable, Payment
from contracts.selectors import managed_by
from evaluations.models import Evaluation
from registry.models import AnnualInspection, Organization, Region

REGISTRAR, PURCHASER = "registrar", "purchaser"


def inspection_year(today: datetime.date) -> int:
    """The latest year whose annual inspection (annual report) is due: reports for a year are filed by 31 May of the
    next."""
    return today.year - 1 if (today.month, today.day) > (5, 31) else today.year - 2


def _in_region(region: Region, user, model, region_field: str) -> Q:
    """Rows of `model` whose `region_field` lies in `region`. In the official's own region, through
    `accounts.permissions.in_official_region`: no condition at all (nor a join to the regions) where that region holds
    every organization or department, as it does a province's."""
    if (
        user is not None
        and permissions.is_official(user)
        and not permissions.is_superuser(user)
        and user.department_id
        and user.department.region_id == region.pk
    ):
        return permissions.in_official_region(user, model, region_field)
    return Q(**{f"{region_field}__path__startswith": region.path})


def _missing_contact(region: Region, today: datetime.date, user) -> QuerySet:
    return (
        Organization.objects.filter(_in_region(region, user, Organization, "region"), status=Organization.Status.NORMAL)
        .filter(Q(contact_phone="") | Q(contact_email=""))
        .select_related("region")
        .order_by("region_code", "name")
    )


def _expired_rating(region: Region, today: datetime.date, user) -> QuerySet:
    # Rated, and no rating valid today: the latest end of validity of its ratings, kept on the row by the database
    # (Organization.rating_valid_until), is before today.
    return (
        Organization.objects.filter(_in_region(region, user, Organization, "region"), status=Organization.Status.NORMAL)
        .filter(rating_valid_until__lt=today)
        .select_related("region")
        .order_by("region_code", "name")
    )


def _missing_inspection(region: Region, today: datetime.date, user) -> QuerySet:
    year = inspection_year(today)
    return (
        Organization.objects.filter(
            _in_region(region, user, Organization, "region"),
            status=Organization.Status.NORMAL,
            established_on__lt=datetime.date(year, 1, 1),
        )
        .filter(~Exists(AnnualInspection.objects.filter(organization=OuterRef("pk"), year=year)))
        .select_related("region")
        .order_by("region_code", "name")
    )


def _contracts(region: Region, user) -> QuerySet:
    return Contract.objects.exclude(status=Contract.Status.DRAFT).filter(
        _in_region(region, user, Contract, "department__region")
    )


def _managed(queryset: QuerySet, user, department_field: str) -> QuerySet:
    """A purchaser's own department's rows (as the contract pages decide who manages a contract)."""
    condition = managed_by(user, department_field)
    return queryset if condition is None else queryset.filter(condition)


def _no_contract_text(region: Region, today: datetime.date, user) -> QuerySet:
    texts = ContractDocument.objects.filter(
        contract=OuterRef("pk"), kind=ContractDocument.Kind.CONTRACT_TEXT, is_public=True
    )
    return (
        _managed(_contracts(region, user), user, "department")
        .filter(~Exists(texts))
        .select_related("department", "organization")
        .order_by("-signed_on", "number")
    )


def _no_criteria(region: Region, today: datetime.date, user) -> QuerySet:
    rows = Deliverable.objects.filter(
        _in_region(region, user, Deliverable, "contract__department__region"), acceptance_criteria=""
    )
    return (
        _managed(rows, user, "contract__department")
        .exclude(contract__status=Contract.Status.DRAFT)
        .exclude(status=Deliverable.Status.ACCEPTED)
        .select_related("contract__department", "contract__organization")
        .order_by("due_on", "pk")
    )


def _payment_without_acceptance(region: Region, today: datetime.date, user) -> QuerySet:
    # Payments against no deliverable, and against deliverables not accepted (a deliverable is `paid` when a payment
    # names it): the few of each, read from their partial indexes (contracts migration 0017), not each of a
    # department's payments' deliverables probed in turn.
    unaccepted = (
        Payment.objects.filter(deliverable__isnull=True)
        .order_by()
        .values("pk")
        .union(
            Payment.objects.filter(deliverable__paid=True)
            .exclude(deliverable__status=Deliverable.Status.ACCEPTED)
            .order_by()
            .values("pk"),
            all=True,
        )
    )
    rows = Payment.objects.filter(_in_region(region, user, Payment, "contract__department__region"))
    return (
        _managed(rows, user, "contract__department")
        .exclude(contract__status=Contract.Status.DRAFT)
        .filter(pk__in=unaccepted)
        .select_related("contract__department", "contract__organization", "deliverable")
        .order_by("-paid_on", "pk")
    )


def _overdue_evaluation(region: Region, today: datetime.date, user) -> QuerySet:
    rows = Evaluation.objects.filter(
        _in_region(region, user, Evaluation, "contract__department__region"), due_on__lt=today
    )
    return (
        _managed(rows, user, "contract__department")
        .exclude(status=Evaluation.Status.FINALIZED)
        .select_related("contract__department", "contract__organization")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class ItemKind:
    key: str
    label: str | Promise
    description: str | Promise
    audience: str
    rows: Callable[[Region, datetime.date, object], QuerySet]


KINDS: list[ItemKind] = [
    ItemKind(
        "missing_contact",
        gettext_lazy("缺少联系方式的社会组织"),
        gettext_lazy("正常登记但没有联系电话或联系邮箱，无法送达通知和提醒。"),
        REGISTRAR,
        _missing_contact,
    ),
    ItemKind(
        "expired_rating",
        gettext_lazy("评估等级已过期的社会组织"),
        gettext_lazy("曾获评估等级，但五年有效期已过且没有新的等级。"),
        REGISTRAR,
        _expired_rating,
    ),
    ItemKind(
        "missing_inspection",
        gettext_lazy("缺少年检结论的社会组织"),
        gettext_lazy("应当报送上一年度工作报告（年检）但尚未登记结论。"),
        REGISTRAR,
        _missing_inspection,
    ),
    ItemKind(
        "no_contract_text",
        gettext_lazy("未公开合同文本的合同"),
        gettext_lazy("已签订但没有公开的合同文本文件；合同依法应当公开。"),
        PURCHASER,
        _no_contract_text,
    ),
    ItemKind(
        "no_criteria",
        gettext_lazy("没有验收标准的履约事项"),
        gettext_lazy("尚未验收的履约事项没有写明验收标准。"),
        PURCHASER,
        _no_criteria,
    ),
    ItemKind(
        "payment_without_acceptance",
        gettext_lazy("没有对应已验收履约事项的付款"),
        gettext_lazy("付款记录没有关联履约事项，或关联的履约事项尚未验收。"),
        PURCHASER,
        _payment_without_acceptance,
    ),
    ItemKind(
        "overdue_evaluation",
        gettext_lazy("逾期未定稿的绩效评价"),
        gettext_lazy("评分截止日期已过但评价尚未定稿。"),
        PURCHASER,
        _overdue_evaluation,
    ),
]


@dataclass
class Item:
    kind: ItemKind
    count: int
    rows: QuerySet

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def label(self) -> str:
        return str(self.kind.label)


@dataclass
class QualityReport:
    region: Region
    items: list[Item]

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


def kinds_for(user) -> list[ItemKind]:
    audiences = set()
    if permissions.is_registrar(user):
        audiences.add(REGISTRAR)
    if permissions.is_purchaser(user):
        audiences.add(PURCHASER)
    return [kind for kind in KINDS if kind.audience in audiences]


def data_quality(user, region: Region, *, today: datetime.date | None = None) -> QualityReport:
    """The items the user's roles answer for, in `region` (which the caller has checked the user covers)."""
    today = today or timezone.localdate()
    items = []
    for kind in kinds_for(user):
        rows = kind.rows(region, today, user)
        items.append(Item(kind=kind, count=rows.count(), rows=rows))
    return QualityReport(region=region, items=items)


# --- rows for the page and the downloads ----------------------------------------------------------------------------


def row_cells(kind: str, record) -> tuple[list, str]:
    """([cells], url of the record) for one record of an item."""
    if isinstance(record, Organization):
        cells = [record.name, record.uscc, record.region.name, record.contact_phone, record.contact_email]
        return cells, reverse("registry:organization-detail", args=[record.uscc])
    if isinstance(record, Contract):
        cells = [record.number, record.title, record.department.name, record.organization.name, record.signed_on]
        return cells, reverse("contracts:contract-detail", args=[record.number])
    if isinstance(record, Deliverable):
        contract = record.contract
        cells = [contract.number, record.title, contract.department.name, record.due_on, record.get_status_display()]
        return cells, reverse("contracts:contract-detail", args=[contract.number])
    if isinstance(record, Payment):
        contract = record.contract
        deliverable = record.deliverable.title if record.deliverable else "—"
        cells = [contract.number, record.instalment, record.amount, record.paid_on, deliverable]
        return cells, reverse("contracts:contract-detail", args=[contract.number])
    contract = record.contract
    cells = [contract.number, record.get_kind_display(), record.year, record.due_on, record.get_status_display()]
    return cells, reverse("evaluations:evaluation-detail", args=[record.pk])


def headers(kind: str) -> list[str]:
    audience = next(item.audience for item in KINDS if item.key == kind)
    if audience == REGISTRAR:
        return [_("名称"), _("统一社会信用代码"), _("所属区划"), _("联系电话"), _("联系邮箱")]
    return {
        "no_contract_text": [_("合同编号"), _("合同名称"), _("购买主体"), _("承接主体"), _("签订日期")],
        "no_criteria": [_("合同编号"), _("履约事项"), _("购买主体"), _("截止日期"), _("状态")],
        "payment_without_acceptance": [_("合同编号"), _("期次"), _("金额(元)"), _("付款日期"), _("对应履约事项")],
        "overdue_evaluation": [_("合同编号"), _("评价类型"), _("评价年度"), _("评分截止日期"), _("状态")],
    }[kind]


def item_table(item: Item, user, region: Region) -> tuple[list[str], Iterator[list]]:
    """The item's header and its rows, read from the database 2,000 at a time as the download is written."""
    return headers(item.key), (row_cells(item.key, record)[0] for record in item.rows.iterator(chunk_size=2000))
