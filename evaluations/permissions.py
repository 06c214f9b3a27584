"""Who may do what with indicator sets, the evaluator pool, evaluations, assignments and scores.

- Indicator sets and the evaluator pool are kept by officials (registrars and purchasers) and superusers.
- An evaluation is run by the purchasers whose region covers the contract's department (and superusers).
- An evaluator acts only on their own assignments; the contract's evidence and the score form open once they have
  accepted with a no-conflict declaration.
- Nobody reads another evaluator's draft scores. Before finalization, the members of the evaluated organization see
  no individual scores and no evaluator names; the officials running the evaluation see submitted scores.
- A finalized evaluation is public: the aggregate, the grade, the indicator means and each evaluator's total, with the
  evaluators named or anonymised as settings.EVALUATION_PUBLISH_EVALUATOR_NAMES says (default anonymised).

Predicates answer *who*; the state rules (draft only, scoring only, ...) live in services.py.
"""

from __future__ import annotations

import rules
from django.conf import settings

from accounts.permissions import is_evaluator, is_member_of, is_official, is_superuser
from contracts.permissions import purchaser_covers_department


def publish_evaluator_names() -> bool:
    return bool(getattr(settings, "EVALUATION_PUBLISH_EVALUATOR_NAMES", False))


can_manage_indicator_sets = is_superuser | is_official
can_manage_evaluator_pool = is_superuser | is_official


@rules.predicate
def can_create_evaluation(user, contract) -> bool:
    return contract is not None and (is_superuser(user) or purchaser_covers_department(user, contract))


@rules.predicate
def can_manage_evaluation(user, evaluation) -> bool:
    return evaluation is not None and can_create_evaluation(user, evaluation.contract)


def _own(user, assignment) -> bool:
    return (
        assignment is not None
        and is_evaluator(user)
        and assignment.evaluator_id is not None
        and assignment.evaluator_id == user.pk
    )


def _user_has_assignment(user, evaluation, statuses) -> bool:
    from evaluations.models import Assignment

    if evaluation is None or not is_evaluator(user):
        return False
    return Assignment.objects.filter(evaluation=evaluation, evaluator=user, status__in=statuses).exists()


@rules.predicate
def is_member_of_evaluated_organization(user, evaluation) -> bool:
    return evaluation is not None and is_member_of(user, evaluation.contract)


@rules.predicate
def is_invited_evaluator(user, evaluation) -> bool:
    """The user holds a live (invited, accepted or submitted) assignment on the evaluation."""
    from evaluations.models import Assignment

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
def can_view_evaluator_names(user, evaluation) -> bool:
    """Evaluators are named to the officials running the evaluation; to everyone else only when the setting says so
    and the evaluation is finalized."""
    if can_manage_evaluation(user, evaluation):
        return True
    return evaluation is not None and evaluation.is_finalized and publish_evaluator_names()


@rules.predicate
def can_respond_to_assignment(user, assignment) -> bool:
    """The invited evaluator answers the invitation (accept, decline, declare a conflict)."""
    return _own(user, assignment)


@rules.predicate
def can_view_assignment(user, assignment) -> bool:
    return assignment is not None and (_own(user, assignment) or can_manage_evaluation(user, assignment.evaluation))


@rules.predicate
def can_score_assignment(user, assignment) -> bool:
    """The evaluator, once they accepted, while the evaluation is being scored."""
    return _own(user, assignment) and assignment.can_be_scored


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


@rules.predicate
def can_edit_evaluator_profile(user, profile) -> bool:
    """Pool keepers edit every field; the evaluator their own specialties and contact data."""
    if profile is None:
        return False
    return can_manage_evaluator_pool(user) or (is_evaluator(user) and profile.user_id == user.pk)


def evaluator_may_view_evidence(user, contract) -> bool:
    """Registered with contracts.register_evidence_viewer: an evaluator who accepted (or already submitted) an
    assignment on an evaluation of the contract."""
    from evaluations.models import Assignment

    if contract is None or not is_evaluator(user):
        return False
    return Assignment.objects.filter(
        evaluation__contract=contract,
        evaluator=user,
        status__in=(Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED),
    ).exists()


for _name, _predicate in {
    "can_manage_indicator_sets": can_manage_indicator_sets,
    "can_manage_evaluator_pool": can_manage_evaluator_pool,
    "can_create_evaluation": can_create_evaluation,
    "can_manage_evaluation": can_manage_evaluation,
    "can_view_evaluation": can_view_evaluation,
    "can_view_evaluation_progress": can_view_evaluation_progress,
    "can_record_payment_decision": can_record_payment_decision,
    "can_view_evaluator_names": can_view_evaluator_names,
    "can_respond_to_assignment": can_respond_to_assignment,
    "can_view_assignment": can_view_assignment,
    "can_score_assignment": can_score_assignment,
    "can_view_assignment_scores": can_view_assignment_scores,
    "can_edit_evaluator_profile": can_edit_evaluator_profile,
}.items():
    rules.add_perm(f"evaluations.{_name}", _predicate)
