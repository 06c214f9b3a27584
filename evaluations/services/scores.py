"""The evaluator's score sheet: drafts only they can read, then one submission that locks it.

`score_save_draft` and `assignment_submit` lock the assignment row and only then read the evaluation's status, so a
submission racing a finalization is either counted or refused, never lost (see the package docstring).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.formatting import points
from core.services import lazy_message, now, refusal, save
from evaluations import permissions, scoring
from evaluations.models import Assignment, Indicator, Score
from evaluations.selectors import indicator_refusal, indicator_tree, leaves_of
from evaluations.services.common import clean_text, decimal_or_refusal, lock_assignment_and_evaluation, require_own


@dataclass(frozen=True)
class ScoreEntry:
    """One leaf's score as an evaluator enters it (score None clears it)."""

    score: Decimal | str | int | None
    comment: str = ""


def _require_scorable(actor, assignment: Assignment) -> None:
    """The evaluator's own accepted assignment of an evaluation in scoring (permissions.score_refusal)."""
    error = permissions.score_refusal(actor, assignment)
    if error is not None:
        raise error


def _entry_parts(value: Any) -> tuple[Any, str]:
    if value is None:
        return None, ""
    if isinstance(value, ScoreEntry):
        return value.score, value.comment or ""
    if isinstance(value, tuple | list):
        score = value[0] if value else None
        comment = value[1] if len(value) > 1 else ""
        return score, comment or ""
    return value, ""


def _indicator_id(key: Any) -> int | None:
    if isinstance(key, Indicator):
        return key.pk
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _parse_entries(
    leaves: Mapping[int, Indicator], entries: Mapping[Any, Any]
) -> dict[int, tuple[Decimal | None, str]]:
    """The entries as (score or None, comment) by leaf id; every bad entry refused on its field, all at once."""
    errors: dict[str, list[ValidationError]] = {}
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for key, value in entries.items():
        indicator_id = _indicator_id(key)
        leaf = leaves.get(indicator_id)
        if leaf is None:
            errors.setdefault(f"score_{key if indicator_id is None else indicator_id}", []).append(
                refusal(_("“%(key)s”不是本次评价指标体系的末级指标。"), code="not_a_leaf", key=str(key))
            )
            continue
        raw_score, comment = _entry_parts(value)
        comment = clean_text(comment)
        if raw_score is None or (isinstance(raw_score, str) and not raw_score.strip()):
            parsed[leaf.pk] = (None, comment)
            continue
        field = f"score_{leaf.pk}"
        score = decimal_or_refusal(raw_score, _("得分"))
        if isinstance(score, ValidationError):
            errors.setdefault(field, []).append(
                indicator_refusal(
                    _("“%(code)s %(name)s”：%(reason)s"),
                    code=score.code,
                    indicator=leaf,
                    reason=lazy_message(score.message, score.params),
                )
            )
            continue
        if score < 0 or score > leaf.max_score:
            errors.setdefault(field, []).append(
                indicator_refusal(
                    _("“%(code)s %(name)s”的得分须在 0 至 %(max)s 之间。"),
                    code="score_out_of_range",
                    indicator=leaf,
                    max=points(leaf.max_score),
                )
            )
            continue
        parsed[leaf.pk] = (score, comment)
    if errors:
        raise ValidationError(errors)
    return parsed


def _write_scores(actor, assignment: Assignment, tree: list[Indicator], entries: Mapping[Any, Any]) -> None:
    """Validate and store score entries (partial allowed; a None score clears the leaf)."""
    parsed = _parse_entries({leaf.pk: leaf for leaf in leaves_of(tree)}, entries)
    existing = {score.indicator_id: score for score in Score.objects.filter(assignment=assignment)}
    moment = timezone.now()
    to_create, to_update, to_delete = [], [], []
    for indicator_id, (score, comment) in parsed.items():
        row = existing.get(indicator_id)
        if score is None:
            if row is not None:
                to_delete.append(row)
            continue
        if row is None:
            to_create.append(
                Score(assignment=assignment, indicator_id=indicator_id, score=score, comment=comment, updated_at=moment)
            )
        elif row.score != score or row.comment != comment:
            row.score, row.comment, row.updated_at = score, comment, moment
            to_update.append(row)
    if to_create:
        bulk_create_with_history(to_create, Score, default_user=actor)
    if to_update:
        bulk_update_with_history(to_update, Score, ["score", "comment", "updated_at"], default_user=actor)
    for row in to_delete:
        row._history_user = actor
        row.delete()


@transaction.atomic
def score_save_draft(*, actor, assignment: Assignment, entries: Mapping[Any, Any]) -> Assignment:
    """Save some or all of an evaluator's scores as a draft (only they can read it).

    `entries` maps a leaf indicator (or its id) to a ScoreEntry, a (score, comment) tuple, a bare score, or None
    to clear it. Errors are keyed "score_<indicator id>" and name the indicator.
    """
    require_own(actor, assignment)
    evaluation = lock_assignment_and_evaluation(assignment)
    _require_scorable(actor, assignment)
    _write_scores(actor, assignment, indicator_tree(evaluation.indicator_set), entries)
    return assignment


@transaction.atomic
def assignment_submit(*, actor, assignment: Assignment, entries: Mapping[Any, Any] | None = None) -> Assignment:
    """Submit the score sheet (saving `entries` first when given): every leaf scored, every score below 60 % of its
    maximum explained. accepted → submitted; the scores are locked from then on."""
    require_own(actor, assignment)
    evaluation = lock_assignment_and_evaluation(assignment)
    _require_scorable(actor, assignment)
    tree = indicator_tree(evaluation.indicator_set)
    if entries:
        _write_scores(actor, assignment, tree, entries)
    scores = {score.indicator_id: score for score in Score.objects.filter(assignment=assignment)}
    errors: dict[str, list[ValidationError]] = {}
    for leaf in leaves_of(tree):
        score = scores.get(leaf.pk)
        if score is None:
            errors[f"score_{leaf.pk}"] = [
                indicator_refusal(_("请为“%(code)s %(name)s”评分。"), code="score_missing", indicator=leaf)
            ]
        elif scoring.needs_comment(score.score, leaf.max_score) and not score.comment.strip():
            errors[f"comment_{leaf.pk}"] = [
                indicator_refusal(
                    _("“%(code)s %(name)s”得分低于满分的 60%%，须填写评分意见。"),
                    code="comment_required",
                    indicator=leaf,
                )
            ]
    if errors:
        raise ValidationError(errors)
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = now()
    save(assignment, actor=actor)
    return assignment
