"""The deadline check: overdue rectification orders go to the activity-abnormal list, overdue deliverables are flagged.

`check_deadlines()` is idempotent and safe to run every hour (`manage.py check_deadlines`, or the django-tasks task in
tasks.py). For every overdue order not yet escalated it records when the order was found overdue and links it to an
activity-abnormal listing (活动异常名录) of the organization: the open one if the organization is already listed, else a
new listing made through registry.services.credit_listing_add, decided by the department that issued the order, with
the order as the reason. Each order is escalated exactly once (OrderListing is one-to-one with the order). Removing the
listing once the order is verified stays a registrar's decision (selectors.listings_removable shows the candidates).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.selectors import deliverable_overdue_list
from core.services import automatic_reason
from registry.models import CreditListing
from registry.services import credit_listing_add
from supervision.models import DeliverableOverdueFlag, OrderListing, RectificationOrder
from supervision.selectors import overdue_order_condition

logger = logging.getLogger(__name__)

REASON_EXCERPT = 100


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
            return ", ".join(str(value) for value in values) or "-"

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


def _escalate(order: RectificationOrder, report: EscalationReport, on: datetime.date, now: datetime.datetime) -> None:
    with transaction.atomic():
        # Lock the order so two concurrent runs cannot both escalate it.
        order = (
            RectificationOrder.objects.select_for_update().select_related("organization", "department").get(pk=order.pk)
        )
        if OrderListing.objects.filter(order=order).exists():
            return
        if order.overdue_marked_at is None:
            order.overdue_marked_at = now
            with translation.override(settings.LANGUAGE_CODE):  # history reasons are kept in the site's language
                order._change_reason = automatic_reason(_("整改逾期"))
            order.save(update_fields=["overdue_marked_at"])
            report.marked_orders.append(order.pk)
        listing = CreditListing.objects.filter(
            organization=order.organization, list_kind=CreditListing.List.ABNORMAL, removed_on__isnull=True
        ).first()
        if listing is not None:
            OrderListing.objects.create(order=order, listing=listing, created_listing=False, linked_at=now)
            report.listings_linked.append((order.pk, listing.pk))
            return
        listing = credit_listing_add(
            actor=None,
            organization=order.organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason=listing_reason(order),
            listed_on=on,
            deciding_authority=order.department,
        )
        OrderListing.objects.create(order=order, listing=listing, created_listing=True, linked_at=now)
        report.listings_created.append((order.pk, listing.pk))


def check_deadlines(*, on: datetime.date | None = None, now: datetime.datetime | None = None) -> EscalationReport:
    """Escalate overdue orders and flag overdue deliverables as of `on` (today); returns what changed."""
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    report = EscalationReport(on=on)

    pending = (
        RectificationOrder.objects.filter(overdue_order_condition(on))
        .filter(escalation__isnull=True)
        .order_by("deadline", "pk")
    )
    for order in pending:
        marked_before = len(report.marked_orders)
        try:
            _escalate(order, report, on, now)
        except (ValidationError, IntegrityError) as error:
            # The transaction rolled back: nothing of this order was recorded, the next run tries again.
            del report.marked_orders[marked_before:]
            message = "; ".join(getattr(error, "messages", [str(error)]))
            report.errors.append(f"#{order.pk}: {message}")
            logger.warning("rectification order %s could not be escalated: %s", order.pk, message)

    new_flags = [
        DeliverableOverdueFlag(deliverable=deliverable, due_on=deliverable.due_on, flagged_on=on, flagged_at=now)
        for deliverable in deliverable_overdue_list(on=on).filter(overdue_flag__isnull=True)
    ]
    if new_flags:
        DeliverableOverdueFlag.objects.bulk_create(new_flags, ignore_conflicts=True)
        report.flagged_deliverables = [flag.deliverable_id for flag in new_flags]
    return report
