"""Reads of the open-data export: the public contracts with everything their OCDS releases show, in a fixed number
of queries whatever the number of contracts."""

from __future__ import annotations

import datetime
from collections import namedtuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from contracts.models import (
    Amendment,
    Contract,
    ContractDocument,
    ContractTemplate,
    Deliverable,
    Payment,
    PurchaseItem,
    PurchaseList,
)
from core import pagecache
from evaluations.models import Evaluation
from registry.models import Department, Organization, Region

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


def ocds_contract_list(*, date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> list:
    """Signed and later contracts (never drafts) that have a release between the two days, oldest signing first, with
    their release data (records, see ocds_contracts_with_ids), all at once (the pages and the bulk jobs read them by
    ids, a range at a time)."""
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
) -> tuple[list, bool]:
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


def ocds_contract_count(*, date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> int:
    """How many contracts ocds_contract_list holds (its index answers without the contracts' rows), remembered until
    a write to the contracts commits (`core.pagecache.remember_read`: 49,000 contracts take milliseconds), so that a
    remembered OCDS page that shows it is kept by its tables too."""
    return pagecache.remember_read(
        "ocds-count",
        date_from,
        date_to,
        compute=lambda: _public_contracts(date_from=date_from, date_to=date_to).count(),
    )


def ocds_contract_get(*, number: str):
    """One public contract with its release data (as ocds_contracts_with_ids reads it); raises
    Contract.DoesNotExist for drafts and unknown numbers."""
    pk = Contract.objects.exclude(status=Contract.Status.DRAFT).values_list("pk", flat=True).get(number=number)
    return ocds_contracts_with_ids([pk])[0]


# --- The release data read as rows -----------------------------------------------------------------------------------
# A page of 200 contracts shows some 3,500 related rows; making a model instance of each (and of the seven rows
# joined to every contract) was half the page's time. They are read as tuples (`values_list`) and wrapped in
# read-only records that carry the same attribute names as the models' fields, so api.ocds builds releases from them
# exactly as from model instances; a record knows its model's `_meta` (for translated labels) and borrows the model's
# properties the releases ask (`Contract.is_public`, `Evaluation.is_finalized`). Departments, organizations, purchase
# items and lists, regions and contract texts read once for a page are shared by its contracts.


def _record_type(model, fields: tuple[str, ...], *, properties: tuple[str, ...] = ()) -> type:
    """A tuple type with `fields` as attributes (plus room for the relations set after it is made)."""
    base = namedtuple(f"{model.__name__}Record", fields)
    namespace = {"_meta": model._meta, "__repr__": lambda self: f"<{model.__name__}Record {self.pk}>"}
    for name in properties:
        namespace[name] = model.__dict__[name]
    for name in ("Status", "Kind", "ACTIVE_STATUSES"):
        if hasattr(model, name):
            namespace[name] = getattr(model, name)
    return type(f"{model.__name__}Record", (base,), namespace)


_CONTRACT = (
    "pk", "number", "title", "description", "status", "method", "amount", "start_on", "end_on", "signed_on",
    "completed_on", "terminated_on", "termination_reason",
)  # fmt: skip
_DEPARTMENT = ("pk", "uscc", "code", "name", "contact_name", "contact_phone", "contact_email", "region_id")
_ORGANIZATION = ("pk", "uscc", "name", "domicile", "region_id")
_ITEM = (
    "pk", "code", "service_name", "subcategory", "category", "quantity", "unit", "budget", "description",
    "service_start_on", "service_end_on", "provider_requirements", "origin_id", "purchase_list_id",
)  # fmt: skip
_LIST = ("pk", "title", "year", "published_on")
_ORIGIN = ("pk", "code", "service_name", "purchase_list_id")
_ORIGIN_LIST = ("pk", "title")
_TEXT = ("pk", "version")

_ContractRecord = _record_type(Contract, _CONTRACT, properties=("is_public", "is_active"))
_DepartmentRecord = _record_type(Department, _DEPARTMENT)
_OrganizationRecord = _record_type(Organization, _ORGANIZATION)
_ItemRecord = _record_type(PurchaseItem, _ITEM)
_ListRecord = _record_type(PurchaseList, _LIST)
_OriginRecord = _record_type(PurchaseItem, _ORIGIN)
_OriginListRecord = _record_type(PurchaseList, _ORIGIN_LIST)
_TextRecord = _record_type(ContractTemplate, _TEXT)
# A buyer's or supplier's region: its full name (Region.full_name, which walks the region's ancestors), made once.
_RegionRecord = namedtuple("RegionRecord", ("pk", "full_name"))

# Each related set (read by RELEASE_SETS, in release order): its model, the columns its records hold (read after the
# contract's id) and the model's properties they borrow.
_RELEASE_SET_RECORDS = {
    "deliverables": (Deliverable, ("pk", "title", "description", "due_on", "status", "accepted_at"), ()),
    "payments": (Payment, ("pk", "instalment", "paid_on", "amount"), ()),
    "amendments": (Amendment, ("pk", "amended_on", "reason", "kind", "old_value", "new_value"), ()),
    "documents": (
        ContractDocument,
        ("pk", "kind", "title", "uploaded_at", "content_type", "sha256", "is_public"),
        (),
    ),
    "evaluations": (
        Evaluation,
        (
            "pk", "kind", "status", "finalized_at", "period_start_on", "period_end_on", "score", "grade",
            "evaluator_count",
        ),
        ("is_finalized",),
    ),
}  # fmt: skip
_SET_TYPES = {
    name: _record_type(model, fields, properties=properties)
    for name, (model, fields, properties) in _RELEASE_SET_RECORDS.items()
}


def _shared(cache: dict, record_type: type, values: tuple):
    """The record of `values` (None when its key is None), one per key for the whole read."""
    key = values[0]
    if key is None:
        return None
    record = cache.get(key)
    if record is None:
        record = cache[key] = record_type._make(values)
    return record


def _region_records(region_ids: set[int]) -> dict[int, Region]:
    """The regions `region_ids` with their ancestors linked (what `Region.full_name` walks): two queries on indexed
    columns, the regions' paths, then every region those paths name."""
    if not region_ids:
        return {}
    paths = Region.objects.filter(pk__in=region_ids).values_list("path", flat=True)
    codes = {code for path in paths for code in path.split("/") if code}
    by_pk = {region.pk: region for region in Region.objects.filter(code__in=codes).only("name", "level", "parent")}
    parent = Region._meta.get_field("parent")
    for region in by_pk.values():
        parent.set_cached_value(region, by_pk.get(region.parent_id))
    return by_pk


def ocds_contracts_with_ids(ids: list[int]) -> list:
    """Those contracts of ocds_contract_list, with their release data, in its order (signing day, number): records
    with the models' field names (see above), each related set read in one query and grouped by contract; a
    contract's sets are where `api.ocds.values.rows` finds them."""
    columns = [
        *_CONTRACT,
        *(f"department__{name}" for name in _DEPARTMENT),
        *(f"organization__{name}" for name in _ORGANIZATION),
        *(f"purchase_item__{name}" for name in _ITEM),
        *(f"purchase_item__purchase_list__{name}" for name in _LIST),
        *(f"purchase_item__origin__{name}" for name in _ORIGIN),
        *(f"purchase_item__origin__purchase_list__{name}" for name in _ORIGIN_LIST),
        *(f"text_version__{name}" for name in _TEXT),
    ]
    bounds = []
    start = 0
    for fields in (_CONTRACT, _DEPARTMENT, _ORGANIZATION, _ITEM, _LIST, _ORIGIN, _ORIGIN_LIST, _TEXT):
        bounds.append((start, start + len(fields)))
        start += len(fields)
    (c0, c1), (d0, d1), (o0, o1), (i0, i1), (l0, l1), (r0, r1), (s0, s1), (t0, t1) = bounds
    queryset = Contract.objects.filter(pk__in=ids).order_by("signed_on", "number").values_list(*columns)
    departments: dict = {}
    organizations: dict = {}
    items: dict = {}
    lists: dict = {}
    origin_lists: dict = {}
    origins: dict = {}
    texts: dict = {}
    contracts = []
    for values in queryset:
        contract = _ContractRecord._make(values[c0:c1])
        contract.department = _shared(departments, _DepartmentRecord, values[d0:d1])
        contract.organization = _shared(organizations, _OrganizationRecord, values[o0:o1])
        contract.text_version = _shared(texts, _TextRecord, values[t0:t1])
        item = _shared(items, _ItemRecord, values[i0:i1])
        if item is not None and not hasattr(item, "purchase_list"):
            item.purchase_list = _shared(lists, _ListRecord, values[l0:l1])
            origin = _shared(origins, _OriginRecord, values[r0:r1])
            if origin is not None and not hasattr(origin, "purchase_list"):
                origin.purchase_list = _shared(origin_lists, _OriginListRecord, values[s0:s1])
            item.origin = origin
        contract.purchase_item = item
        contract.purchase_item_id = None if item is None else item.pk
        contract._prefetched_objects_cache = {name: [] for name in RELEASE_SETS}
        contracts.append(contract)
    by_pk = {contract.pk: contract for contract in contracts}
    for name, related in RELEASE_SETS.items():
        record_type = _SET_TYPES[name]
        fields = _RELEASE_SET_RECORDS[name][1]
        make = record_type._make
        for values in related().filter(contract_id__in=list(by_pk)).values_list("contract_id", *fields):
            contract = by_pk[values[0]]
            record = make(values[1:])
            record.contract = contract
            contract._prefetched_objects_cache[name].append(record)
    holders = (*departments.values(), *organizations.values())
    regions = _region_records({holder.region_id for holder in holders})
    names = {}
    for holder in holders:
        region = names.get(holder.region_id)
        if region is None:
            region = names[holder.region_id] = _RegionRecord(holder.region_id, regions[holder.region_id].full_name)
        holder.region = region
    return contracts
