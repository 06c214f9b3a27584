"""Reads of indicator sets, the evaluator pool, evaluations and their results, scoped to the user.

Every list selects or prefetches what its page shows, so no page's query count grows with its rows. The reads that
say why something cannot be done (`tree_problems`, `affiliation_refusal`, `finalization_problems`) return coded
ValidationErrors with lazy messages, as the services raise them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.permissions import in_official_region, is_official, is_purchaser, is_superuser
from core.formatting import points
from core.search import search_condition, search_words
from core.services import WRONG_STATE, refusal, require
from evaluations import permissions, scoring
from evaluations.models import (
    Assignment,
    Evaluation,
    Indicator,
    IndicatorResult,
    IndicatorSet,
    PerformanceWarning,
    Score,
)
from evaluations.selectors.consequences import (  # noqa: F401  (part of this module's interface)
    evaluation_payment_blockers,
    organization_performance_warnings,
    organization_warning_rows,
    performance_eligibility_check,
    warning_years,
)
from evaluations.selectors.pool import (  # noqa: F401  (the pool's reads, part of this module's interface)
    PoolChange,
    affiliation_refusal,
    assignable_evaluators,
    evaluator_pool,
    evaluator_pool_changes,
)
from evaluations.workflows import EVALUATION
from registry.organization_records import OrganizationRecords

HUNDRED = Decimal("100.00")


# --- indicator sets --------------------------------------------------------------------------------------------------


def indicator_set_list(*, user=None) -> QuerySet[IndicatorSet]:
    """Active and frozen sets for everyone (they are the published criteria); drafts too for officials and
    superusers. Annotated `indicator_count` and `evaluation_count`."""
    queryset = IndicatorSet.objects.annotate(
        indicator_count=Count("indicators", distinct=True), evaluation_count=Count("evaluations", distinct=True)
    ).order_by("name", "-version")
    if user is not None and (is_superuser(user) or is_official(user)):
        return queryset
    return queryset.exclude(status=IndicatorSet.Status.DRAFT)


def usable_indicator_sets() -> QuerySet[IndicatorSet]:
    """The sets an evaluation may use (active or frozen), newest version first within a name."""
    return IndicatorSet.objects.filter(status__in=(IndicatorSet.Status.ACTIVE, IndicatorSet.Status.FROZEN)).order_by(
        "name", "-version"
    )


def indicator_set_get(*, pk: int, user=None) -> IndicatorSet:
    """The set with this id if the user may see it; raises IndicatorSet.DoesNotExist otherwise."""
    return indicator_set_list(user=user).get(pk=pk)


def indicator_tree(indicator_set: IndicatorSet, indicators: Iterable[Indicator] | None = None) -> list[Indicator]:
    """The set's indicators depth-first (each parent before its children, siblings by order then code), in one query.

    Each indicator gets `child_list` (its children in order) and `is_leaf`.
    """
    if indicators is None:
        indicators = Indicator.objects.filter(indicator_set=indicator_set)
    indicators = list(indicators)
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    by_id = {indicator.pk: indicator for indicator in indicators}
    for indicator in indicators:
        parent_id = indicator.parent_id if indicator.parent_id in by_id else None
        children[parent_id].append(indicator)
    for siblings in children.values():
        siblings.sort(key=lambda indicator: (indicator.order, indicator.code))
    ordered: list[Indicator] = []

    def visit(indicator: Indicator) -> None:
        indicator.child_list = children.get(indicator.pk, [])
        indicator.is_leaf = not indicator.child_list
        ordered.append(indicator)
        for child in indicator.child_list:
            visit(child)

    for root in children.get(None, []):
        visit(root)
    return ordered


def leaves_of(tree: Sequence[Indicator]) -> list[Indicator]:
    return [indicator for indicator in tree if indicator.is_leaf]


def leaf_specs(tree: Sequence[Indicator]) -> list[scoring.LeafSpec]:
    return [scoring.LeafSpec(leaf.pk, leaf.weight, leaf.max_score) for leaf in leaves_of(tree)]


def indicator_refusal(message, *, code: str, indicator: Indicator, **params) -> ValidationError:
    """A refusal about one indicator: its message names it with `%(code)s %(name)s` (the indicator's code, which is
    why this is not core.services.refusal, whose `code` is the refusal's)."""
    return ValidationError(message, code=code, params={"code": indicator.code, "name": indicator.name, **params})


def tree_problems(tree: Sequence[Indicator]) -> list[ValidationError]:
    """The rule violations of an indicator tree (as `indicator_tree` returns it): empty means valid."""
    if not tree:
        return [refusal(_("指标体系尚无指标。"), code="no_indicators")]
    problems: list[ValidationError] = []
    by_id = {indicator.pk: indicator for indicator in tree}
    for indicator in tree:
        parent = by_id.get(indicator.parent_id)
        expected_level = parent.level + 1 if parent is not None else 1
        if indicator.level != expected_level:
            problems.append(
                indicator_refusal(
                    _("指标“%(code)s %(name)s”的层级为 %(level)d，应为 %(expected)d。"),
                    code="wrong_level",
                    indicator=indicator,
                    level=indicator.level,
                    expected=expected_level,
                )
            )
        if indicator.level > Indicator.MAX_LEVEL:
            problems.append(
                indicator_refusal(_("指标“%(code)s %(name)s”超过三级。"), code="too_deep", indicator=indicator)
            )
        if not indicator.is_leaf:
            children_sum = sum((child.weight for child in indicator.child_list), Decimal("0"))
            if children_sum != indicator.weight:
                problems.append(
                    indicator_refusal(
                        _("指标“%(code)s %(name)s”的分值为 %(weight)s，其下级指标分值合计为 %(sum)s，两者应相等。"),
                        code="children_weight_mismatch",
                        indicator=indicator,
                        weight=points(indicator.weight),
                        sum=points(children_sum),
                    )
                )
    leaf_sum = sum((leaf.weight for leaf in leaves_of(tree)), Decimal("0"))
    if leaf_sum != HUNDRED:
        problems.append(
            refusal(_("末级指标分值合计为 %(sum)s，应为 100.00。"), code="weights_not_100", sum=points(leaf_sum))
        )
    return problems


def indicator_set_problems(indicator_set: IndicatorSet) -> list[ValidationError]:
    """Why the set cannot be activated or used (empty when its weights and tree are valid)."""
    return tree_problems(indicator_tree(indicator_set))


# --- evaluations -----------------------------------------------------------------------------------------------------

_EVALUATION_RELATED = (
    "contract__department__region",
    "contract__organization",
    "indicator_set",
)


def evaluation_list_public() -> QuerySet[Evaluation]:
    """Finalized evaluations (public records), newest first, ready for filtering by `year`, `grade`,
    `contract__organization` and region (`contract__department__region__path__startswith=region.path`).

    Annotated `has_warning` (a 差 left a performance warning).
    """
    return (
        Evaluation.objects.filter(status=Evaluation.Status.FINALIZED)
        .select_related(*_EVALUATION_RELATED)
        .annotate(has_warning=Exists(PerformanceWarning.objects.filter(evaluation=OuterRef("pk"))))
        .order_by("-finalized_at", "-pk")
    )


def _with_assignment_counts(queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    status = "assignments__status"
    return queryset.annotate(
        invited_count=Count("assignments", filter=Q(**{status: Assignment.Status.INVITED})),
        accepted_count=Count("assignments", filter=Q(**{status: Assignment.Status.ACCEPTED})),
        submitted_count=Count("assignments", filter=Q(**{status: Assignment.Status.SUBMITTED})),
        ended_count=Count(
            "assignments",
            filter=Q(
                **{
                    f"{status}__in": (
                        Assignment.Status.DECLINED,
                        Assignment.Status.CONFLICT,
                        Assignment.Status.WITHDRAWN,
                    )
                }
            ),
        ),
    )


def evaluation_list_for(*, user) -> QuerySet[Evaluation]:
    """Every evaluation (all statuses) an official runs: contracts of the purchaser's own department; all for
    superusers; none for anyone else. Annotated invited/accepted/submitted/ended counts."""
    queryset = Evaluation.objects.select_related(*_EVALUATION_RELATED).order_by("-created_at", "-pk")
    if user is not None and is_superuser(user):
        pass
    elif user is not None and is_purchaser(user):
        queryset = queryset.filter(contract__department_id=user.department_id)
    else:
        return queryset.none()
    return _with_assignment_counts(queryset)


def evaluation_get(*, pk: int, user=None) -> Evaluation:
    """The evaluation if the user may see it (permissions.can_view_evaluation); raises Evaluation.DoesNotExist."""
    evaluation = Evaluation.objects.select_related(
        *_EVALUATION_RELATED, "created_by", "finalized_by", "contract__department"
    ).get(pk=pk)
    if not permissions.can_view_evaluation(user, evaluation):
        raise Evaluation.DoesNotExist
    return evaluation


def evaluations_for_evaluator(user) -> QuerySet[Assignment]:
    """The evaluator's working list: the assignments they accepted (or already submitted), newest first, with
    `scored_count` (leaves scored so far)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(evaluator=user, status__in=Assignment.SERVING_STATUSES)
        .select_related(*(f"evaluation__{path}" for path in _EVALUATION_RELATED))
        .annotate(scored_count=Count("scores"))
        .order_by("-invited_at", "-pk")
    )


def invitations_for_evaluator(user) -> QuerySet[Assignment]:
    """Invitations waiting for the evaluator's answer: what they need to judge a conflict of interest (the
    contract's title, organization and purchaser, the kind and dates), nothing of the evidence."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(evaluator=user, status=Assignment.Status.INVITED)
        .exclude(evaluation__status=Evaluation.Status.FINALIZED)
        .select_related(*(f"evaluation__{path}" for path in _EVALUATION_RELATED))
        .order_by("evaluation__due_on", "pk")
    )


def finalization_problems(evaluation: Evaluation, assignments: Iterable[Assignment]) -> list[ValidationError]:
    """Why the evaluation cannot be finalized yet, given its assignments (empty when it can)."""
    assignments = list(assignments)
    problems: list[ValidationError] = []
    pending = [
        assignment
        for assignment in assignments
        if assignment.status in (Assignment.Status.INVITED, Assignment.Status.ACCEPTED)
    ]
    if pending:
        # "王五（待确认）、赵六（已接受）", the statuses in the language the message is shown in.
        names = format_lazy(
            "、".join(["{}（{}）"] * len(pending)),
            *(part for row in pending for part in (str(row.evaluator), Assignment.Status(row.status).label)),
        )
        problems.append(
            refusal(
                _("以下专家尚未提交评分：%(names)s。请等待其提交，或撤回指派并说明理由。"),
                code="evaluators_pending",
                names=names,
            )
        )
    submitted = sum(assignment.status == Assignment.Status.SUBMITTED for assignment in assignments)
    if submitted < evaluation.min_evaluators:
        problems.append(
            refusal(
                _("已提交评分的专家为 %(count)d 人，少于最少人数 %(min)d 人。"),
                code="too_few_submitted",
                count=submitted,
                min=evaluation.min_evaluators,
            )
        )
    return problems


@dataclass(frozen=True)
class EvaluationProgress:
    rows: list[Assignment]  # every assignment, with `scored_count`; evaluator and profile selected
    leaf_count: int
    counts: dict[str, int]  # status -> number of assignments
    submitted_count: int
    problems: list[ValidationError]  # why it cannot be finalized now (empty when it can)

    @property
    def can_finalize(self) -> bool:
        return not self.problems


def evaluation_progress(evaluation: Evaluation) -> EvaluationProgress:
    """Who was invited, who accepted (and when they declared), who declined or declared a conflict, who submitted."""
    rows = list(
        evaluation.assignments.select_related("evaluator__evaluator_profile", "withdrawn_by")
        .annotate(scored_count=Count("scores"))
        .order_by("invited_at", "pk")
    )
    leaf_count = Indicator.objects.filter(indicator_set_id=evaluation.indicator_set_id, children__isnull=True).count()
    counts = {status: 0 for status in Assignment.Status.values}
    for row in rows:
        counts[row.status] += 1
    problems = []
    if not EVALUATION.allows("finalize", evaluation.status):
        problems.append(
            refusal(
                _("评价不在评分阶段。"),
                code=WRONG_STATE,
                status=EVALUATION.status_label(evaluation.status),
                action=EVALUATION["finalize"].label,
            )
        )
    problems += finalization_problems(evaluation, rows)
    return EvaluationProgress(
        rows=rows,
        leaf_count=leaf_count,
        counts=counts,
        submitted_count=counts[Assignment.Status.SUBMITTED],
        problems=problems,
    )


@dataclass(frozen=True)
class ScoreRow:
    indicator: Indicator  # with is_leaf; parents are group rows without score
    score: Decimal | None
    comment: str
    points: Decimal | None  # the weighted contribution of the score

    @property
    def needs_comment(self) -> bool:
        return self.indicator.is_leaf and scoring.needs_comment(self.score, self.indicator.max_score)

    @property
    def missing_comment(self) -> bool:
        return self.needs_comment and not self.comment.strip()


@dataclass(frozen=True)
class ScoreSheet:
    assignment: Assignment
    rows: list[ScoreRow]
    total: Decimal  # the running weighted total (unscored leaves count 0)
    scored_count: int
    leaf_count: int

    @property
    def complete(self) -> bool:
        return self.scored_count == self.leaf_count


def score_sheet(assignment: Assignment, tree: Sequence[Indicator] | None = None) -> ScoreSheet:
    """An assignment's scores laid over the indicator tree (no permission check: see assignment_score_sheet)."""
    tree = tree if tree is not None else indicator_tree(assignment.evaluation.indicator_set)
    scores = {score.indicator_id: score for score in Score.objects.filter(assignment=assignment)}
    rows = []
    for indicator in tree:
        score = scores.get(indicator.pk) if indicator.is_leaf else None
        value = score.score if score is not None else None
        rows.append(
            ScoreRow(
                indicator=indicator,
                score=value,
                comment=score.comment if score is not None else "",
                points=None
                if value is None
                else scoring.contribution(value, weight=indicator.weight, max_score=indicator.max_score),
            )
        )
    leaves = leaf_specs(tree)
    return ScoreSheet(
        assignment=assignment,
        rows=rows,
        total=scoring.evaluator_total({key: score.score for key, score in scores.items()}, leaves),
        scored_count=sum(1 for leaf in leaves if leaf.id in scores),
        leaf_count=len(leaves),
    )


def assignment_score_sheet(*, assignment: Assignment, user) -> ScoreSheet:
    """The score sheet of one assignment for a user allowed to read it (permissions.can_view_assignment_scores):
    the evaluator's own drafts, never another evaluator's. Raises PermissionDenied otherwise."""
    require(permissions.can_view_assignment_scores(user, assignment), _("您无权查看该专家的评分。"))
    return score_sheet(assignment)


@dataclass(frozen=True)
class EvaluatorResult:
    label: str  # the evaluator's name, or "专家 1", "专家 2", … when anonymised
    total: Decimal
    counted: bool
    assignment: Assignment


@dataclass(frozen=True)
class EvaluationResults:
    evaluation: Evaluation
    indicators: list[Indicator]  # depth-first; each with `.result` (IndicatorResult or None), `.is_leaf`
    evaluators: list[EvaluatorResult]
    score: Decimal
    grade: str
    grade_label: str
    names_shown: bool
    warning: PerformanceWarning | None = field(default=None)


def evaluation_results(evaluation: Evaluation, *, user=None, show_names: bool | None = None) -> EvaluationResults:
    """The stored results of a finalized evaluation (ValidationError otherwise).

    Evaluators are named when `show_names` is True, or (when it is None) when permissions.can_view_evaluator_names
    allows it for `user`; otherwise they are numbered in the order they were invited.
    """
    if not evaluation.is_finalized:
        raise refusal(_("评价尚未定稿，没有评价结果。"), code="not_finalized")
    tree = indicator_tree(evaluation.indicator_set)
    results = {result.indicator_id: result for result in IndicatorResult.objects.filter(evaluation=evaluation)}
    for indicator in tree:
        indicator.result = results.get(indicator.pk)
    names_shown = permissions.can_view_evaluator_names(user, evaluation) if show_names is None else show_names
    submitted = (
        evaluation.assignments.filter(status=Assignment.Status.SUBMITTED)
        .select_related("evaluator")
        .order_by("invited_at", "pk")
    )
    evaluators = [
        EvaluatorResult(
            label=str(assignment.evaluator) if names_shown else gettext("专家 %(number)d") % {"number": number},
            total=assignment.total_score,
            counted=bool(assignment.counted),
            assignment=assignment,
        )
        for number, assignment in enumerate(submitted, start=1)
    ]
    warning = PerformanceWarning.objects.filter(evaluation=evaluation).select_related("decided_by").first()
    return EvaluationResults(
        evaluation=evaluation,
        indicators=tree,
        evaluators=evaluators,
        score=evaluation.score,
        grade=evaluation.grade,
        grade_label=evaluation.get_grade_display(),
        names_shown=names_shown,
        warning=warning,
    )


def organization_evaluation_list(organization, *, user=None) -> QuerySet[Evaluation]:
    """Finalized evaluations of the organization's contracts (grades for its page), newest first."""
    return evaluation_list_public().filter(contract__organization=organization)


def organization_evaluation_rows(records: OrganizationRecords) -> list[Evaluation]:
    """organization_evaluation_list of `records.organization`, whole, each with its contract (what the page names of
    it): read once per records for the organization page's 绩效评价 tab, its badge and the timeline's finalized
    evaluations."""
    evaluations = organization_evaluation_list(records.organization, user=records.user)
    return records.shared(
        "evaluations.finalized", lambda: list(evaluations.select_related(None).select_related("contract"))
    )


def contract_evaluation_list(contract, *, user=None) -> QuerySet[Evaluation]:
    """The contract's evaluations: finalized ones for everyone; every status for the officials running them."""
    queryset = (
        Evaluation.objects.filter(contract=contract)
        .select_related("indicator_set")
        .annotate(has_warning=Exists(PerformanceWarning.objects.filter(evaluation=OuterRef("pk"))))
        .order_by("period_start_on", "pk")
    )
    if user is not None and permissions.can_create_evaluation(user, contract):
        return queryset
    return queryset.filter(status=Evaluation.Status.FINALIZED)


def evaluation_search(query: str, *, user=None) -> QuerySet[Evaluation]:
    """Evaluations the user may see (finalized ones for everyone; every status of the contracts of a purchaser's
    region) whose contract's number, title, supplier or buyer contain every word of the query (the contract's search
    columns); newest first."""
    words = search_words(query)
    if not words:
        return Evaluation.objects.none()
    visible = Q(status=Evaluation.Status.FINALIZED)
    if user is not None and is_superuser(user):
        visible = Q()
    elif user is not None and is_purchaser(user):
        official = in_official_region(user, Evaluation, "contract__department__region")
        visible = visible | official if official else Q()
    queryset = Evaluation.objects.filter(visible).select_related(*_EVALUATION_RELATED)
    # An evaluation's searchable texts are its contract's: the contract's stored search columns and their indexes.
    queryset = queryset.filter(
        search_condition(words, field="contract__search_document", vector_field="contract__search_vector")
    )
    return queryset.order_by("-created_at", "-pk")
