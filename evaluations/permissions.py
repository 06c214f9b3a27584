"""Who may do what with indicator sets, the evaluator pool, evaluations, assignments and scores.

- Indicator sets are kept by officials (registrars and purchasers) and superusers.
- The evaluator pool is kept by the registrars of the province (a provincial or national civil-affairs department)
  and superusers: who is in it and their affiliations decide which invitations a conflict of interest blocks. Every
  official may read it (with its record of changes); an evaluator keeps their own specialties and contact data.
- An evaluation is run by the purchasers of the contract's department (and superusers).
- An evaluator acts only on their own assignments; the contract's evidence and the score form open once they have
  accepted with a no-conflict declaration.
- Nobody reads another evaluator's draft scores. Before finalization, the members of the evaluated organization see
  no individual scores and no evaluator names; the officials running the evaluation see submitted scores.
- A finalized evaluation is public: the aggregate, the grade, the indicator means and each evaluator's total, with the
  evaluators named or anonymised as settings.EVALUATION_PUBLISH_EVALUATOR_NAMES says (default anonymised).

Predicates answer *who* (and, where a page needs one answer, *who and when*: `can_score_assignment`). Where the
answer depends on the record's state, a `*_refusal` function gives the reason (a coded ValidationError, or None), and
services, views and templates ask the same function. Which status allows which action is `workflows.py`'s table;
`evaluation_actions`, `assignment_actions` and `indicator_set_actions` combine it with these predicates into the
buttons a page offers.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_evaluator, is_member_of, is_official, is_purchaser, is_registrar, is_superuser
from contracts.permissions import purchaser_of_department
from core.services import refusal
from core.workflow import Transition
from evaluations.models import Assignment, Evaluation, IndicatorSet, PerformanceWarning
from evaluations.workflows import ASSIGNMENT, EVALUATION, INDICATOR_SET
from registry.models import Region

FINALIZED = _("评价已定稿，结果已公开，不能再作任何修改。")


def publish_evaluator_names() -> bool:
    return bool(getattr(settings, "EVALUATION_PUBLISH_EVALUATOR_NAMES", False))


@rules.predicate
def is_provincial_registrar(user) -> bool:
    """A registrar of a provincial (or the national) civil-affairs department: the keepers of the evaluator pool."""
    return bool(is_registrar(user)) and user.department.region.level in (Region.Level.PROVINCE, Region.Level.NATIONAL)


can_manage_indicator_sets = is_superuser | is_official
can_manage_evaluator_pool = is_superuser | is_provincial_registrar
can_view_evaluator_pool = is_superuser | is_official
# The officials' evaluation pages (the working list, a new evaluation) are for purchasers and superusers.
can_run_evaluations = is_superuser | is_purchaser


# ---- evaluations -----------------------------------------------------------------------------------------------


@rules.predicate
def can_create_evaluation(user, contract) -> bool:
    return contract is not None and (is_superuser(user) or purchaser_of_department(user, contract))


@rules.predicate
def contract_open_for_evaluation(user, contract) -> bool:
    """A contract is evaluated once it is signed (or later)."""
    return contract is not None and not contract.is_draft


def contract_evaluation_refusal(contract) -> ValidationError | None:
    """Why no evaluation can be opened on the contract now (None: it can)."""
    if contract_open_for_evaluation(None, contract):
        return None
    return refusal(_("合同尚未签订，不能开展绩效评价。"), code="contract_not_signed")


# The button that opens an evaluation from the contract's page.
can_open_evaluation = can_create_evaluation & contract_open_for_evaluation


@rules.predicate
def can_manage_evaluation(user, evaluation) -> bool:
    return evaluation is not None and can_create_evaluation(user, evaluation.contract)


def evaluation_change_refusal(evaluation: Evaluation) -> ValidationError | None:
    """A finalized evaluation is a public record: nothing of it, its assignments or its scores changes again."""
    if evaluation.is_finalized:
        return refusal(FINALIZED, code="evaluation_finalized")
    return None


def _own(user, assignment) -> bool:
    return (
        assignment is not None
        and is_evaluator(user)
        and assignment.evaluator_id is not None
        and assignment.evaluator_id == user.pk
    )


def _user_has_assignment(user, evaluation, statuses) -> bool:
    if evaluation is None or not is_evaluator(user):
        return False
    return Assignment.objects.filter(evaluation=evaluation, evaluator=user, status__in=statuses).exists()


@rules.predicate
def is_member_of_evaluated_organization(user, evaluation) -> bool:
    return evaluation is not None and is_member_of(user, evaluation.contract)


@rules.predicate
def is_invited_evaluator(user, evaluation) -> bool:
    """The user holds a live (invited, accepted or submitted) assignment on the evaluation."""
    return _user_has_assignment(user, evaluation, Assignment.LIVE_STATUSES)


@rules.predicate
def evaluation_is_public(user, evaluation) -> bool:
    return evaluation is not None and evaluation.is_public


can_view_evaluation = (
    evaluation_is_public | can_manage_evaluation | is_member_of_evaluated_organization | is_invited_evaluator
)
can_view_evaluation_progress = can_manage_evaluation
can_record_payment_decision = can_manage_evaluation


@rules.predicate
def has_open_warning(user, evaluation) -> bool:
    """A 差 left a performance warning on which no decision is recorded yet."""
    return (
        evaluation is not None
        and evaluation.is_finalized
        and PerformanceWarning.objects.filter(evaluation=evaluation, decided_at__isnull=True).exists()
    )


# The button that records the decision on the payments a 差 holds.
can_decide_payment = can_record_payment_decision & has_open_warning


@rules.predicate
def can_view_evaluator_names(user, evaluation) -> bool:
    """Evaluators are named to the officials running the evaluation; to everyone else only when the setting says so
    and the evaluation is finalized."""
    if can_manage_evaluation(user, evaluation):
        return True
    return evaluation is not None and evaluation.is_finalized and publish_evaluator_names()


def evaluation_actions(user, evaluation: Evaluation) -> list[Transition]:
    """The transitions `user` may start on the evaluation now, in the table's order: the buttons of its page."""
    if evaluation is None or not can_manage_evaluation(user, evaluation):
        return []
    return [
        transition
        for transition in EVALUATION.available(evaluation.status)
        if transition.action != "record_payment_decision" or has_open_warning(user, evaluation)
    ]


# ---- assignments and scores ------------------------------------------------------------------------------------


@rules.predicate
def can_respond_to_assignment(user, assignment) -> bool:
    """The invited evaluator answers the invitation (accept, decline, declare a conflict)."""
    return _own(user, assignment)


@rules.predicate
def can_view_assignment(user, assignment) -> bool:
    return assignment is not None and (_own(user, assignment) or can_manage_evaluation(user, assignment.evaluation))


@rules.predicate
def can_view_assignment_evidence(user, assignment) -> bool:
    """The contract's deliverables and files, and the evaluator's own score sheet, open once they accepted this
    assignment (and stay open after they submitted)."""
    return _own(user, assignment) and assignment.status in Assignment.SERVING_STATUSES


def score_refusal(user, assignment: Assignment) -> ValidationError | None:
    """Why `user` cannot enter scores on the assignment now (None: they can).

    Only the evaluator scores their own assignment, once they accepted it, while the evaluation is being scored.
    """
    if not _own(user, assignment):
        return refusal(_("这不是您的评价任务。"), code="not_own_assignment")
    evaluation = assignment.evaluation
    finalized = evaluation_change_refusal(evaluation)
    if finalized is not None:
        return finalized
    status = assignment.status
    if ASSIGNMENT.allows("accept", status):
        return refusal(_("请先接受评价任务并声明与被评价单位不存在利益冲突，然后评分。"), code="not_accepted")
    if status == Assignment.Status.SUBMITTED:
        return refusal(_("评分已提交，不能再修改。"), code="already_submitted")
    if not ASSIGNMENT.allows("score", status):
        return refusal(
            _("该评价任务已结束（%(status)s）。"), code="assignment_ended", status=ASSIGNMENT.status_label(status)
        )
    if not evaluation.is_scoring:
        return refusal(_("评价尚未开始评分。"), code="scoring_not_started")
    return None


@rules.predicate
def can_score_assignment(user, assignment) -> bool:
    """The evaluator, once they accepted, while the evaluation is being scored (see score_refusal)."""
    return assignment is not None and score_refusal(user, assignment) is None


@rules.predicate
def can_withdraw_assignment(user, assignment) -> bool:
    """The officials running the evaluation end a live assignment before finalization."""
    return (
        assignment is not None
        and can_manage_evaluation(user, assignment.evaluation)
        and evaluation_change_refusal(assignment.evaluation) is None
        and ASSIGNMENT.allows("withdraw", assignment.status)
    )


def assignment_actions(user, assignment: Assignment) -> list[Transition]:
    """The transitions `user` may start on the assignment now: the evaluator's forms on their task page, the
    withdraw button on the officials' progress table."""
    if assignment is None:
        return []
    actions = []
    for transition in ASSIGNMENT.available(assignment.status):
        if transition.action in ("score", "submit"):
            allowed = can_score_assignment(user, assignment)
        elif transition.action == "withdraw":
            allowed = can_withdraw_assignment(user, assignment)
        else:
            allowed = can_respond_to_assignment(user, assignment)
        if allowed:
            actions.append(transition)
    return actions


@rules.predicate
def can_view_assignment_scores(user, assignment) -> bool:
    """One evaluator's individual scores and comments.

    Their own evaluator always (drafts included); the officials running the evaluation once the sheet is submitted;
    after finalization also the members of the evaluated organization. Never other evaluators, never the public.
    """
    if assignment is None:
        return False
    if _own(user, assignment):
        return True
    evaluation = assignment.evaluation
    if can_manage_evaluation(user, evaluation):
        return assignment.submitted_at is not None
    if evaluation.is_finalized and is_member_of_evaluated_organization(user, evaluation):
        return assignment.status == assignment.Status.SUBMITTED
    return False


def evaluator_may_view_evidence(user, contract) -> bool:
    """Registered with contracts.register_evidence_viewer: an evaluator who accepted (or already submitted) an
    assignment on an evaluation of the contract."""
    if contract is None or not is_evaluator(user):
        return False
    return Assignment.objects.filter(
        evaluation__contract=contract, evaluator=user, status__in=Assignment.SERVING_STATUSES
    ).exists()


# ---- indicator sets and the pool -------------------------------------------------------------------------------


def indicator_set_in_use(indicator_set: IndicatorSet, *, counted: bool = True) -> bool:
    """An evaluation uses the set. `counted`: trust the `evaluation_count` annotation when the set carries one (a
    page); services ask the database (`counted=False`)."""
    count = getattr(indicator_set, "evaluation_count", None) if counted else None
    if count is not None:
        return count > 0
    return indicator_set.evaluations.exists()


def indicator_set_actions(user, indicator_set: IndicatorSet) -> list[Transition]:
    """The transitions `user` may start on the set now: the buttons of its page ("edit" also stands for adding,
    importing and removing indicators)."""
    if indicator_set is None or not can_manage_indicator_sets(user):
        return []
    return [
        transition
        for transition in INDICATOR_SET.available(indicator_set.status)
        if transition.action != "use" and not (transition.action == "reopen" and indicator_set_in_use(indicator_set))
    ]


@rules.predicate
def can_edit_evaluator_profile(user, profile) -> bool:
    """Pool keepers edit every field; the evaluator their own specialties and contact data."""
    if profile is None:
        return False
    return can_manage_evaluator_pool(user) or (is_evaluator(user) and profile.user_id == user.pk)


for _name, _predicate in {
    "can_manage_indicator_sets": can_manage_indicator_sets,
    "can_manage_evaluator_pool": can_manage_evaluator_pool,
    "can_view_evaluator_pool": can_view_evaluator_pool,
    "can_run_evaluations": can_run_evaluations,
    "can_create_evaluation": can_create_evaluation,
    "can_open_evaluation": can_open_evaluation,
    "can_manage_evaluation": can_manage_evaluation,
    "can_view_evaluation": can_view_evaluation,
    "can_view_evaluation_progress": can_view_evaluation_progress,
    "can_record_payment_decision": can_record_payment_decision,
    "can_decide_payment": can_decide_payment,
    "can_view_evaluator_names": can_view_evaluator_names,
    "can_respond_to_assignment": can_respond_to_assignment,
    "can_view_assignment": can_view_assignment,
    "can_view_assignment_evidence": can_view_assignment_evidence,
    "can_score_assignment": can_score_assignment,
    "can_withdraw_assignment": can_withdraw_assignment,
    "can_view_assignment_scores": can_view_assignment_scores,
    "can_edit_evaluator_profile": can_edit_evaluator_profile,
}.items():
    rules.add_perm(f"evaluations.{_name}", _predicate)
