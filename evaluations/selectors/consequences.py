"""What an evaluation graded 差 leads to: performance warnings on the organization's page, held payments, and a
warning among the organization's eligibility reasons."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import points
from core.services import lazy_message
from evaluations.models import Evaluation, PerformanceWarning
from registry.organization_records import OrganizationRecords


def organization_performance_warnings(organization) -> QuerySet[PerformanceWarning]:
    """Every performance warning of the organization, newest first, with the evaluation and its contract."""
    return (
        PerformanceWarning.objects.filter(organization=organization)
        .select_related("evaluation__contract", "decided_by")
        .order_by("-recorded_on", "-pk")
    )


def organization_warning_rows(records: OrganizationRecords) -> list[PerformanceWarning]:
    """organization_performance_warnings of `records.organization`: read once per records for the organization page's
    绩效评价 tab and the eligibility check."""
    return records.shared("evaluations.warnings", lambda: list(organization_performance_warnings(records.organization)))


def evaluation_payment_blockers(contract, deliverable=None) -> list[str]:
    """Registered with contracts.register_payment_blocker: a 差 on one of the contract's evaluations holds its
    payments until a purchaser records a decision. The reasons are lazy: they render in the language of whoever
    reads the refusal they end up in."""
    if contract is None or contract.pk is None:
        return []
    warnings = PerformanceWarning.objects.filter(evaluation__contract=contract, decided_at__isnull=True).select_related(
        "evaluation"
    )
    return [
        lazy_message(
            _("%(kind)s等级为差（综合得分 %(score)s，%(day)s 定稿），须由购买主体作出处理决定后方可付款。"),
            {
                "kind": Evaluation.Kind(warning.evaluation.kind).label,
                "score": points(warning.evaluation.score),
                "day": warning.recorded_on.isoformat(),
            },
        )
        for warning in warnings
    ]


def warning_years() -> int:
    """settings.EVALUATION_WARNING_YEARS: how long a 差 stays among the eligibility warnings (default 1)."""
    return int(getattr(settings, "EVALUATION_WARNING_YEARS", 1))


def performance_eligibility_check(
    records: OrganizationRecords, on: datetime.date | None = None
) -> tuple[list[str], list[str]]:
    """Registered with registry.selectors.register_eligibility_check: a 差 recorded within the last
    EVALUATION_WARNING_YEARS years (default 1) before `on` is an eligibility warning. Never a refusal: whether a
    差 bars an organization is a local rule the purchaser weighs. The warnings are lazy, like the payment blockers'.
    Read from the organization's warnings kept on its records (organization_warning_rows)."""
    from contracts.models import add_years

    on = on or timezone.localdate()
    since = add_years(on, -warning_years())
    warnings = [
        warning
        for warning in reversed(organization_warning_rows(records))  # oldest first
        if since < warning.recorded_on <= on
    ]
    texts = [
        lazy_message(
            _("%(day)s 绩效评价等级为差：合同 %(number)s“%(title)s”%(kind)s综合得分 %(score)s"),
            {
                "day": warning.recorded_on.isoformat(),
                "number": warning.evaluation.contract.number,
                "title": warning.evaluation.contract.title,
                "kind": Evaluation.Kind(warning.evaluation.kind).label,
                "score": points(warning.evaluation.score),
            },
        )
        for warning in warnings
    ]
    return [], texts
