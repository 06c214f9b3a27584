"""What the evaluation pages share: the action page base, the buttons a record offers, and the pages' URLs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.shortcuts import render
from django.urls import reverse

from core.views import ServiceFormView, paginate_table, per_page_choices
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


@dataclass(frozen=True)
class Button:
    """A link to the page of one action (rendered by evaluations/includes/action_buttons.html)."""

    label: Any
    url: str
    css: str = "btn-outline-primary"
    testid: str = ""


def buttons(transitions: Iterable[Transition], table: Mapping[str, Sequence[Button]]) -> list[Button]:
    """The buttons of the transitions a record offers (permissions.*_actions), in the workflow's order; `table`
    gives each action's button(s), and an action without one has none."""
    return [button for transition in transitions for button in table.get(transition.action, ())]


def action_names(transitions: Iterable[Transition]) -> set[str]:
    return {transition.action for transition in transitions}


def render_table_page(request, template_name: str, filterset, table):
    """A filtered, sorted and paginated list page (includes/list_filters.html and a django-tables2 table)."""
    per_page = paginate_table(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "per_page": per_page,
        "per_page_choices": per_page_choices(per_page),
    }
    return render(request, template_name, context)


class ActionView(ServiceFormView):
    """An evaluations page that runs one service (see core.views.ServiceFormView)."""

    def subtitle(self, context: dict) -> str:
        if context.get("evaluation"):
            contract = context["contract"]
            return f"{contract.number} · {contract.title} · {context['evaluation'].get_kind_display()}"
        if context.get("indicator_set"):
            return context["indicator_set"].label
        return ""
