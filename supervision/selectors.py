"""Reads of supervision, scoped to what the user may see, with a constant number of queries.

Officials (registrars and purchasers) see the supervision of organizations in their region; an organization's members
see its orders and its completed inspections; superusers see everything. The public sees a complaint's status through
its tracking code and each organization's public summary (upheld complaints, closed orders, credit listings).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.permissions import in_official_region, is_official, is_org_member, is_registrar, is_superuser
from core.byids import count_by, related_by_ids
from registry.models import CreditListing, Organization
from registry.organization_records import OrganizationRecords
from supervision.models import (
    Complaint,
    Inspection,
    InspectionAttachment,
    OrderListing,
    OrderResponse,
    OrderResponseFile,
    RectificationOrder,
    SampleDraw,
    SampleDrawEntry,
)

# --- helpers -------------------------------------------------------------------------------------------------------


def _scope(user, model, *, region_field: str, member_field: str | None = None, member_q: Q | None = None) -> Q | None:
    """Rows the user may see: None means everything (superusers); an empty Q-match means nothing."""
    if is_superuser(user):
        return None
    visible = Q(pk__in=[])
    if is_official(user):
        official = in_official_region(user, model, region_field)
        if not official:  # the official's region holds every record
            return None
        visible |= official
    if member_field and is_org_member(user):
        mine = Q(**{member_field: user.organization_id})
        visible |= mine & member_q if member_q is not None else mine
    return visible


def _apply(queryset: QuerySet, visible: Q | None) -> QuerySet:
    return queryset if visible is None else queryset.filter(visible)


# --- random draws --------------------------------------------------------------------------------------------------


def sample_draw_list(*, user) -> QuerySet[SampleDraw]:
    """Draws of regions inside the official's region (superusers: all), newest year first, with `inspection_count`;
    each region with the regions above it up to the country, which its full name reads (a county's city and
    province)."""
    queryset = _apply(SampleDraw.objects.all(), _scope(user, SampleDraw, region_field="region"))
    return (
        queryset.select_related("region__parent__parent__parent", "drawn_by")
        .annotate(inspection_count=Count("inspections", distinct=True))
        .order_by("-year", "region__code")
    )


def sample_draw_get(*, pk: int, user) -> SampleDraw:
    """One visible draw with its entries (organization and region) in draw order; DoesNotExist otherwise."""
    entries = SampleDrawEntry.objects.select_related("organization__region").order_by("position")
    return sample_draw_list(user=user).prefetch_related(Prefetch("entries", queryset=entries)).get(pk=pk)


def sample_draw_rows(draw: SampleDraw, *, user) -> list[tuple[SampleDrawEntry, Inspection | None]]:
    """Each organization drawn, in draw order, with the inspection planned for it from the draw (None: not yet)."""
    planned = {
        inspection.organization_id: inspection for inspection in inspection_list(user=user).filter(sample_draw=draw)
    }
    return [(entry, planned.get(entry.organization_id)) for entry in draw.entries.all()]


# --- inspections ---------------------------------------------------------------------------------------------------


def inspection_list(*, user) -> QuerySet[Inspection]:
    """Inspections the user may see: officials their region's, members their organization's completed ones."""
    visible = _scope(
        user,
        Inspection,
        region_field="organization__region",
        member_field="organization_id",
        member_q=Q(status=Inspection.Status.COMPLETED),
    )
    return (
        _apply(Inspection.objects.all(), visible)
        .select_related("organization__region", "contract", "department", "sample_draw", "created_by")
        .prefetch_related("inspectors")
        .order_by("-planned_on", "-pk")
    )


def inspection_facts(inspections: list[Inspection]) -> list[Inspection]:
    """Set `order_count` (the orders issued from each inspection) and `inspector_list` (its inspectors, read with
    their names only, in the order they were named) on a page of inspections: a query each, scoped to their ids and
    compiled once (a grouped join over every inspection of the region would count them all before the page is
    cut)."""
    ids = {row.pk for row in inspections}
    counts = count_by(RectificationOrder, "inspection_id", ids)
    inspectors = related_by_ids(Inspection.inspectors, ids, User.NAME_FIELDS)
    for inspection in inspections:
        inspection.order_count = counts.get(inspection.pk, 0)
        inspection.inspector_list = inspectors.get(inspection.pk, [])
    return inspections


def inspection_get(*, pk: int, user) -> Inspection:
    """One visible inspection with its attachments and orders; DoesNotExist when missing or not visible."""
    return (
        inspection_list(user=user)
        .prefetch_related(
            Prefetch("attachments", queryset=InspectionAttachment.objects.select_related("uploaded_by")),
            Prefetch("orders", queryset=RectificationOrder.objects.select_related("department")),
        )
        .get(pk=pk)
    )


# --- rectification orders ------------------------------------------------------------------------------------------


def overdue_order_condition(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Orders whose deadline passed without a verified answer (an answer filed in time and awaiting the check does
    not count)."""
    day = on or timezone.localdate()
    timely_answer = OrderResponse.objects.filter(
        order=OuterRef(f"{prefix}pk"), decision__isnull=True, responded_on__lte=OuterRef(f"{prefix}deadline")
    )
    return (
        Q(**{f"{prefix}deadline__lt": day})
        & ~Q(**{f"{prefix}status": RectificationOrder.Status.VERIFIED})
        & ~(Q(**{f"{prefix}status": RectificationOrder.Status.ANSWERED}) & Exists(timely_answer))
    )


def annotate_order_overdue(queryset: QuerySet, *, on: datetime.date | None = None) -> QuerySet:
    """Add `is_overdue_now` (bool) to each order."""
    return queryset.annotate(
        is_overdue_now=Case(
            When(overdue_order_condition(on), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def overdue_order_list(*, on: datetime.date | None = None) -> QuerySet[RectificationOrder]:
    """Every overdue order, oldest deadline first (for the deadline check and reminders)."""
    return (
        RectificationOrder.objects.filter(overdue_order_condition(on))
        .select_related("organization__region", "department")
        .order_by("deadline", "pk")
    )


def order_list(*, user, mine: bool = False, on: datetime.date | None = None) -> QuerySet[RectificationOrder]:
    """Orders the user may see, annotated with `is_overdue_now` and `response_count`.

    mine=True: a member's organization's orders ("my rectification orders"); an official's own department's orders.
    """
    queryset = RectificationOrder.objects.all()
    if mine:
        work = Q(pk__in=[])
        if is_org_member(user):
            work |= Q(organization_id=user.organization_id)
        if is_official(user):
            work |= Q(department_id=user.department_id)
        queryset = queryset.filter(work)
    queryset = _apply(
        queryset, _scope(user, RectificationOrder, region_field="organization__region", member_field="organization_id")
    )
    return annotate_order_overdue(
        queryset.select_related(
            "organization__region",
            "department",
            "issued_by",
            "contract",
            "inspection",
            "complaint",
            "escalation__listing",
        ),
        on=on,
    )


def order_facts(orders: list[RectificationOrder]) -> list[RectificationOrder]:
    """Set `response_count` (the organization's answers) on a page of orders: one query scoped to their ids."""
    counts = count_by(OrderResponse, "order_id", {order.pk for order in orders})
    for order in orders:
        order.response_count = counts.get(order.pk, 0)
    return orders


def organization_order_list(*, organization: Organization, user, on: datetime.date | None = None):
    return order_list(user=user, on=on).filter(organization=organization)


def order_get(*, pk: int, user, on: datetime.date | None = None) -> RectificationOrder:
    """One visible order with its answers (who answered, who decided, files); DoesNotExist when not visible.

    The source inspection and complaint share the order's organization object, so asking who may open them costs no
    query."""
    responses = OrderResponse.objects.select_related("responded_by", "decided_by").prefetch_related(
        Prefetch("files", queryset=OrderResponseFile.objects.order_by("pk"))
    )
    order = order_list(user=user, on=on).prefetch_related(Prefetch("responses", queryset=responses)).get(pk=pk)
    if order.inspection_id is not None:
        order.inspection.organization = order.organization
    if order.complaint_id is not None:
        order.complaint.organization = order.organization
    return order


def order_escalation(order: RectificationOrder) -> OrderListing | None:
    """The listing an overdue order led to (select_related by order_list), or None."""
    try:
        return order.escalation
    except OrderListing.DoesNotExist:
        return None


# --- complaints ----------------------------------------------------------------------------------------------------


def complaint_queue(*, user) -> QuerySet[Complaint]:
    """Complaints about organizations in the official's region (superusers: all; everyone else: none).

    Open ones first (filed and awaiting acceptance, then accepted or under review), newest first within each status.
    """
    if is_superuser(user):
        queryset = Complaint.objects.all()
    elif is_official(user):
        queryset = Complaint.objects.filter(in_official_region(user, Complaint, "organization__region"))
    else:
        queryset = Complaint.objects.none()
    return (
        queryset.select_related("organization__region", "contract", "handler", "decided_by")
        .annotate(status_order=Complaint.queue_rank())
        .order_by("status_order", "-received_at", "-pk")
    )


def complaint_facts(complaints: list[Complaint]) -> list[Complaint]:
    """Set `order_count` (rectification orders issued on each complaint) on a page of complaints: one query scoped
    to their ids."""
    counts = count_by(RectificationOrder, "complaint_id", {complaint.pk for complaint in complaints})
    for complaint in complaints:
        complaint.order_count = counts.get(complaint.pk, 0)
    return complaints


def complaint_get(*, pk: int, user) -> Complaint:
    """One complaint for its handling officials (and superusers); DoesNotExist otherwise."""
    return complaint_queue(user=user).prefetch_related("orders").get(pk=pk)


@dataclass(frozen=True)
class ComplaintStep:
    """One step of a complaint's handling as the tracking page lists it: done (with its date), or still to come
    (with the day it is due, if any)."""

    label: str
    day: datetime.date | None = None
    due: datetime.date | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.day is not None

    @property
    def overdue(self) -> bool:
        return self.day is None and self.due is not None and self.due < timezone.localdate()


def complaint_steps(complaint: Complaint) -> list[ComplaintStep]:
    """已提交 → 已受理 (or 不予受理) → 调查核实中 → 已办结, each with its date; the next step with its due day."""
    acceptance_days = settings.SUPERVISION_COMPLAINT_ACCEPTANCE_DAYS
    filed = timezone.localdate(complaint.received_at)
    steps = [ComplaintStep(gettext("已提交"), filed)]
    status = Complaint.Status
    if complaint.status == status.NOT_ACCEPTED:
        steps.append(
            ComplaintStep(gettext("不予受理"), complaint.acceptance_decided_on, note=complaint.not_accepted_reason)
        )
        return steps
    accepted_day = complaint.acceptance_decided_on
    if accepted_day is None and complaint.status != status.RECEIVED:
        accepted_day = timezone.localdate(complaint.review_started_at) if complaint.review_started_at else None
    deadline = complaint.handling_deadline
    steps.append(
        ComplaintStep(
            gettext("已受理"),
            accepted_day if complaint.status != status.RECEIVED else None,
            due=filed + datetime.timedelta(days=acceptance_days) if complaint.status == status.RECEIVED else None,
            note=gettext("办理期限：%(day)s") % {"day": deadline.isoformat()} if deadline else "",
        )
    )
    review_day = timezone.localdate(complaint.review_started_at) if complaint.review_started_at else None
    steps.append(ComplaintStep(gettext("调查核实中"), review_day))
    decided_day = timezone.localdate(complaint.decided_at) if complaint.decided_at else None
    closing = gettext("已办结")
    if complaint.is_decided:
        closing = str(complaint.get_status_display())
    steps.append(ComplaintStep(closing, decided_day, due=deadline if not complaint.is_decided else None))
    return steps


@dataclass(frozen=True)
class ComplaintStatus:
    """What the public lookup by tracking code shows: never the contact data, the text or internal notes."""

    tracking_code: str
    subject: str
    organization_name: str
    contract_number: str
    status: str
    status_label: str
    received_at: datetime.datetime
    decided_at: datetime.datetime | None
    reasoning: str
    order_issued: bool
    steps: tuple[ComplaintStep, ...] = ()
    handling_deadline: datetime.date | None = None
    not_accepted_reason: str = ""


def normalize_tracking_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code or "").upper()


def complaint_lookup(*, tracking_code: str) -> ComplaintStatus:
    """The public status of a complaint; raises Complaint.DoesNotExist for an unknown code."""
    code = normalize_tracking_code(tracking_code)
    if not code:
        raise Complaint.DoesNotExist
    complaint = (
        Complaint.objects.select_related("organization", "contract")
        .annotate(has_order=Exists(RectificationOrder.objects.filter(complaint=OuterRef("pk"))))
        .get(tracking_code=code)
    )
    return ComplaintStatus(
        tracking_code=complaint.tracking_code,
        subject=complaint.subject,
        organization_name=complaint.organization.name,
        contract_number=complaint.contract.number if complaint.contract_id else "",
        status=complaint.status,
        status_label=str(complaint.get_status_display()),
        received_at=complaint.received_at,
        decided_at=complaint.decided_at,
        reasoning=complaint.reasoning if complaint.is_decided else "",
        order_issued=complaint.has_order,
        steps=tuple(complaint_steps(complaint)),
        handling_deadline=complaint.handling_deadline,
        not_accepted_reason=complaint.not_accepted_reason,
    )


# --- public summary and listings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionSummary:
    """What an organization's public page shows of its supervision."""

    upheld_complaint_count: int
    closed_orders: tuple[RectificationOrder, ...]
    open_order_count: int
    overdue_order_count: int
    completed_inspection_count: int
    credit_listings: tuple[CreditListing, ...]


def orders_with_answers() -> QuerySet[RectificationOrder]:
    """Orders with their department, escalation (and its listing) and answers in the order given."""
    responses = OrderResponse.objects.order_by("responded_at", "pk")
    return RectificationOrder.objects.select_related("department", "escalation__listing").prefetch_related(
        Prefetch("responses", queryset=responses)
    )


def organization_inspections(records: OrganizationRecords) -> list[Inspection]:
    """Every inspection of `records.organization`, planned or done, newest planned first, with its department: read
    once per records (the 抽查检查 tab's badge, its summary and the timeline)."""
    return records.shared(
        "supervision.inspections",
        lambda: list(
            Inspection.objects.filter(organization=records.organization)
            .select_related("department")
            .order_by("-planned_on", "-pk")
        ),
    )


def organization_orders(records: OrganizationRecords, *, on: datetime.date | None = None) -> list[RectificationOrder]:
    """Every rectification order of `records.organization`, newest first, with its answers (orders_with_answers) and
    `is_overdue_now` (overdue on `on`, today by default): read once per records and day."""
    on = on or timezone.localdate()
    orders = orders_with_answers().filter(organization=records.organization).order_by("-issued_on", "-pk")
    return records.shared(("supervision.orders", on), lambda: list(annotate_order_overdue(orders, on=on)))


def organization_upheld_complaints(records: OrganizationRecords) -> list[Complaint]:
    """The complaints about `records.organization` found true, newest first: read once per records."""
    return records.shared(
        "supervision.upheld_complaints",
        lambda: list(
            Complaint.objects.filter(organization=records.organization, status=Complaint.Status.UPHELD).order_by(
                "-received_at", "-pk"
            )
        ),
    )


def organization_supervision_count(records: OrganizationRecords | Organization) -> int:
    """What the organization page's 抽查检查 tab counts: completed inspections and rectification orders."""
    records = OrganizationRecords.of(records)
    return _completed_count(records) + len(organization_orders(records))


def _completed_count(records: OrganizationRecords) -> int:
    return sum(1 for inspection in organization_inspections(records) if inspection.is_completed)


def organization_supervision_summary(
    records: OrganizationRecords | Organization, *, on: datetime.date | None = None
) -> SupervisionSummary:
    """Public facts: upheld complaints, closed (verified) orders, open and overdue order counts, credit listings
    (open ones first), from the organization's records (or an organization's own)."""
    records = OrganizationRecords.of(records)
    orders = organization_orders(records, on=on)
    closed = [order for order in orders if order.status == RectificationOrder.Status.VERIFIED]
    # Latest verification first; as the database sorts them, an order without the day of its verification first.
    closed.sort(key=lambda order: (order.verified_on is None, order.verified_on or datetime.date.min, order.pk))
    closed.reverse()
    return SupervisionSummary(
        upheld_complaint_count=len(organization_upheld_complaints(records)),
        closed_orders=tuple(closed),
        open_order_count=sum(1 for order in orders if order.is_open),
        overdue_order_count=sum(1 for order in orders if order.is_overdue_now),
        completed_inspection_count=_completed_count(records),
        # Open listings first (a stable sort of the newest-first records).
        credit_listings=tuple(sorted(records.credit_listings, key=lambda listing: not listing.is_open)),
    )


def listings_removable(user) -> QuerySet[CreditListing]:
    """Open activity-abnormal listings made for overdue orders that have all been verified since, in the registrar's
    region (superusers: all). Removing them stays the registrar's decision (registry.services.credit_listing_remove)."""
    if is_superuser(user):
        queryset = CreditListing.objects.all()
    elif is_registrar(user):
        queryset = CreditListing.objects.filter(in_official_region(user, CreditListing, "organization__region"))
    else:
        return CreditListing.objects.none()
    open_orders = OrderListing.objects.filter(listing=OuterRef("pk")).exclude(
        order__status=RectificationOrder.Status.VERIFIED
    )
    return (
        queryset.filter(list_kind=CreditListing.List.ABNORMAL, removed_on__isnull=True)
        .filter(Exists(OrderListing.objects.filter(listing=OuterRef("pk"))))
        .exclude(Exists(open_orders))
        .select_related("organization__region", "deciding_authority")
        .prefetch_related(
            Prefetch("supervision_orders", queryset=OrderListing.objects.select_related("order").order_by("pk"))
        )
        .order_by("listed_on", "pk")
    )
