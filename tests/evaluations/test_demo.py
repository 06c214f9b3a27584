"""The evaluations demo: standard set, evaluator pool and three evaluations on the contracts demo; idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from contracts import demo as contracts_demo
from evaluations import demo
from evaluations.models import Assignment, Evaluation, EvaluatorProfile, IndicatorSet, PerformanceWarning
from evaluations.selectors import indicator_set_problems, indicator_tree
from registry import demo as registry_demo
from registry.demo import DEMO_PASSWORD, EVALUATION_ORGANIZATION
from registry.models import Department

pytestmark = pytest.mark.django_db


def counts():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_app_config("evaluations").get_models()}


@pytest.fixture
def demo_base():
    call_command("seed_demo", verbosity=0)
    contracts_demo.seed({department.code: department for department in Department.objects.all()})


def test_seed_builds_set_pool_and_evaluations_and_is_idempotent(demo_base):
    result = demo.seed()
    first = counts()

    standard = result["indicator_set"]
    assert standard.name == demo.STANDARD_SET_NAME and standard.status in ("active", "frozen")
    assert indicator_set_problems(standard) == []
    tree = indicator_tree(standard)
    assert [indicator.name for indicator in tree if indicator.level == 1] == ["决策", "过程", "产出", "效益"]
    benefit = next(indicator for indicator in tree if indicator.name == "效益")
    assert any(child.name == "满意度" for child in benefit.child_list)
    assert "按项目设定" in standard.description

    User = get_user_model()
    for username in ("eval_wang", "eval_li", "eval_zhao", "eval_sun", "eval_zhou", "evaluator"):
        user = User.objects.get(username=username)
        assert user.is_evaluator and user.check_password(DEMO_PASSWORD)
        assert EvaluatorProfile.objects.get(user=user).is_active
    assert EvaluatorProfile.objects.filter(affiliation_organization__name=EVALUATION_ORGANIZATION).count() == 2

    evaluations = {evaluation.description: evaluation for evaluation in Evaluation.objects.all()}
    good = evaluations[demo.GOOD.description]
    poor = evaluations[demo.POOR.description]
    running = evaluations[demo.SCORING.description]
    assert good.status == "finalized" and good.grade == "good" and good.kind == "final" and good.trimmed
    assert poor.status == "finalized" and poor.grade == "poor"
    warning = PerformanceWarning.objects.get(evaluation=poor)
    assert warning.organization == poor.contract.organization and not warning.is_open
    assert running.status == "scoring"
    statuses = sorted(running.assignments.values_list("status", flat=True))
    assert statuses == ["invited", "submitted", "submitted"]
    assert Assignment.objects.get(evaluation=running, status="invited").evaluator.username == "evaluator"
    assert len({good.contract_id, poor.contract_id, running.contract_id}) == 3

    demo.seed()
    assert counts() == first
    assert IndicatorSet.objects.filter(name=demo.STANDARD_SET_NAME).count() == 1


def test_seed_without_contracts_creates_set_and_pool_only():
    departments = registry_demo.seed_departments()
    registry_demo.seed_users(departments)
    registry_demo.seed_organizations(departments)
    result = demo.seed()
    assert result["evaluations"] == []
    assert EvaluatorProfile.objects.count() == 6
