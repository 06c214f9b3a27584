"""Who sees what: evaluators only their accepted assignments (and then the evidence), nobody another evaluator's
drafts, organization members no individual scores before finalization, the public finalized results only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.permissions import can_view_contract_evidence
from evaluations import permissions, selectors, services
from evaluations.models import Evaluation
from evaluations.selectors import (
    assignment_score_sheet,
    contract_evaluation_list,
    evaluation_get,
    evaluation_list_for,
    evaluation_list_public,
    evaluation_results,
    evaluations_for_evaluator,
    invitations_for_evaluator,
    organization_evaluation_list,
)
from tests.evaluations.conftest import full_sheet, submit
from tests.factories import (
    EvaluatorFactory,
    EvaluatorProfileFactory,
    OrganizationMemberFactory,
    RegistrarFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def test_an_evaluator_sees_only_the_assignments_they_accepted(purchaser, evaluation, pool):
    invited = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    other = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[1])
    assert list(evaluations_for_evaluator(pool[0])) == []
    assert list(invitations_for_evaluator(pool[0])) == [invited]

    services.assignment_accept(actor=pool[0], assignment=invited, confirm_no_conflict=True)
    assert list(evaluations_for_evaluator(pool[0])) == [invited]
    assert list(invitations_for_evaluator(pool[0])) == []
    assert other not in evaluations_for_evaluator(pool[0])
    assert list(evaluations_for_evaluator(ANONYMOUS)) == []

    assert permissions.can_view_assignment(pool[0], invited)
    assert not permissions.can_view_assignment(pool[0], other)
    assert permissions.can_view_assignment(purchaser, other)

    services.assignment_declare_conflict(actor=pool[1], assignment=other, declaration="曾在该组织兼职")
    assert list(evaluations_for_evaluator(pool[1])) == []


def test_the_contract_evidence_opens_only_after_accepting(purchaser, evaluation, contract, pool, member):
    assignment = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    assert not can_view_contract_evidence(pool[0], contract)
    services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=True)
    assert can_view_contract_evidence(pool[0], contract)
    assert not can_view_contract_evidence(pool[1], contract)
    assert can_view_contract_evidence(member, contract) and can_view_contract_evidence(purchaser, contract)
    conflicted = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[2])
    services.assignment_declare_conflict(actor=pool[2], assignment=conflicted, declaration="近亲属任该组织理事长")
    assert not can_view_contract_evidence(pool[2], contract)


def test_the_score_form_is_for_the_evaluator_who_accepted_while_scoring(purchaser, evaluation, pool):
    assignments = [
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user) for user in pool[:3]
    ]
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    assignments[0].refresh_from_db()
    assert not permissions.can_score_assignment(pool[0], assignments[0])  # invited, not yet accepted
    services.assignment_accept(actor=pool[0], assignment=assignments[0], confirm_no_conflict=True)
    assignments[0].refresh_from_db()
    assert permissions.can_score_assignment(pool[0], assignments[0])
    assert not permissions.can_score_assignment(pool[1], assignments[0])
    assert not permissions.can_score_assignment(purchaser, assignments[0])
    assert pool[0].has_perm("evaluations.can_score_assignment", assignments[0])


def test_nobody_reads_another_evaluators_draft_scores(purchaser, scoring, member):
    evaluation, assignments = scoring
    mine, theirs = assignments[0], assignments[1]
    services.score_save_draft(
        actor=mine.evaluator, assignment=mine, entries=dict(list(full_sheet(evaluation, "0.7").items())[:2])
    )
    sheet = assignment_score_sheet(assignment=mine, user=mine.evaluator)
    assert sheet.scored_count == 2 and sheet.leaf_count == 4 and sheet.total == 35
    for outsider in (theirs.evaluator, purchaser, member, ANONYMOUS, SuperuserFactory()):
        with pytest.raises(PermissionDenied):
            assignment_score_sheet(assignment=mine, user=outsider)

    # Submitted: the officials running the evaluation may read it; members of the organization still may not.
    submit(mine, "0.7")
    mine.refresh_from_db()
    assert assignment_score_sheet(assignment=mine, user=purchaser).complete
    with pytest.raises(PermissionDenied):
        assignment_score_sheet(assignment=mine, user=member)
    with pytest.raises(PermissionDenied):
        assignment_score_sheet(assignment=mine, user=theirs.evaluator)


def test_members_see_no_individual_scores_or_names_before_finalization(purchaser, scoring, member):
    evaluation, assignments = scoring
    for assignment in assignments[:2]:
        submit(assignment, "0.8")
    assert permissions.can_view_evaluation(member, evaluation)  # they know it is running
    assert not permissions.can_view_evaluation_progress(member, evaluation)
    assert not permissions.can_view_evaluator_names(member, evaluation)
    for assignment in assignments:
        assignment.refresh_from_db()
        assert not permissions.can_view_assignment_scores(member, assignment)
    with pytest.raises(ValidationError, match="尚未定稿"):
        evaluation_results(evaluation, user=member)

    submit(assignments[2], "0.8")
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    assignments[0].refresh_from_db()
    assert permissions.can_view_assignment_scores(member, assignments[0])
    assert not permissions.can_view_assignment_scores(OrganizationMemberFactory(), assignments[0])
    assert not permissions.can_view_assignment_scores(ANONYMOUS, assignments[0])


def test_the_public_sees_finalized_results_with_anonymised_evaluators(purchaser, scoring, contract, settings):
    evaluation, assignments = scoring
    assert not permissions.can_view_evaluation(ANONYMOUS, evaluation)
    with pytest.raises(Evaluation.DoesNotExist):
        evaluation_get(pk=evaluation.pk, user=ANONYMOUS)
    assert list(evaluation_list_public()) == []
    assert list(contract_evaluation_list(contract, user=ANONYMOUS)) == []
    assert list(contract_evaluation_list(contract, user=purchaser)) == [evaluation]

    for assignment, share in zip(assignments, ["0.9", "0.8", "0.7"], strict=True):
        submit(assignment, share)
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()

    assert evaluation_get(pk=evaluation.pk, user=ANONYMOUS) == evaluation
    assert list(evaluation_list_public()) == [evaluation]
    assert list(contract_evaluation_list(contract, user=ANONYMOUS)) == [evaluation]
    assert list(organization_evaluation_list(contract.organization)) == [evaluation]

    public = evaluation_results(evaluation, user=ANONYMOUS)
    assert [row.label for row in public.evaluators] == ["专家 1", "专家 2", "专家 3"]
    assert [row.total for row in public.evaluators] == [90, 80, 70]
    assert public.grade_label == "良" and str(public.score) == "80.00"
    assert not public.names_shown
    assert not any(str(assignment.evaluator) in row.label for row in public.evaluators for assignment in assignments)

    named = evaluation_results(evaluation, user=purchaser)
    assert [row.label for row in named.evaluators] == [str(assignment.evaluator) for assignment in assignments]

    settings.EVALUATION_PUBLISH_EVALUATOR_NAMES = True
    assert evaluation_results(evaluation, user=ANONYMOUS).names_shown


def test_official_lists_are_scoped_to_the_region(purchaser, chifeng_purchaser, evaluation, pool):
    assert list(evaluation_list_for(user=purchaser)) == [evaluation]
    assert list(evaluation_list_for(user=chifeng_purchaser)) == []
    assert list(evaluation_list_for(user=pool[0])) == []
    assert list(evaluation_list_for(user=SuperuserFactory())) == [evaluation]
    services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    row = evaluation_list_for(user=purchaser).get()
    assert (row.invited_count, row.accepted_count, row.submitted_count) == (1, 0, 0)
    assert not permissions.can_manage_evaluation(chifeng_purchaser, evaluation)
    assert purchaser.has_perm("evaluations.can_manage_evaluation", evaluation)


def test_pool_keepers_and_evaluators_edit_profiles(pool_keeper, purchaser, member):
    profile = EvaluatorProfileFactory(affiliation="内蒙古大学")
    services.evaluator_profile_update(actor=profile.user, profile=profile, contact_phone="13900000000")
    assert profile.contact_phone == "13900000000"
    with pytest.raises(PermissionDenied):
        services.evaluator_profile_update(actor=profile.user, profile=profile, affiliation="自己改的单位")
    with pytest.raises(PermissionDenied):
        services.evaluator_profile_update(actor=member, profile=profile, contact_phone="1")
    # Any official anywhere used to edit the pool: a purchaser (or a city registrar) clearing an affiliation would
    # lift the conflict that blocks an invitation. Only the registrars of the province keep it.
    city_registrar = RegistrarFactory()
    for official in (purchaser, city_registrar):
        with pytest.raises(PermissionDenied):
            services.evaluator_profile_update(actor=official, profile=profile, affiliation="")
        with pytest.raises(PermissionDenied):
            services.evaluator_profile_set_active(actor=official, profile=profile, is_active=False)
        with pytest.raises(PermissionDenied):
            services.evaluator_profile_create(actor=official, user=EvaluatorFactory())
    profile.refresh_from_db()
    assert profile.affiliation == "内蒙古大学" and profile.is_active
    services.evaluator_profile_update(actor=pool_keeper, profile=profile, affiliation="内蒙古师范大学")
    services.evaluator_profile_set_active(actor=pool_keeper, profile=profile, is_active=False)
    assert not profile.is_active
    [deactivated, changed, *_rest] = selectors.evaluator_pool_changes(profile=profile)
    assert deactivated.actor == pool_keeper and [label for label, _old, _new in deactivated.changes] == ["在库"]
    assert changed.changes == (("工作单位", "内蒙古大学", "内蒙古师范大学"),)


def test_assigned_evaluators_see_the_running_evaluation(purchaser, evaluation, pool):
    assert not permissions.can_view_evaluation(pool[0], evaluation)
    services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    assert permissions.can_view_evaluation(pool[0], evaluation)
    assert not permissions.can_view_evaluation_progress(pool[0], evaluation)


def test_score_refusal_says_why_an_evaluator_cannot_score(purchaser, evaluation, pool):
    assignments = [
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user) for user in pool[:3]
    ]
    mine = assignments[0]

    def refusal_code(user, assignment):
        assignment.refresh_from_db()
        refusal = permissions.score_refusal(user, assignment)
        return None if refusal is None else refusal.code

    assert refusal_code(pool[1], mine) == "not_own_assignment"
    assert refusal_code(pool[0], mine) == "not_accepted"
    services.assignment_accept(actor=pool[0], assignment=mine, confirm_no_conflict=True)
    assert refusal_code(pool[0], mine) == "scoring_not_started"
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    assert refusal_code(pool[0], mine) is None
    assert permissions.can_score_assignment(pool[0], mine)
    submit(mine, "0.8")
    assert refusal_code(pool[0], mine) == "already_submitted"
    services.assignment_decline(actor=pool[1], assignment=assignments[1], reason="")
    refusal = permissions.score_refusal(pool[1], assignments[1])
    assert refusal.code == "assignment_ended" and refusal.messages == ["该评价任务已结束（已谢绝）。"]


def test_actions_follow_the_status_and_the_user(purchaser, chifeng_purchaser, evaluation, pool, member):
    def names(transitions):
        return [transition.action for transition in transitions]

    assert names(permissions.evaluation_actions(purchaser, evaluation)) == ["edit", "invite", "start_scoring", "delete"]
    assert names(permissions.evaluation_actions(chifeng_purchaser, evaluation)) == []
    assert names(permissions.evaluation_actions(member, evaluation)) == []
    assignments = [
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user) for user in pool[:3]
    ]
    invited = assignments[0]
    assert names(permissions.assignment_actions(pool[0], invited)) == ["accept", "decline", "declare_conflict"]
    assert names(permissions.assignment_actions(purchaser, invited)) == ["withdraw"]
    assert names(permissions.assignment_actions(pool[1], invited)) == []
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert names(permissions.evaluation_actions(purchaser, evaluation)) == ["edit", "invite", "finalize"]
    services.assignment_accept(actor=pool[0], assignment=invited, confirm_no_conflict=True)
    invited.refresh_from_db()
    assert names(permissions.assignment_actions(pool[0], invited)) == ["declare_conflict", "score", "submit"]


def test_indicator_set_actions_and_opening_an_evaluation(purchaser, member, contract):
    from evaluations.models import IndicatorSet
    from tests.evaluations.conftest import create_evaluation, make_set
    from tests.factories import ContractFactory

    def names(transitions):
        return [transition.action for transition in transitions]

    draft = make_set(status=IndicatorSet.Status.DRAFT)
    assert names(permissions.indicator_set_actions(purchaser, draft)) == ["edit", "activate", "delete"]
    assert names(permissions.indicator_set_actions(member, draft)) == []
    active = make_set()
    assert names(permissions.indicator_set_actions(purchaser, active)) == ["reopen", "new_version"]
    create_evaluation(purchaser, contract, active)
    active.refresh_from_db()
    assert names(permissions.indicator_set_actions(purchaser, active)) == ["new_version"]

    assert permissions.can_open_evaluation(purchaser, contract)
    assert not permissions.can_open_evaluation(member, contract)
    unsigned = ContractFactory(department=contract.department, organization=contract.organization)
    assert permissions.can_create_evaluation(purchaser, unsigned)
    assert not permissions.can_open_evaluation(purchaser, unsigned)
    assert permissions.contract_evaluation_refusal(unsigned).code == "contract_not_signed"
