"""Reads of the open-data export: the public contracts with everything their OCDS releases show, in a fixed number
of queries whatever the number of contracts."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from contracts.models import Amendment, Contract, ContractDocument, Deliverable, Payment
from evaluations.models import Evaluation


def _with_release_data(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    return queryset.select_related(
        "department__region__parent__parent__parent",
        "organization__region__parent__parent__parent",
        "purchase_item__purchase_list",
        "purchase_item__origin__purchase_list",
        "text_version",
    ).prefetch_related(
        Prefetch("deliverables", queryset=Deliverable.objects.order_by("due_on", "pk")),
        Prefetch("payments", queryset=Payment.objects.order_by("instalment")),
        Prefetch("amendments", queryset=Amendment.objects.order_by("amended_on", "pk")),
        Prefetch("documents", queryset=ContractDocument.objects.filter(is_public=True).order_by("uploaded_at", "pk")),
        Prefetch(
            "evaluations",
            queryset=Evaluation.objects.filter(status=Evaluation.Status.FINALIZED).order_by("finalized_at", "pk"),
        ),
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


def ocds_contract_list(
    *, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[Contract]:
    """Signed and later contracts (never drafts) that have a release between the two days, oldest signing first."""
    queryset = Contract.objects.exclude(status=Contract.Status.DRAFT).filter(signed_on__isnull=False)
    if date_to is not None:
        queryset = queryset.filter(signed_on__lte=date_to)
    if date_from is not None:
        queryset = queryset.filter(_activity_since(date_from))
    return _with_release_data(queryset).order_by("signed_on", "number")


def ocds_contract_get(*, number: str) -> Contract:
    """One public contract with its release data; raises Contract.DoesNotExist for drafts and unknown numbers."""
    return _with_release_data(Contract.objects.exclude(status=Contract.Status.DRAFT)).get(number=number)
