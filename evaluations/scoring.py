"""The arithmetic of a performance evaluation: pure functions on Decimal, no database, no floats.

- A leaf indicator's weighted contribution is ``score / max_score × weight`` (computed as score × weight / max_score so
  an exact quotient stays exact). An evaluator's total is the sum of their contributions over every leaf; because the
  leaves' weights sum to 100 and 0 ≤ score ≤ max_score, a total lies between 0 and 100.
- The aggregate is the mean of the evaluators' totals, or with the trimmed mean, the mean after dropping one highest and
  one lowest total, applied only when at least TRIM_MIN_EVALUATORS (5) evaluators submitted; with fewer, the plain mean
  is used and the outcome says it was not trimmed. When several totals tie for highest (or lowest), the one of the
  evaluator listed first (the lowest assignment id) is dropped; the aggregate is the same whichever one is dropped.
- Totals, means and the aggregate are carried unrounded (Decimal's 28 significant digits); only the final aggregate is
  rounded, to two decimals with ROUND_HALF_UP.
- **The grade is decided from the rounded aggregate**, which is the number that is published: 优 ≥ 90.00, 良 ≥ 80.00,
  中 ≥ 60.00, 差 below. So an unrounded 89.995 is published as 90.00 and graded 优, 89.994 as 89.99 and graded 良, and
  59.995 as 60.00 and graded 中. A reader checking the published score against the bands always gets the same grade.
- Indicator means are taken over the evaluators counted in the aggregate, so the leaves' mean contributions add up
  to the (unrounded) aggregate.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
METHODS = (MEAN, TRIMMED_MEAN)
TRIM_MIN_EVALUATORS = 5

EXCELLENT = "excellent"
GOOD = "good"
FAIR = "fair"
POOR = "poor"
# Lower bounds of the bands, best first; anything below the last one is POOR.
GRADE_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("90"), EXCELLENT),
    (Decimal("80"), GOOD),
    (Decimal("60"), FAIR),
)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
# Low scores need a comment: below 60 % of the leaf's maximum.
COMMENT_THRESHOLD = Decimal("0.6")
PRECISION = 28


@dataclass(frozen=True)
class LeafSpec:
    """What scoring needs of a leaf indicator."""

    id: Hashable
    weight: Decimal
    max_score: Decimal


@dataclass(frozen=True)
class Outcome:
    """The result of an evaluation: per-evaluator totals, who was counted, per-leaf means, score and grade."""

    totals: dict[Hashable, Decimal]
    counted: tuple[Hashable, ...]
    leaf_mean_scores: dict[Hashable, Decimal]
    leaf_mean_points: dict[Hashable, Decimal]
    unrounded: Decimal
    score: Decimal
    grade: str
    trimmed: bool
    excluded: tuple[Hashable, ...] = field(default=())


def contribution(score: Decimal, *, weight: Decimal, max_score: Decimal) -> Decimal:
    """score / max_score × weight, in points."""
    if max_score <= 0:
        raise ValueError("max_score must be positive")
    with localcontext() as context:
        context.prec = PRECISION
        return score * weight / max_score


def needs_comment(score: Decimal | None, max_score: Decimal) -> bool:
    """A score below 60 % of the leaf's maximum must be explained."""
    return score is not None and score < max_score * COMMENT_THRESHOLD


def evaluator_total(scores: Mapping[Hashable, Decimal | None], leaves: Iterable[LeafSpec]) -> Decimal:
    """The sum of the weighted contributions of the scored leaves (a leaf without a score counts 0)."""
    total = ZERO
    with localcontext() as context:
        context.prec = PRECISION
        for leaf in leaves:
            score = scores.get(leaf.id)
            if score is not None:
                total += contribution(score, weight=leaf.weight, max_score=leaf.max_score)
    return total


def will_trim(count: int, method: str) -> bool:
    if method not in METHODS:
        raise ValueError(f"unknown aggregation method {method!r}")
    return method == TRIMMED_MEAN and count >= TRIM_MIN_EVALUATORS


def counted_indices(totals: Sequence[Decimal], method: str) -> list[int]:
    """Positions of the totals that enter the aggregate (all of them, or all but one highest and one lowest)."""
    indices = list(range(len(totals)))
    if not will_trim(len(totals), method):
        return indices
    # Among equal totals the earlier position is dropped; when every total is equal, the first two positions go.
    lowest = min(indices, key=lambda index: (totals[index], index))
    highest = max((index for index in indices if index != lowest), key=lambda index: (totals[index], -index))
    return [index for index in indices if index not in (lowest, highest)]


def mean(values: Sequence[Decimal]) -> Decimal:
    if not values:
        raise ValueError("the mean of nothing")
    with localcontext() as context:
        context.prec = PRECISION
        return sum(values, ZERO) / len(values)


def aggregate(totals: Sequence[Decimal], method: str) -> Decimal:
    """The unrounded aggregate of the evaluators' totals."""
    return mean([totals[index] for index in counted_indices(totals, method)])


def round_score(value: Decimal) -> Decimal:
    """Two decimals, halves rounded up (89.995 → 90.00)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(value: Decimal) -> str:
    """The grade of a score, decided on the score rounded to two decimals."""
    rounded = round_score(value)
    for lower_bound, grade in GRADE_BANDS:
        if rounded >= lower_bound:
            return grade
    return POOR


def compute(
    leaves: Sequence[LeafSpec],
    sheets: Mapping[Hashable, Mapping[Hashable, Decimal]],
    method: str,
) -> Outcome:
    """The outcome from complete score sheets ({evaluator key: {leaf id: score}}), in the sheets' order.

    Every sheet must score every leaf; a missing score is an error here (finalization checks completeness first).
    """
    if not sheets:
        raise ValueError("no score sheets")
    if not leaves:
        raise ValueError("no leaf indicators")
    keys = list(sheets)
    for key in keys:
        missing = [leaf.id for leaf in leaves if sheets[key].get(leaf.id) is None]
        if missing:
            raise ValueError(f"sheet {key!r} has no score for {missing!r}")
    totals = {key: evaluator_total(sheets[key], leaves) for key in keys}
    positions = counted_indices([totals[key] for key in keys], method)
    counted = tuple(keys[index] for index in positions)
    excluded = tuple(key for key in keys if key not in counted)
    unrounded = mean([totals[key] for key in counted])
    leaf_mean_scores = {leaf.id: mean([sheets[key][leaf.id] for key in counted]) for leaf in leaves}
    leaf_mean_points = {
        leaf.id: mean(
            [contribution(sheets[key][leaf.id], weight=leaf.weight, max_score=leaf.max_score) for key in counted]
        )
        for leaf in leaves
    }
    score = round_score(unrounded)
    return Outcome(
        totals=totals,
        counted=counted,
        leaf_mean_scores=leaf_mean_scores,
        leaf_mean_points=leaf_mean_points,
        unrounded=unrounded,
        score=score,
        grade=grade_for(unrounded),
        trimmed=will_trim(len(keys), method),
        excluded=excluded,
    )
