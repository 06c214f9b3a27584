"""Reads of the open-data export: the public contracts with everything their OCDS releases show, in a fixed number
of queries whatever the number of contracts."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from contracts.models import Amendment, Contract, ContractDocument, Deliverable, Payment
from evaluations.models import Evaluation
from registry.models import Region

# What a contract's releases show besides its own row: each related set, in the order the releases list it.
RELEASE_SETS = {
    "deliverables": lambda: Deliverable.objects.defer("acceptance_criteria", "first_submitted_at").order_by(
        "due_on", "pk"
    ),
    "payments": lambda: Payment.objects.order_by("instalment"),
    "amendments": lambda: Amendment.objects.order_by("amended_on", "pk"),
    "documents": lambda: ContractDocument.objects.filter(is_public=True).order_by("uploaded_at", "pk"),
    "evaluations": lambda: (
        Evaluation.objects.filter(status=Evaluation.Status.FINALIZED)
        .defer("description", "scoring_started_at", "created_at", "updated_at")
        .order_by("finalized_at", "pk")
    ),
}


# Columns of the joined rows that no release shows (long texts, search columns, bookkeeping), left unread: a page
# reads 200 contracts with six joined rows each.
_UNUSED_ORGANIZATION = (
    "supervisory_unit",
    "legal_representative",
    "registered_funds",
    "established_on",
    "business_scope",
    "contact_phone",
    "contact_email",
    "certificate_valid_until",
    "status_changed_on",
    "status_reason",
    "created_at",
    "updated_at",
    "name_pinyin",
    "search_document",
    "search_tokens",
    "former_names_text",
)
_UNUSED_LIST = ("description", "withdrawal_reason", "withdrawn_on", "created_at", "updated_at")
_UNUSED_CONTRACT_COLUMNS = (
    "term_justification",
    "eligibility_acknowledged_warnings",
    "created_at",
    "updated_at",
    "search_document",
    "search_vector",
    "purchase_item__search_document",
    "purchase_item__search_vector",
    "purchase_item__origin__search_document",
    "purchase_item__origin__search_vector",
    *(f"organization__{name}" for name in _UNUSED_ORGANIZATION),
    *(f"purchase_item__purchase_list__{name}" for name in _UNUSED_LIST),
    *(f"purchase_item__origin__purchase_list__{name}" for name in _UNUSED_LIST),
    "purchase_item__origin__description",
    "purchase_item__origin__provider_requirements",
    "purchase_item__origin__performance_targets",
)


def _with_contract_rows(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    """The rows joined to each contract; the regions of the buyer and supplier are read once for all the contracts
    read together (`_attach_regions`), not four levels of regions joined twice to every contract."""
    return queryset.select_related(
        "department",
        "organization",
        "purchase_item__purchase_list",
        "purchase_item__origin__purchase_list",
        "text_version",
    ).defer(*_UNUSED_CONTRACT_COLUMNS)


def _attach_regions(contracts: list[Contract]) -> list[Contract]:
    """Give every contract's department and organization its region with the region's ancestors (what
    `Region.full_name` walks), read once for all the contracts (two queries on indexed columns: the regions' paths,
    then every region those paths name). The contracts share the region objects."""
    holders = [holder for contract in contracts for holder in (contract.department, contract.organization)]
    if not holders:
        return contracts
    paths = Region.objects.filter(pk__in={holder.region_id for holder in holders}).values_list("path", flat=True)
    codes = {code for path in paths for code in path.split("/") if code}
    by_pk = {region.pk: region for region in Region.objects.filter(code__in=codes)}
    parent = Region._meta.get_field("parent")
    for region in by_pk.values():
        parent.set_cached_value(region, by_pk.get(region.parent_id))
    for holder in holders:
        type(holder)._meta.get_field("region").set_cached_value(holder, by_pk[holder.region_id])
    return contracts


def _with_release_data(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    return _with_contract_rows(queryset).prefetch_related(
        *(Prefetch(name, queryset=related()) for name, related in RELEASE_SETS.items())
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _activity_since(day: datetime.date) -> Q:
    """Contracts with a release dated `day` or later (see api.ocds.releases for how each release is dated)."""
    today = timezone.localdate()
    contract = OuterRef("pk")
    overdue_since = Deliverable.objects.filter(
        contract=contract,
        contract__status__in=Contract.ACTIVE_STATUSES,
        due_on__lt=today,
        due_on__gte=day - datetime.timedelta(days=1),
    ).exclude(status=Deliverable.Status.ACCEPTED)
    return (
        Q(signed_on__gte=day)
        | Q(completed_on__gte=day)
        | Q(terminated_on__gte=day)
        | Exists(Amendment.objects.filter(contract=contract, amended_on__gte=day))
        | Exists(Payment.objects.filter(contract=contract, paid_on__gte=day))
        | Exists(Deliverable.objects.filter(contract=contract, accepted_at__gte=_start_of(day)))
        | Exists(overdue_since)
        | Exists(
            Evaluation.objects.filter(
                contract=contract, status=Evaluation.Status.FINALIZED, finalized_at__gte=_start_of(day)
            )
        )
    )


def _public_contracts(*, date_from: datetime.date | None, date_to: datetime.date | None) -> QuerySet[Contract]:
    """Signed and later contracts (never drafts) that have a release between the two days. Its filter is the
    condition of the index contract_ocds_order, which keeps the signing order."""
    queryset = Contract.objects.filter(signed_on__isnull=False).exclude(status=Contract.Status.DRAFT)
    if date_to is not None:
        queryset = queryset.filter(signed_on__lte=date_to)
    if date_from is not None:
        queryset = queryset.filter(_activity_since(date_from))
    return queryset


def ocds_contract_list(
    *, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> list[Contract]:
    """Signed and later contracts (never drafts) that have a release between the two days, oldest signing first, with
    their release data, all at once (the pages and the bulk jobs read them by ids, a range at a time)."""
    ids = _public_contracts(date_from=date_from, date_to=date_to).order_by("signed_on", "number")
    return ocds_contracts_with_ids(list(ids.values_list("pk", flat=True)))


OcdsPosition = tuple[datetime.date, str]


def ocds_contract_page(
    *,
    size: int,
    after: OcdsPosition | None = None,
    before: OcdsPosition | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> tuple[list[Contract], bool]:
    """One page of ocds_contract_list by keyset: the `size` contracts that follow the position `after` (signing
    day, number) in signing order, or that precede `before`, or the first ones; and whether more lie beyond.

    The ids come first, read along the index contract_ocds_order from the position (whatever its depth), then those
    contracts with their release data: the same queries for the first page and the thousandth."""
    queryset = _public_contracts(date_from=date_from, date_to=date_to)
    order = ("signed_on", "number")
    if after is not None:
        day, number = after
        queryset = queryset.filter(Q(signed_on__gte=day), Q(signed_on__gt=day) | Q(number__gt=number))
    elif before is not None:
        day, number = before
        queryset = queryset.filter(Q(signed_on__lte=day), Q(signed_on__lt=day) | Q(number__lt=number))
        order = ("-signed_on", "-number")
    ids = list(queryset.order_by(*order).values_list("pk", flat=True)[: size + 1])
    more = len(ids) > size
    return ocds_contracts_with_ids(ids[:size]), more


def ocds_contract_ids() -> list[int]:
    """The ids of ocds_contract_list in its order, read along the index contract_ocds_order (a bulk job splits them
    into ranges and reads each range's contracts with `ocds_contracts_with_ids`)."""
    return list(
        _public_contracts(date_from=None, date_to=None).order_by("signed_on", "number").values_list("pk", flat=True)
    )


def ocds_contracts_with_ids(ids: list[int]) -> list[Contract]:
    """Those contracts of ocds_contract_list, with their release data, in its order: what prefetch_related gives,
    each related set read in one query, without a queryset made per contract and relation (for a thousand
    contracts at a time, that is where prefetch_related spends its time)."""
    contracts = list(_with_contract_rows(Contract.objects.filter(pk__in=ids)).order_by("signed_on", "number"))
    by_pk = {contract.pk: contract for contract in contracts}
    for contract in contracts:
        contract._prefetched_objects_cache = {}
    for name, related in RELEASE_SETS.items():
        link = Contract._meta.get_field(name).field  # the foreign key to the contract
        grouped: dict[int, list] = {pk: [] for pk in by_pk}
        for row in related().filter(**{f"{link.name}__in": list(by_pk)}):
            contract = by_pk[getattr(row, link.attname)]
            link.set_cached_value(row, contract)
            grouped[contract.pk].append(row)
        for pk, rows in grouped.items():
            cached = QuerySet(model=link.model)
            cached._result_cache, cached._prefetch_done = rows, True
            by_pk[pk]._prefetched_objects_cache[link.remote_field.cache_name] = cached
    return _attach_regions(contracts)


def ocds_contract_count(*, date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> int:
    """How many contracts ocds_contract_list holds (its index answers without the contracts' rows)."""
    return _public_contracts(date_from=date_from, date_to=date_to).count()


def ocds_contract_get(*, number: str) -> Contract:
    """One public contract with its release data; raises Contract.DoesNotExist for drafts and unknown numbers."""
    contract = _with_release_data(Contract.objects.exclude(status=Contract.Status.DRAFT)).get(number=number)
    return _attach_regions([contract])[0]
