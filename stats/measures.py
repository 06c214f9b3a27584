"""The measures the statistics report, and the record families they are counted from.

A family is one kind of record (published purchase items, signed contracts, payments, …) with the fields that place
it in a region, a year, a department, a service category and an organization type, and the aggregates counted from
it. Disclosure lives in each family's base queryset: drafts, unpublished lists and unfinalized evaluations are never
counted; supervision families are counted only for officials whose region covers the area.

An amended contract counts once at its current amount: the contract row carries the amount after every amendment
(amendments are rows of their own and are never joined here).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Deliverable, Payment, PurchaseItem, PurchaseList
from contracts.selectors import overdue_condition
from evaluations.models import Evaluation
from registry.models import CreditListing, Organization, Rating
from supervision.models import Complaint, Inspection, RectificationOrder

COUNT, AMOUNT, PERCENT, SCORE = "count", "amount", "percent", "score"
GRADES = [grade for grade, _label in Evaluation.Grade.choices]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str | Promise
    kind: str = COUNT
    officials: bool = False
    group: str | Promise = ""


@dataclass(frozen=True)
class Family:
    """One kind of record and how it is placed and counted."""

    name: str
    base: Callable[[datetime.date], QuerySet]
    region_path: str
    # Field of the record's year: an integer field, or a date/datetime field (`year_is_date`); None: a current state.
    year_field: str | None
    year_is_date: bool
    # dimension/filter name -> field; a missing entry means the family is not broken down (or filtered) that way.
    keys: dict[str, str]
    aggregates: Callable[[str, datetime.date], dict]
    officials: bool = False
    # In the multi-year trend, the years of this family's records make rows (registrations go back decades: they
    # fill in the years the other families bring, and make none of their own).
    makes_years: bool = True
    # Dimensions under which one record may fall in several rows (a list with items of two categories): the total
    # of such a breakdown is its own query instead of the sum of the rows.
    multi_valued: frozenset[str] = frozenset()
    measures: list[str] = field(default_factory=list)


def _purchase_lists(today):
    return PurchaseList.objects.filter(status=PurchaseList.Status.PUBLISHED)


def _purchase_items(today):
    return PurchaseItem.objects.filter(purchase_list__status=PurchaseList.Status.PUBLISHED)


def _contracts(today):
    return Contract.objects.exclude(status=Contract.Status.DRAFT)


def _payments(today):
    return Payment.objects.exclude(contract__status=Contract.Status.DRAFT)


def _deliverables(today):
    return Deliverable.objects.exclude(contract__status=Contract.Status.DRAFT)


def _evaluations(today):
    return Evaluation.objects.filter(status=Evaluation.Status.FINALIZED)


def _organizations(today):
    return Organization.objects.all()


def _inspections(today):
    return Inspection.objects.filter(status=Inspection.Status.COMPLETED)


def _orders(today):
    return RectificationOrder.objects.all()


def _complaints(today):
    return Complaint.objects.all()


def _open_listing(kind: str) -> Exists:
    return Exists(CreditListing.objects.filter(organization=OuterRef("pk"), list_kind=kind, removed_on__isnull=True))


def _outside(prefix: str) -> Q:
    return ~Q(organization__region__path__startswith=prefix)


CONTRACT_KEYS = {
    "department": "department_id",
    "category": "purchase_item__category",
    "org_type": "organization__org_type",
}


def _through_contract(keys: dict[str, str]) -> dict[str, str]:
    return {name: f"contract__{path}" for name, path in keys.items()}


FAMILIES: list[Family] = [
    Family(
        "purchase_lists",
        _purchase_lists,
        "region__path",
        "year",
        False,
        {"department": "department_id", "category": "items__category"},
        lambda prefix, today: {"lists_published": Count("pk", distinct=True)},
        multi_valued=frozenset({"category"}),
    ),
    Family(
        "purchase_items",
        _purchase_items,
        "purchase_list__region__path",
        "purchase_list__year",
        False,
        {"department": "purchase_list__department_id", "category": "category"},
        lambda prefix, today: {
            "items_published": Count("pk"),
            "budget": Sum("budget"),
        },
    ),
    Family(
        "contracts",
        _contracts,
        "department__region__path",
        "year",
        False,
        CONTRACT_KEYS,
        lambda prefix, today: {
            "contracts_signed": Count("pk"),
            "contract_amount": Sum("amount"),
            "outside_contracts": Count("pk", filter=_outside(prefix)),
            "outside_amount": Sum("amount", filter=_outside(prefix)),
        },
    ),
    Family(
        "payments",
        _payments,
        "contract__department__region__path",
        "paid_on",
        True,
        _through_contract(CONTRACT_KEYS),
        lambda prefix, today: {"payments": Count("pk"), "paid": Sum("amount")},
    ),
    Family(
        "deliverables",
        _deliverables,
        "contract__department__region__path",
        "due_on",
        True,
        _through_contract(CONTRACT_KEYS),
        lambda prefix, today: {
            "deliverables_due": Count("pk"),
            "accepted_on_time": Count(
                "pk", filter=Q(status=Deliverable.Status.ACCEPTED, accepted_at__date__lte=F("due_on"))
            ),
            "accepted_late": Count(
                "pk", filter=Q(status=Deliverable.Status.ACCEPTED, accepted_at__date__gt=F("due_on"))
            ),
            "overdue": Count("pk", filter=overdue_condition(today)),
            "returned": Count("pk", filter=Q(status=Deliverable.Status.RETURNED)),
        },
    ),
    Family(
        "evaluations",
        _evaluations,
        "contract__department__region__path",
        "year",
        False,
        _through_contract(CONTRACT_KEYS),
        lambda prefix, today: {
            "evaluations": Count("pk"),
            **{f"grade_{grade}": Count("pk", filter=Q(grade=grade)) for grade in GRADES},
            # The average score is derived from these two, so that rows and totals add up.
            "score_sum": Sum("score"),
            "scored": Count("score"),
        },
    ),
    Family(
        "registrations",
        _organizations,
        "region__path",
        "established_on",
        True,
        {"department": "registration_authority_id", "org_type": "org_type"},
        lambda prefix, today: {"organizations_registered": Count("pk")},
        makes_years=False,
    ),
    Family(
        "organizations",
        _organizations,
        "region__path",
        None,
        False,
        {"department": "registration_authority_id", "org_type": "org_type"},
        lambda prefix, today: {
            "organizations_active": Count("pk", filter=Q(status=Organization.Status.NORMAL)),
            "organizations_rated": Count(
                "pk",
                filter=Q(status=Organization.Status.NORMAL)
                & Q(Exists(Rating.objects.filter(organization=OuterRef("pk"), valid_until__gte=today))),
            ),
            "abnormal_listed": Count("pk", filter=Q(_open_listing(CreditListing.List.ABNORMAL))),
            "serious_listed": Count("pk", filter=Q(_open_listing(CreditListing.List.SERIOUS))),
        },
    ),
    Family(
        "inspections",
        _inspections,
        "organization__region__path",
        "inspected_on",
        True,
        {"department": "department_id", "org_type": "organization__org_type"},
        lambda prefix, today: {
            "inspections": Count("pk"),
            "problems_found": Count("pk", filter=Q(conclusion=Inspection.Conclusion.PROBLEMS_FOUND)),
        },
        officials=True,
    ),
    Family(
        "orders",
        _orders,
        "organization__region__path",
        "issued_on",
        True,
        {"department": "department_id", "org_type": "organization__org_type"},
        lambda prefix, today: {
            "orders_issued": Count("pk"),
            "orders_verified": Count("pk", filter=Q(status=RectificationOrder.Status.VERIFIED)),
            "orders_overdue": Count("pk", filter=Q(overdue_marked_at__isnull=False)),
        },
        officials=True,
    ),
    Family(
        "complaints",
        _complaints,
        "organization__region__path",
        "received_at",
        True,
        {"org_type": "organization__org_type"},
        lambda prefix, today: {
            "complaints": Count("pk"),
            "complaints_upheld": Count("pk", filter=Q(status=Complaint.Status.UPHELD)),
            "complaints_dismissed": Count("pk", filter=Q(status=Complaint.Status.DISMISSED)),
        },
        officials=True,
    ),
]

_PURCHASE = _("购买服务目录")
_CONTRACTS = _("合同")
_DELIVERY = _("履约")
_EVALUATION = _("绩效评价")
_ORGANIZATIONS = _("社会组织")
_SUPERVISION = _("监督")

MEASURES: list[Measure] = [
    Measure("lists_published", _("已发布目录"), group=_PURCHASE),
    Measure("items_published", _("购买项目"), group=_PURCHASE),
    Measure("budget", _("项目预算（元）"), AMOUNT, group=_PURCHASE),
    Measure("contracts_signed", _("已签合同"), group=_CONTRACTS),
    Measure("contract_amount", _("合同金额（元）"), AMOUNT, group=_CONTRACTS),
    Measure("contracted_share", _("预算签约比例"), PERCENT, group=_CONTRACTS),
    Measure("outside_contracts", _("区域外承接合同"), group=_CONTRACTS),
    Measure("outside_amount", _("区域外承接金额（元）"), AMOUNT, group=_CONTRACTS),
    Measure("payments", _("付款笔数"), group=_CONTRACTS),
    Measure("paid", _("付款金额（元）"), AMOUNT, group=_CONTRACTS),
    Measure("deliverables_due", _("到期履约事项"), group=_DELIVERY),
    Measure("accepted_on_time", _("按期验收"), group=_DELIVERY),
    Measure("accepted_late", _("逾期验收"), group=_DELIVERY),
    Measure("overdue", _("逾期未验收"), group=_DELIVERY),
    Measure("returned", _("退回待改"), group=_DELIVERY),
    Measure("evaluations", _("已定稿评价"), group=_EVALUATION),
    *[Measure(f"grade_{grade}", label, group=_EVALUATION) for grade, label in Evaluation.Grade.choices],
    Measure("average_score", _("平均得分"), SCORE, group=_EVALUATION),
    Measure("organizations_registered", _("新成立社会组织"), group=_ORGANIZATIONS),
    Measure("organizations_active", _("正常登记社会组织"), group=_ORGANIZATIONS),
    Measure("organizations_rated", _("评估等级有效"), group=_ORGANIZATIONS),
    Measure("abnormal_listed", _("活动异常名录"), group=_ORGANIZATIONS),
    Measure("serious_listed", _("严重违法失信名单"), group=_ORGANIZATIONS),
    Measure("inspections", _("完成监督检查"), officials=True, group=_SUPERVISION),
    Measure("problems_found", _("检查发现问题"), officials=True, group=_SUPERVISION),
    Measure("orders_issued", _("下达整改通知"), officials=True, group=_SUPERVISION),
    Measure("orders_verified", _("整改核验通过"), officials=True, group=_SUPERVISION),
    Measure("orders_overdue", _("整改逾期"), officials=True, group=_SUPERVISION),
    Measure("complaints", _("收到投诉举报"), officials=True, group=_SUPERVISION),
    Measure("complaints_upheld", _("投诉属实"), officials=True, group=_SUPERVISION),
    Measure("complaints_dismissed", _("投诉不属实"), officials=True, group=_SUPERVISION),
]
MEASURE_BY_KEY = {measure.key: measure for measure in MEASURES}
# Measures computed from others after the queries.
DERIVED = {"contracted_share", "average_score"}


def family_of(measure_key: str) -> str | None:
    for family in FAMILIES:
        if measure_key in family.measures:
            return family.name
    return None


def _register_measures() -> None:
    """Record which measures each family yields (from its aggregates), once at import."""
    today = datetime.date(2000, 1, 1)
    for family in FAMILIES:
        family.measures.extend(family.aggregates("", today))


_register_measures()
