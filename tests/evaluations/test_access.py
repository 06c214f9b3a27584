"""evaluations.access: one call fetches a record and checks the user's right to it; a missing record and one outside
the user's reach get the same 404, a user without the role gets 403."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from evaluations import access, services
from evaluations.models import IndicatorSet
from tests.evaluations.conftest import make_set
from tests.factories import EvaluatorProfileFactory, RegistrarFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def test_evaluation_for_view_and_for_manage(purchaser, chifeng_purchaser, evaluation, member, pool):
    assert access.access_evaluation_for_view(purchaser, evaluation.pk) == evaluation
    assert access.access_evaluation_for_view(member, evaluation.pk) == evaluation
    for outsider in (AnonymousUser(), chifeng_purchaser, pool[0]):
        with pytest.raises(Http404):
            access.access_evaluation_for_view(outsider, evaluation.pk)
    with pytest.raises(Http404):
        access.access_evaluation_for_view(purchaser, 99999)
    with pytest.raises(Http404):
        access.access_evaluation_results(purchaser, evaluation.pk)  # not finalized

    assert access.access_evaluation_for_manage(purchaser, evaluation.pk) == evaluation
    assert access.access_evaluation_for_manage(SuperuserFactory(), evaluation.pk) == evaluation
    for without_role in (AnonymousUser(), member, pool[0], RegistrarFactory()):
        with pytest.raises(PermissionDenied):
            access.access_evaluation_for_manage(without_role, evaluation.pk)
    for unknown in (evaluation.pk, 99999):
        with pytest.raises(Http404):
            access.access_evaluation_for_manage(chifeng_purchaser, unknown)


def test_assignments(purchaser, chifeng_purchaser, evaluation, pool, member):
    assignment = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    assert access.access_assignment_for_evaluator(pool[0], assignment.pk) == assignment
    with pytest.raises(Http404):
        access.access_assignment_for_evaluator(pool[1], assignment.pk)
    with pytest.raises(PermissionDenied):
        access.access_assignment_for_evaluator(purchaser, assignment.pk)

    managed = access.access_assignment_for_manage(purchaser, evaluation.pk, assignment.pk)
    assert managed == assignment and managed.evaluation == evaluation
    with pytest.raises(Http404):
        access.access_assignment_for_manage(chifeng_purchaser, evaluation.pk, assignment.pk)
    with pytest.raises(Http404):
        access.access_assignment_scores(member, evaluation.pk, assignment.pk)
    assert access.access_assignment_scores(pool[0], evaluation.pk, assignment.pk) == assignment


def test_indicator_sets_and_profiles(purchaser, pool_keeper, member, pool):
    draft = make_set(status=IndicatorSet.Status.DRAFT)
    active = make_set()
    assert access.access_indicator_set_for_view(member, active.pk) == active
    with pytest.raises(Http404):
        access.access_indicator_set_for_view(member, draft.pk)
    assert access.access_indicator_set_for_manage(purchaser, draft.pk) == draft
    with pytest.raises(PermissionDenied):
        access.access_indicator_set_for_manage(member, active.pk)
    leaf = draft.indicators.first()
    assert access.access_indicator_for_manage(purchaser, draft.pk, leaf.pk) == leaf
    with pytest.raises(Http404):
        access.access_indicator_for_manage(purchaser, active.pk, leaf.pk)

    own = pool[0].evaluator_profile
    other = EvaluatorProfileFactory()
    assert access.access_evaluator_profile_for_edit(pool[0], own.pk) == own
    assert access.access_evaluator_profile_for_edit(pool_keeper, other.pk) == other
    with pytest.raises(PermissionDenied):
        access.access_evaluator_profile_for_edit(purchaser, other.pk)
    with pytest.raises(Http404):
        access.access_evaluator_profile_for_edit(pool[0], other.pk)
    with pytest.raises(PermissionDenied):
        access.access_evaluator_profile_for_edit(member, own.pk)


def test_contract_for_evaluation(purchaser, chifeng_purchaser, contract):
    assert access.access_contract_for_evaluation(purchaser, f" {contract.number} ") == contract
    with pytest.raises(Http404):
        access.access_contract_for_evaluation(chifeng_purchaser, contract.number)
    with pytest.raises(Http404):
        access.access_contract_for_evaluation(purchaser, "NOPE-1")
