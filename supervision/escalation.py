"""The deadline check: overdue rectification orders go to the activity-abnormal list, overdue deliverables are flagged.

`check_deadlines()` is idempotent and safe to run every hour (`manage.py check_deadlines`, or the django-tasks task in
tasks.py). For every overdue order not yet escalated it records when the order was found overdue and links it to an
activity-abnormal listing (活动异常名录) of the organization: the open one if the organization is already listed, else a
new listing made through registry.services.credit_listings_add_by_system (the rules of credit_listing_add), decided
by the department that issued the order, with the order as the reason. Each order is escalated exactly once
(OrderListing is one-to-one with the order); an order whose listing is refused is left as it was, with the reason in
the report, for the next run. Removing the listing once the order is verified stays a registrar's decision
(selectors.listings_removable shows the candidates).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from contracts.selectors import deliverable_overdue_list
from core.jobs import shown
from core.services import automatic_reason
from registry.models import CreditListing
from registry.services.credit import SystemListing, credit_listings_add_by_system
from supervision.models import DeliverableOverdueFlag, OrderListing, RectificationOrder
from supervision.selectors import overdue_order_condition

logger = logging.getLogger(__name__)

REASON_EXCERPT = 100
BATCH = 1000


@dataclass
class EscalationReport:
    """What one run changed."""

    on: datetime.date
    marked_orders: list[int] = field(default_factory=list)
    listings_created: list[tuple[int, int]] = field(default_factory=list)  # (order pk, listing pk)
    listings_linked: list[tuple[int, int]] = field(default_factory=list)
    flagged_deliverables: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.marked_orders or self.listings_created or self.listings_linked or self.flagged_deliverables)

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "marked_orders": list(self.marked_orders),
            "listings_created": [list(pair) for pair in self.listings_created],
            "listings_linked": [list(pair) for pair in self.listings_linked],
            "flagged_deliverables": list(self.flagged_deliverables),
            "errors": list(self.errors),
        }

    def lines(self) -> list[str]:
        def ids(values) -> str:
            return shown(values)

        return [
            _("检查日期：%(on)s") % {"on": self.on.isoformat()},
            _("新认定逾期的整改通知：%(count)d 件（%(ids)s）")
            % {"count": len(self.marked_orders), "ids": ids(self.marked_orders)},
            _("新列入活动异常名录：%(count)d 条（整改通知→名录记录：%(ids)s）")
            % {"count": len(self.listings_created), "ids": ids(f"{o}→{li}" for o, li in self.listings_created)},
            _("关联已有的活动异常名录记录：%(count)d 条（%(ids)s）")
            % {"count": len(self.listings_linked), "ids": ids(f"{o}→{li}" for o, li in self.listings_linked)},
            _("新标记逾期的履约事项：%(count)d 项（%(ids)s）")
            % {"count": len(self.flagged_deliverables), "ids": ids(self.flagged_deliverables)},
        ] + [_("未能处理：%(error)s") % {"error": error} for error in self.errors]


def listing_reason(order: RectificationOrder) -> str:
    """The reason written on the listing (stored in the site's language: it is a public record)."""
    requirements = " ".join(order.requirements.split())
    if len(requirements) > REASON_EXCERPT:
        requirements = requirements[:REASON_EXCERPT] + "…"
    with translation.override(settings.LANGUAGE_CODE):
        return _("未在整改期限（%(deadline)s）内完成%(department)s整改通知 %(number)s 的要求：%(requirements)s") % {
            "deadline": order.deadline.isoformat(),
            "department": order.department.name,
            "number": order.label,
            "requirements": requirements,
        }


def check_deadlines(*, on: datetime.date | None = None, now: datetime.datetime | None = None) -> EscalationReport:
    """Escalate overdue orders and flag overdue deliverables as of `on` (today); returns what changed.

    Written in bulk: a constant number of queries whatever the number of orders and deliverables (each INSERT and
    UPDATE carries every row of the run, in batches of 1,000)."""
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    report = EscalationReport(on=on)
    with transaction.atomic():
        _escalate_orders(report, on, now)
    new_flags = [
        DeliverableOverdueFlag(deliverable_id=pk, due_on=due_on, flagged_on=on, flagged_at=now)
        for pk, due_on in deliverable_overdue_list(on=on)
        .filter(overdue_flag__isnull=True)
        .order_by("due_on", "pk")
        .values_list("pk", "due_on")
    ]
    if new_flags:
        DeliverableOverdueFlag.objects.bulk_create(new_flags, ignore_conflicts=True, batch_size=BATCH)
        report.flagged_deliverables = [flag.deliverable_id for flag in new_flags]
    return report


def _escalate_orders(report: EscalationReport, on: datetime.date, now: datetime.datetime) -> None:
    """Every overdue order not yet escalated, locked (a concurrent run skips the rows this one holds), marked overdue
    and linked to its organization's open activity-abnormal listing or to a new one (the first order of an
    organization, by deadline, makes the listing; the others are linked to it)."""
    orders = list(
        RectificationOrder.objects.filter(overdue_order_condition(on))
        .filter(escalation__isnull=True)
        .select_related("organization", "department")
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("deadline", "pk")
    )
    if not orders:
        return
    open_listings = {
        listing.organization_id: listing
        for listing in CreditListing.objects.filter(
            organization_id__in={order.organization_id for order in orders},
            list_kind=CreditListing.List.ABNORMAL,
            removed_on__isnull=True,
        )
    }
    makers = {}  # organization id → the order whose listing it will be
    for order in orders:
        if order.organization_id not in open_listings:
            makers.setdefault(order.organization_id, order)
    created, refused = credit_listings_add_by_system(
        list_kind=CreditListing.List.ABNORMAL,
        listed_on=on,
        entries=[
            SystemListing(
                organization=order.organization, reason=listing_reason(order), deciding_authority=order.department
            )
            for order in makers.values()
        ],
    )
    links = []
    for order in orders:
        organization_id = order.organization_id
        if organization_id in refused:
            error = refused[organization_id]
            message = "; ".join(error.messages)
            report.errors.append(f"#{order.pk}: {message}")
            logger.warning("rectification order %s could not be escalated: %s", order.pk, message)
            continue
        if organization_id in created:
            listing = created[organization_id]
            made_here = makers[organization_id] is order
        else:
            listing = open_listings[organization_id]
            made_here = False
        links.append(OrderListing(order=order, listing=listing, created_listing=made_here, linked_at=now))
        (report.listings_created if made_here else report.listings_linked).append((order.pk, listing.pk))
    if not links:
        return
    bulk_create_with_history(links, OrderListing, batch_size=BATCH)
    escalated = {link.order.pk for link in links}
    to_mark = [order for order in orders if order.pk in escalated and order.overdue_marked_at is None]
    if to_mark:
        RectificationOrder.objects.filter(pk__in=[order.pk for order in to_mark]).update(overdue_marked_at=now)
        for order in to_mark:
            order.overdue_marked_at = now
        bulk_history_create(to_mark, RectificationOrder, reason=automatic_reason(_marked_reason()))
        report.marked_orders = [order.pk for order in to_mark]


def _marked_reason() -> str:
    with translation.override(settings.LANGUAGE_CODE):  # history reasons are kept in the site's language
        return _("整改逾期")


def bulk_history_create(rows: list, model, *, reason: str) -> None:
    """The history rows of an UPDATE written for many rows at once, as `save()` would have written them."""
    get_history_manager_for_model(model).bulk_history_create(
        rows, update=True, default_change_reason=reason, batch_size=BATCH
    )
