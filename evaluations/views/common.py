"""What the evaluation pages share: the action page base, the buttons a record offers, and the pages' URLs."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from core.views import ServiceFormView
from core.workflow import Transition
from evaluations.models import Assignment, Evaluation, IndicatorSet


def evaluation_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:evaluation-detail", args=[evaluation.pk])


def set_url(indicator_set: IndicatorSet) -> str:
    return reverse("evaluations:indicator-set-detail", args=[indicator_set.pk])


def task_url(assignment: Assignment) -> str:
    return reverse("evaluations:task-detail", args=[assignment.pk])


def pool_url() -> str:
    return reverse("evaluations:evaluator-pool")


def action_names(transitions: Iterable[Transition]) -> set[str]:
    return {transition.action for transition in transitions}


class ActionView(ServiceFormView):
    """An evaluations page that runs one service (see core.views.ServiceFormView)."""

    def subtitle(self, context: dict) -> str:
        if context.get("evaluation"):
            contract = context["contract"]
            return f"{contract.number} · {contract.title} · {context['evaluation'].get_kind_display()}"
        if context.get("indicator_set"):
            return context["indicator_set"].label
        return ""
