"""Reads of purchase lists and contracts, scoped to what the user may see, with a constant number of queries.

Visibility: published and withdrawn lists and every contract from signing on are public records. Drafts are seen by
the purchasers whose region covers the department, and by superusers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_org_member, is_purchaser, is_superuser
from contracts.models import (
    COMPACT_NUMBER,
    Contract,
    Deliverable,
    Payment,
    PurchaseItem,
    PurchaseList,
    Submission,
    add_years,
)
from contracts.workflows import CONTRACT, PURCHASE_LIST
from core import formatting
from core.search import compact, rank_by, search_condition, search_words
from core.services import WRONG_STATE, refusal, render_message
from core.tables import set_facts
from registry.organization_records import OrganizationRecords
from registry.selectors import organization_eligibility

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")
HUNDRED = Decimal("100.00")


def _subquery_sum(queryset: QuerySet, field: str) -> Coalesce:
    total = queryset.order_by().values(total=Func(F(field), function="SUM", output_field=MONEY))
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _subquery_count(queryset: QuerySet) -> Coalesce:
    count = queryset.order_by().values(count=Func(F("pk"), function="COUNT", output_field=IntegerField()))
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0), output_field=IntegerField())


def _purchaser_department_id(user) -> int | None:
    """The department a purchaser acts for (their own: its drafts are theirs), or None."""
    return user.department_id if is_purchaser(user) else None


def managed_by(user, department_field: str = "department") -> Q | None:
    """Rows whose purchasing department (`department_field`) the user manages, as `can_manage_contract` decides it:
    None for superusers (everything), the purchaser's own department otherwise, nothing for anyone else. The 待办
    items of purchasers use it, so they are scoped exactly like the contract pages they link to."""
    if is_superuser(user):
        return None
    department_id = _purchaser_department_id(user)
    if not department_id:
        return Q(pk__in=[])
    return Q(**{f"{department_field}_id": department_id})


# Purchase lists ------------------------------------------------------------------------------------------------


def _visible_lists(user) -> QuerySet[PurchaseList]:
    queryset = PurchaseList.objects.all()
    if is_superuser(user):
        return queryset
    visible = ~Q(status=PurchaseList.Status.DRAFT)
    department_id = _purchaser_department_id(user)
    if department_id:
        visible |= Q(department_id=department_id)
    return queryset.filter(visible)


def _purchase_list_figures() -> dict:
    items = PurchaseItem.objects.filter(purchase_list=OuterRef("pk"))
    return {"item_count": _subquery_count(items), "total_budget": _subquery_sum(items, "budget")}


def with_purchase_list_figures(queryset: QuerySet[PurchaseList]) -> QuerySet[PurchaseList]:
    """Add `item_count` and `total_budget` to the query itself (for ordering by them); a page of rows gets them
    from purchase_list_facts."""
    if "item_count" in queryset.query.annotations:
        return queryset
    return queryset.annotate(**_purchase_list_figures())


def purchase_list_list(*, user=None, figures: bool = True) -> QuerySet[PurchaseList]:
    """Lists the user may see, newest year first, with `item_count` and `total_budget` (figures=False: without
    them, for a paged list whose page gets them from purchase_list_facts)."""
    queryset = _visible_lists(user).select_related("department", "region")
    return with_purchase_list_figures(queryset) if figures else queryset


def purchase_list_facts(purchase_lists: list[PurchaseList]) -> list[PurchaseList]:
    """Set `item_count` and `total_budget` on a page of lists: one query scoped to their ids."""
    defaults = {"item_count": 0, "total_budget": ZERO}
    return set_facts(purchase_lists, PurchaseList, _purchase_list_figures(), defaults)


def _committed_contracts(lineage_ref) -> QuerySet[Contract]:
    return Contract.objects.filter(status__in=Contract.BUDGET_STATUSES).filter(
        Q(purchase_item_id=lineage_ref) | Q(purchase_item__origin_id=lineage_ref)
    )


def purchase_item_list(*, purchase_list: PurchaseList | None = None, user=None) -> QuerySet[PurchaseItem]:
    """Items with `committed_amount` (signed contracts of the item's lineage), `remaining_budget`, `contract_count`.

    Without `purchase_list`: the items of every list the user may see.
    """
    queryset = PurchaseItem.objects.select_related("purchase_list__department", "purchase_list__region")
    if purchase_list is not None:
        queryset = queryset.filter(purchase_list=purchase_list)
    else:
        queryset = queryset.filter(purchase_list__in=_visible_lists(user))
    queryset = queryset.annotate(lineage=Coalesce(F("origin_id"), F("pk")))
    committed = _committed_contracts(OuterRef("lineage"))
    return queryset.annotate(
        committed_amount=_subquery_sum(committed, "amount"),
        contract_count=_subquery_count(Contract.objects.filter(purchase_item=OuterRef("pk")).exclude(status="draft")),
    ).annotate(remaining_budget=ExpressionWrapper(F("budget") - F("committed_amount"), output_field=MONEY))


def purchase_list_get(*, pk: int, user=None) -> PurchaseList:
    """One visible list with its items (annotated as in purchase_item_list) and each item's visible contracts.

    Raises PurchaseList.DoesNotExist when the list does not exist or the user may not see it.
    """
    visible_contracts = Contract.objects.select_related("organization").order_by("number")
    if not is_superuser(user):
        visible = ~Q(status=Contract.Status.DRAFT)
        department_id = _purchaser_department_id(user)
        if department_id:
            visible |= Q(department_id=department_id)
        visible_contracts = visible_contracts.filter(visible)
    purchase_list = _visible_lists(user).select_related("department", "region", "revision_of").get(pk=pk)
    items = purchase_item_list(purchase_list=purchase_list).order_by("code")
    items = items.prefetch_related(Prefetch("contracts", queryset=visible_contracts, to_attr="visible_contracts"))
    purchase_list.item_rows = list(items)
    return purchase_list


def item_remaining_budget(item: PurchaseItem, *, exclude_contract: Contract | None = None) -> Decimal:
    """The item's budget less the amounts of the signed, performing and completed contracts of its lineage."""
    committed = _committed_contracts(item.lineage_id)
    if exclude_contract is not None and exclude_contract.pk:
        committed = committed.exclude(pk=exclude_contract.pk)
    total = sum((amount for amount in committed.values_list("amount", flat=True)), ZERO)
    return item.budget - total


# Contracts -----------------------------------------------------------------------------------------------------


def overdue_condition(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Deliverables whose due date passed without acceptance on a contract being performed."""
    day = on or timezone.localdate()
    return (
        Q(**{f"{prefix}contract__status__in": Contract.ACTIVE_STATUSES})
        & Q(**{f"{prefix}due_on__lt": day})
        & ~Q(**{f"{prefix}status": Deliverable.Status.ACCEPTED})
    )


def annotate_overdue(queryset: QuerySet[Deliverable], *, on: datetime.date | None = None) -> QuerySet[Deliverable]:
    """Add `is_overdue_now` (bool) to each deliverable."""
    return queryset.annotate(
        is_overdue_now=Case(
            When(overdue_condition(on), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def deliverable_overdue_list(*, on: datetime.date | None = None) -> QuerySet[Deliverable]:
    """Every overdue deliverable (public information: only signed contracts can have one), oldest due first."""
    return (
        Deliverable.objects.filter(overdue_condition(on))
        .select_related("contract__organization", "contract__department__region")
        .order_by("due_on", "pk")
    )


def organization_overdue_count(organization, *, on: datetime.date | None = None) -> int:
    return Deliverable.objects.filter(overdue_condition(on), contract__organization=organization).count()


def annotate_organization_overdue(queryset: QuerySet, *, on: datetime.date | None = None) -> QuerySet:
    """Add `overdue_deliverable_count` to each organization of `queryset`."""
    overdue = Deliverable.objects.filter(overdue_condition(on), contract__organization=OuterRef("pk"))
    return queryset.annotate(overdue_deliverable_count=_subquery_count(overdue))


def _contract_figures(on: datetime.date | None = None) -> dict:
    overdue = Deliverable.objects.filter(overdue_condition(on), contract=OuterRef("pk"))
    payments = Payment.objects.filter(contract=OuterRef("pk"))
    return {"overdue_count": _subquery_count(overdue), "paid_amount": _subquery_sum(payments, "amount")}


def with_contract_figures(queryset: QuerySet[Contract], on: datetime.date | None = None) -> QuerySet[Contract]:
    """Add `overdue_count` and `paid_amount` to the query itself (for filtering or ordering by them); a page of
    rows gets them from contract_facts."""
    if "overdue_count" in queryset.query.annotations:
        return queryset
    return queryset.annotate(**_contract_figures(on))


def contract_facts(contracts: list[Contract]) -> list[Contract]:
    """Set `overdue_count` and `paid_amount` on a page of contracts: one query scoped to their ids."""
    today = timezone.localdate()
    return set_facts(
        contracts,
        Contract,
        lambda: _contract_figures(today),
        {"overdue_count": 0, "paid_amount": ZERO},
        key=(today,),
    )


def _visible_contract_filter(user) -> Q | None:
    """None means everything (superusers)."""
    if is_superuser(user):
        return None
    visible = ~Q(status=Contract.Status.DRAFT)
    department_id = _purchaser_department_id(user)
    if department_id:
        visible |= Q(department_id=department_id)
    return visible


# The stored search columns of a contract and of its supplier (kilobytes a row, kept by the database, shown nowhere):
# a list of contracts leaves them unread.
UNSHOWN_SEARCH_COLUMNS = (
    "search_document",
    "search_vector",
    "organization__search_document",
    "organization__search_tokens",
)


def contract_list_for(*, user, mine: bool = False, figures: bool = True) -> QuerySet[Contract]:
    """Contracts the user may see, annotated with `overdue_count` and `paid_amount` (figures=False: without them,
    for a paged list whose page gets them from contract_facts).

    mine=True narrows to the user's work: a purchaser's department (every status), a member's organization
    (non-draft).
    """
    queryset = Contract.objects.all()
    if mine:
        work = Q(pk__in=[])
        department_id = _purchaser_department_id(user)
        if department_id:
            work |= Q(department_id=department_id)
        if is_org_member(user):
            work |= Q(organization_id=user.organization_id) & ~Q(status=Contract.Status.DRAFT)
        queryset = queryset.filter(work)
    visible = _visible_contract_filter(user)
    if visible is not None:
        queryset = queryset.filter(visible)
    queryset = queryset.select_related("department__region", "organization", "purchase_item__purchase_list").defer(
        *UNSHOWN_SEARCH_COLUMNS
    )
    return with_contract_figures(queryset) if figures else queryset


def organization_contract_list(*, organization, user=None) -> QuerySet[Contract]:
    """The contracts of one organization the user may see (for the organization's page)."""
    return contract_list_for(user=user).filter(organization=organization)


def signed_amount_subquery(contract_ref: str = "pk") -> Subquery:
    """The amount a contract was signed for: its first historied state after the draft (amendments come later)."""
    signed = (
        Contract.history.model.objects.filter(id=OuterRef(contract_ref))
        .exclude(status=Contract.Status.DRAFT)
        .order_by("history_date", "history_id")
        .values("amount")[:1]
    )
    return Subquery(signed)


def organization_contract_rows(records: OrganizationRecords) -> list[Contract]:
    """The contracts of `records.organization` that `records.user` may see, latest signed first, each with
    `overdue_count`, `paid_amount`, `signed_amount` (what it was signed for; its amount while a draft) and its
    department: read once per records for the organization page's 政府购买服务 tab, its badge and the timeline's
    signings."""

    def read() -> list[Contract]:
        contracts = organization_contract_list(organization=records.organization, user=records.user)
        # The page names each contract's department, nothing else of its relations (an organization may have hundreds).
        contracts = contracts.select_related(None).select_related("department")
        contracts = contracts.annotate(signed_amount=Coalesce(signed_amount_subquery(), F("amount")))
        return list(contracts.order_by("-signed_on", "-number"))

    return records.shared("contracts.visible", read)


def organization_overdue_total(contracts: list[Contract]) -> int:
    """The overdue deliverables of an organization (organization_overdue_count) from its organization_contract_rows:
    only a contract being performed has overdue deliverables, and every viewer sees those."""
    return sum(contract.overdue_count for contract in contracts)


def contract_get_by_number(*, number: str, user=None) -> Contract:
    """One contract with everything its page shows. Raises Contract.DoesNotExist when missing or not visible."""
    submissions = Submission.objects.select_related("submitted_by", "decided_by").prefetch_related("files")
    deliverables = annotate_overdue(Deliverable.objects.all()).prefetch_related(
        Prefetch("submissions", queryset=submissions)
    )
    queryset = contract_list_for(user=user).prefetch_related(
        Prefetch("deliverables", queryset=deliverables),
        Prefetch("payments", queryset=Payment.objects.select_related("deliverable", "recorded_by")),
        "amendments__amended_by",
        "documents__uploaded_by",
    )
    return queryset.get(number=number)


def contract_paid_total(contract: Contract) -> Decimal:
    total = sum((amount for amount in contract.payments.values_list("amount", flat=True)), ZERO)
    return total


def contract_remaining_amount(contract: Contract) -> Decimal:
    return contract.amount - contract_paid_total(contract)


# Signing ----------------------------------------------------------------------------------------------------------
#
# Each refusal is a ValidationError with a stable code and the params of its lazy message (see core.services); its
# message starts with the name of the rule it breaks.


def term_refusals(start_on: datetime.date, end_on: datetime.date, justification: str) -> list[ValidationError]:
    """The term rules: start ≤ end; at most one year, or at most three years with a recorded justification."""
    period = {"start": start_on.isoformat(), "end": end_on.isoformat()}
    if start_on > end_on:
        return [refusal(_("合同期限：开始日期 %(start)s 晚于结束日期 %(end)s。"), code="start_after_end", **period)]
    if not end_on < add_years(start_on, 3):
        return [refusal(_("合同期限：期限（%(start)s 至 %(end)s）超过三年的上限。"), code="term_too_long", **period)]
    if not end_on < add_years(start_on, 1) and not (justification or "").strip():
        return [
            refusal(
                _("合同期限：期限（%(start)s 至 %(end)s）超过一年，须填写期限理由。"),
                code="term_needs_justification",
                **period,
            )
        ]
    return []


def budget_refusal(item: PurchaseItem, amount: Decimal, *, contract: Contract | None = None) -> ValidationError | None:
    """The budget rule: `amount` fits in what the item's other signed contracts leave of its budget."""
    remaining = item_remaining_budget(item, exclude_contract=contract)
    if amount <= remaining:
        return None
    return refusal(
        _("预算：合同金额 %(amount)s 元超出购买项目“%(item)s”的剩余预算 %(remaining)s 元。"),
        code="budget_exceeded",
        amount=formatting.amount(amount),
        item=item.service_name,
        remaining=formatting.amount(remaining),
    )


def amount_refusal() -> ValidationError:
    """A contract amount must be above zero."""
    return refusal(_("合同金额：合同金额须大于零。"), code="amount_not_positive")


@dataclass(frozen=True)
class SigningReview:
    """What stands in the way of signing (refusals, coded) and what the purchaser must acknowledge (warnings)."""

    refusals: tuple[ValidationError, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def messages(self) -> list[str]:
        """The refusals in the active language."""
        return [render_message(error.message, error.params) for error in self.refusals]

    @property
    def codes(self) -> list[str]:
        return [error.code for error in self.refusals]


def contract_signing_review(contract: Contract, *, signed_on: datetime.date) -> SigningReview:
    """Check every signing rule; each refusal starts with the name of the rule it breaks."""
    refusals: list[ValidationError] = []
    if not CONTRACT.allows("sign", contract.status):
        refusals.append(
            refusal(
                _("合同状态：只有草稿状态的合同可以签订（当前状态：%(status)s）。"),
                code=WRONG_STATE,
                status=CONTRACT.status_label(contract.status),
                action=CONTRACT["sign"].label,
            )
        )

    eligibility = organization_eligibility(contract.organization, on=signed_on)
    for reason in eligibility.refusals:
        refusals.append(refusal(_("承接主体资格：%(reason)s"), code="organization_not_eligible", reason=reason))

    if signed_on > timezone.localdate():
        refusals.append(
            refusal(_("签订日期：签订日期 %(day)s 不能晚于今天。"), code="date_in_future", day=signed_on.isoformat())
        )

    if contract.amount is None or contract.amount <= 0:
        refusals.append(amount_refusal())

    refusals.extend(term_refusals(contract.start_on, contract.end_on, contract.term_justification))

    item = contract.purchase_item
    if item is not None:
        purchase_list = item.purchase_list
        if not PURCHASE_LIST.allows("contract_item", purchase_list.status):
            refusals.append(
                refusal(
                    _("购买目录：购买项目所在的目录“%(title)s”不是已发布状态（当前状态：%(status)s）。"),
                    code="list_not_published",
                    title=purchase_list.title,
                    status=PURCHASE_LIST.status_label(purchase_list.status),
                )
            )
        if contract.amount is not None and contract.amount > 0:
            over_budget = budget_refusal(item, contract.amount, contract=contract)
            if over_budget is not None:
                refusals.append(over_budget)

    shares = list(contract.deliverables.values_list("payment_share", flat=True))
    if not shares:
        refusals.append(refusal(_("履约事项：至少须设定一项履约事项。"), code="no_deliverables"))
    else:
        total = sum(shares, ZERO)
        if total != HUNDRED:
            refusals.append(
                refusal(
                    _("履约事项：各项付款比例合计须为 100.00%%，当前合计 %(total)s%%。"),
                    code="shares_not_100",
                    total=f"{total:.2f}",
                )
            )
    return SigningReview(refusals=tuple(refusals), warnings=tuple(eligibility.warnings))


# Search ----------------------------------------------------------------------------------------------------------


def contract_by_number(query: str, *, user=None) -> Contract | None:
    """The visible contract whose number the query is, typed with or without dashes and spaces, in any case."""
    code = compact(query)
    if len(code) < 6:
        return None
    numbers = Contract.objects.annotate(compact_number=COMPACT_NUMBER)
    visible = _visible_contract_filter(user)
    if visible is not None:
        numbers = numbers.filter(visible)
    return numbers.filter(compact_number=code).first()


def contract_search(query: str, *, user=None) -> QuerySet[Contract]:
    """Visible contracts whose number, title, supplier (what the organization's own search finds it by: name, code,
    legal representative, pinyin, initials) or buyer contain every word of the query, in any order, through the
    contract's stored search columns; a contract whose number or title is the query comes first, then the newest."""
    words = search_words(query)
    if not words:
        return Contract.objects.none()
    queryset = Contract.objects.select_related("organization", "department")
    visible = _visible_contract_filter(user)
    if visible is not None:
        queryset = queryset.filter(visible)
    queryset = queryset.filter(search_condition(words, vector_field="search_vector"))
    rank = rank_by(contract_search_tiers(query))
    return queryset.annotate(rank=rank).order_by("rank", F("signed_on").desc(nulls_last=True), "-number")


def contract_search_tiers(query: str) -> list[Q]:
    """How contract_search ranks its hits: a contract whose number or title is the query first."""
    return [Q(number__iexact=query.strip()) | Q(title=query.strip())]


def purchase_item_search(query: str, *, user=None) -> QuerySet[PurchaseItem]:
    """Items of visible purchase lists whose code, service name, list title or department contain every word (the
    item's stored search columns)."""
    words = search_words(query)
    if not words:
        return PurchaseItem.objects.none()
    queryset = PurchaseItem.objects.filter(purchase_list__in=_visible_lists(user)).select_related(
        "purchase_list__department"
    )
    queryset = queryset.filter(search_condition(words, vector_field="search_vector"))
    rank = rank_by(purchase_item_search_tiers(query))
    return queryset.annotate(rank=rank).order_by("rank", "-purchase_list__year", "code", "pk")


def purchase_item_search_tiers(query: str) -> list[Q]:
    """How purchase_item_search ranks its hits: an item whose code or service name is the query first."""
    return [Q(code__iexact=query.strip()) | Q(service_name=query.strip())]


# What keeps a button disabled ---------------------------------------------------------------------------------


def contract_completion_blocker(contract: Contract) -> str | None:
    """Why the contract cannot be completed yet (contract_complete would refuse), or None. Reads the deliverables
    the page has prefetched."""
    open_count = sum(
        1 for deliverable in contract.deliverables.all() if deliverable.status != Deliverable.Status.ACCEPTED
    )
    if open_count:
        return _("尚有 %(count)d 项履约事项未验收") % {"count": open_count}
    return None


def contract_signing_blocker(contract: Contract) -> str | None:
    """The deliverable rules of signing, checked before the signing page is opened (its review checks the rest)."""
    shares = [deliverable.payment_share for deliverable in contract.deliverables.all()]
    if not shares:
        return _("尚未设定履约事项")
    total = sum(shares, ZERO)
    if total != HUNDRED:
        return _("履约事项付款比例合计 %(total)s%%，须为 100%%") % {"total": f"{total:.2f}"}
    return None
