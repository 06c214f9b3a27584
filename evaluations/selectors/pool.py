"""The evaluator pool: who may be invited to an evaluation (affiliations that conflict are refused), and the pool's
record of changes from its history."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.services import refusal
from evaluations.models import (
    Assignment,
    Evaluation,
    EvaluatorProfile,
)

HUNDRED = Decimal("100.00")


# --- the evaluator pool ----------------------------------------------------------------------------------------------


def evaluator_pool(*, active_only: bool = False) -> QuerySet[EvaluatorProfile]:
    """Evaluator profiles with their user and affiliation; annotated `open_assignment_count` (invited or accepted)."""
    queryset = EvaluatorProfile.objects.select_related("user", "affiliation_organization").annotate(
        open_assignment_count=Count(
            "user__evaluation_assignments",
            filter=Q(user__evaluation_assignments__status__in=(Assignment.Status.INVITED, Assignment.Status.ACCEPTED)),
        )
    )
    if active_only:
        queryset = queryset.filter(is_active=True, user__is_active=True, user__is_evaluator=True)
    return queryset.order_by("user__username")


def affiliation_refusal(evaluator, evaluation: Evaluation) -> ValidationError | None:
    """Why `evaluator` cannot evaluate the contract's organization: affiliated with it, or one of its members (coded
    `affiliated_with_organization` either way); None when neither."""
    organization = evaluation.contract.organization
    profile = getattr(evaluator, "evaluator_profile", None)
    if profile is not None and profile.affiliation_organization_id == organization.pk:
        message = _("专家“%(evaluator)s”所属单位即被评价的承接主体“%(organization)s”，不能参加对其的评价。")
    elif evaluator.organization_id == organization.pk:
        message = _("专家“%(evaluator)s”是被评价的承接主体“%(organization)s”的成员，不能参加对其的评价。")
    else:
        return None
    return refusal(
        message, code="affiliated_with_organization", evaluator=str(evaluator), organization=str(organization)
    )


def assignable_evaluators(evaluation: Evaluation) -> QuerySet[EvaluatorProfile]:
    """Active evaluators who may be invited: not affiliated with the evaluated organization, not already invited
    (or serving), and not having declared a conflict on this evaluation."""
    organization_id = evaluation.contract.organization_id
    taken = Assignment.objects.filter(
        evaluation=evaluation,
        evaluator=OuterRef("user"),
        status__in=(*Assignment.LIVE_STATUSES, Assignment.Status.CONFLICT),
    )
    return (
        evaluator_pool(active_only=True)
        .exclude(affiliation_organization_id=organization_id)
        .exclude(user__organization_id=organization_id)
        .exclude(Exists(taken))
    )


# ---- the pool's record of changes ------------------------------------------------------------------------------

POOL_HISTORY_FIELDS = (
    "specialties",
    "affiliation_organization",
    "affiliation",
    "contact_phone",
    "contact_email",
    "is_active",
)


@dataclass(frozen=True)
class PoolChange:
    """One historied change of a pool member: when, by whom, which member, and each field's old and new value."""

    when: datetime.datetime
    actor: object
    profile_id: int
    evaluator: str
    created: bool
    changes: tuple[tuple[str, str, str], ...]
    reason: str = ""


def _pool_value(row, name: str) -> str:
    if name == "affiliation_organization":
        organization = row.affiliation_organization
        return str(organization) if organization is not None else ""
    if name == "is_active":
        return gettext("在库") if row.is_active else gettext("已停用")
    return str(getattr(row, name) or "")


def evaluator_pool_changes(*, profile: EvaluatorProfile | None = None, limit: int = 20) -> list[PoolChange]:
    """The pool's record of changes, newest first: one profile's whole record, or the last `limit` changes of all.

    Two queries whatever the number of changes: the history rows wanted, then every row of the profiles concerned
    (each change is read against the row before it)."""
    history = EvaluatorProfile.history.model.objects.select_related(
        "history_user", "user", "affiliation_organization"
    ).order_by("history_date", "history_id")
    if profile is not None:
        rows = list(history.filter(id=profile.pk))
        wanted = None
    else:
        latest = list(
            EvaluatorProfile.history.model.objects.order_by("-history_date", "-history_id").values_list(
                "history_id", "id"
            )[:limit]
        )
        wanted = {history_id for history_id, _pk in latest}
        rows = list(history.filter(id__in={pk for _history_id, pk in latest}))
    previous: dict[int, object] = {}
    changes: list[PoolChange] = []
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        if wanted is not None and row.history_id not in wanted:
            continue
        if before is None:
            fields = tuple(
                (str(EvaluatorProfile._meta.get_field(name).verbose_name), "", _pool_value(row, name))
                for name in POOL_HISTORY_FIELDS
                if _pool_value(row, name)
            )
        else:
            fields = tuple(
                (str(EvaluatorProfile._meta.get_field(name).verbose_name), _pool_value(before, name), value)
                for name in POOL_HISTORY_FIELDS
                if (value := _pool_value(row, name)) != _pool_value(before, name)
            )
            if not fields:
                continue
        changes.append(
            PoolChange(
                when=row.history_date,
                actor=row.history_user,
                profile_id=row.id,
                evaluator=str(row.user) if row.user_id else "",
                created=before is None,
                changes=fields,
                reason=row.history_change_reason or "",
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit] if profile is None else changes
