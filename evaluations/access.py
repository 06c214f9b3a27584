"""Fetch a record and check the user's right to it in one step, for the pages and the API alike.

- `access_<entity>_for_view(user, key)`: the record when the user may see it; `Http404` otherwise, so that a record
  outside the user's reach (another region's evaluation, another evaluator's task, an evaluation not yet public) gets
  the same answer as one that does not exist.
- `access_<entity>_for_manage(user, key)` (and the evaluator's `access_assignment_for_evaluator`): `PermissionDenied`
  first when the user lacks the role the work needs (a signed-in user without it gets 403), then `Http404` as above.
- `require_*(user)`: the role check alone, for pages that act on no single record (lists, "new" forms).

Anonymous users fail the role checks like anyone without the role; pages send them to log in before asking.
Each helper selects what its pages show, so the caller needs no second query for the record.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import is_evaluator
from contracts import selectors as contract_selectors
from contracts.models import Contract
from evaluations import permissions, selectors
from evaluations.models import Assignment, Evaluation, EvaluatorProfile, Indicator, IndicatorSet

# ---- roles -----------------------------------------------------------------------------------------------------


def require_purchaser(user) -> None:
    """The officials' evaluation pages are for purchasers (and superusers): 403 for anyone else."""
    if not permissions.can_run_evaluations(user):
        raise PermissionDenied


def require_set_keeper(user) -> None:
    """Indicator sets are kept by officials (and superusers): 403 for anyone else."""
    if not permissions.can_manage_indicator_sets(user):
        raise PermissionDenied


def require_pool_keeper(user) -> None:
    """The evaluator pool is kept by the registrars of the province (and superusers): 403 for anyone else."""
    if not permissions.can_manage_evaluator_pool(user):
        raise PermissionDenied


def require_pool_reader(user) -> None:
    """Every official (and superusers) reads the pool and its record of changes: 403 for anyone else."""
    if not permissions.can_view_evaluator_pool(user):
        raise PermissionDenied


def require_evaluator(user) -> None:
    """The evaluator's task pages: 403 for users without the evaluator role."""
    if not is_evaluator(user):
        raise PermissionDenied


# ---- evaluations -----------------------------------------------------------------------------------------------


def access_evaluation_for_view(user, pk: int) -> Evaluation:
    """The evaluation if `user` may see it (permissions.can_view_evaluation: public once finalized; before, its
    officials, the evaluated organization's members and its invited evaluators); Http404 otherwise."""
    try:
        return selectors.evaluation_get(pk=pk, user=user)
    except Evaluation.DoesNotExist:
        raise Http404(_("没有这项绩效评价。")) from None


def access_evaluation_results(user, pk: int) -> Evaluation:
    """A finalized evaluation `user` may see (its results, report and export); Http404 before finalization."""
    evaluation = access_evaluation_for_view(user, pk)
    if not evaluation.is_finalized:
        raise Http404(_("评价尚未定稿，没有评价结果。"))
    return evaluation


def access_evaluation_for_manage(user, pk: int) -> Evaluation:
    """The evaluation an official acts on: PermissionDenied without the purchaser role, Http404 when it is missing or
    its contract's department lies outside the user's region."""
    require_purchaser(user)
    evaluation = access_evaluation_for_view(user, pk)
    if not permissions.can_manage_evaluation(user, evaluation):
        raise Http404
    return evaluation


def access_contract_for_evaluation(user, number: str) -> Contract:
    """The contract (by number) on which `user` may open an evaluation; Http404 when it is missing, not visible to
    them or outside their region."""
    number = (number or "").strip()
    try:
        contract = contract_selectors.contract_get_by_number(number=number, user=user)
    except Contract.DoesNotExist:
        contract = None
    if contract is None or not permissions.can_create_evaluation(user, contract):
        raise Http404(_("没有编号为 %(number)s 的合同。") % {"number": number})
    return contract


# ---- assignments -----------------------------------------------------------------------------------------------


def _assignment_of(evaluation: Evaluation, assignment_pk: int) -> Assignment:
    assignment = Assignment.objects.select_related("evaluator").filter(pk=assignment_pk, evaluation=evaluation).first()
    if assignment is None:
        raise Http404
    assignment.evaluation = evaluation
    return assignment


def access_assignment_for_evaluator(user, pk: int) -> Assignment:
    """The evaluator's own assignment (with its evaluation, contract and indicator set): PermissionDenied for users
    who are not evaluators, Http404 for a missing one or anyone else's."""
    require_evaluator(user)
    assignment = (
        Assignment.objects.select_related(
            "evaluation__contract__department__region",
            "evaluation__contract__organization",
            "evaluation__indicator_set",
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not permissions.can_respond_to_assignment(user, assignment):
        raise Http404(_("没有这项评价任务。"))
    return assignment


def access_assignment_for_manage(user, evaluation_pk: int, assignment_pk: int) -> Assignment:
    """An assignment of an evaluation the official runs (its `evaluation` attached): as access_evaluation_for_manage,
    and Http404 when the assignment is not one of that evaluation's."""
    return _assignment_of(access_evaluation_for_manage(user, evaluation_pk), assignment_pk)


def access_assignment_scores(user, evaluation_pk: int, assignment_pk: int) -> Assignment:
    """An assignment whose individual scores `user` may read (permissions.can_view_assignment_scores: their own,
    the officials' once submitted, the evaluated organization's after finalization); Http404 for anyone else."""
    assignment = _assignment_of(access_evaluation_for_view(user, evaluation_pk), assignment_pk)
    if not permissions.can_view_assignment_scores(user, assignment):
        raise Http404
    return assignment


# ---- indicator sets and the pool -------------------------------------------------------------------------------


def access_indicator_set_for_view(user, pk: int) -> IndicatorSet:
    """An active or frozen set (the published criteria) for anyone, a draft for officials; Http404 otherwise.
    Annotated like selectors.indicator_set_list."""
    try:
        return selectors.indicator_set_get(pk=pk, user=user)
    except IndicatorSet.DoesNotExist:
        raise Http404(_("没有这套指标体系。")) from None


def access_indicator_set_for_manage(user, pk: int) -> IndicatorSet:
    """The set an official works on: PermissionDenied without the role, Http404 when it is missing."""
    require_set_keeper(user)
    return access_indicator_set_for_view(user, pk)


def access_indicator_for_manage(user, set_pk: int, indicator_pk: int) -> Indicator:
    """An indicator of a set an official works on (its `indicator_set` attached); Http404 when it belongs to
    another set."""
    indicator_set = access_indicator_set_for_manage(user, set_pk)
    indicator = Indicator.objects.filter(pk=indicator_pk, indicator_set=indicator_set).first()
    if indicator is None:
        raise Http404
    indicator.indicator_set = indicator_set
    return indicator


def access_evaluator_profile_for_edit(user, pk: int) -> EvaluatorProfile:
    """A pool member's profile: any for the pool keepers, their own for an evaluator (permissions.
    can_edit_evaluator_profile). PermissionDenied for users who are neither, Http404 for a missing profile or
    another evaluator's."""
    profile = EvaluatorProfile.objects.select_related("user", "affiliation_organization").filter(pk=pk).first()
    if profile is None or not permissions.can_edit_evaluator_profile(user, profile):
        if not (permissions.can_manage_evaluator_pool(user) or is_evaluator(user)):
            raise PermissionDenied
        raise Http404(_("没有这位评价专家。"))
    return profile
