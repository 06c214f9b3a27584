"""The pages everyone may reach: the public results (list, export, one evaluation, its report and export) and one
evaluator's score sheet for those allowed to read it. The page of one evaluation is also the officials' dashboard
of it: progress, and the buttons of the actions its status allows."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.permissions import is_evaluator
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.views import bytes_response, pdf_response, render_list_page
from core.workflow import Button, Offer, offered_buttons
from evaluations import exports, permissions, reports, selectors
from evaluations.access import access_assignment_scores, access_evaluation_for_view, access_evaluation_results
from evaluations.filters import EvaluationFilter
from evaluations.models import Assignment, Evaluation
from evaluations.tables import EvaluationTable
from evaluations.views.common import action_names
from evaluations.workflows import EVALUATION
from verification.services import site_url


class EvaluationListView(View):
    """绩效评价结果: every finalized evaluation, for everyone, filtered by year, region, grade and organization."""

    template_name = "evaluations/evaluation_list.html"

    def get(self, request):
        filterset = EvaluationFilter(request.GET or None, queryset=selectors.evaluation_list_public(), request=request)
        return render_list_page(request, self.template_name, filterset, EvaluationTable(filterset.qs))


def evaluation_list_export(request):
    """The filtered public results as an Excel file."""
    filterset = EvaluationFilter(request.GET or None, queryset=selectors.evaluation_list_public(), request=request)
    return bytes_response(exports.evaluation_list_xlsx(filterset.qs.iterator()), "evaluations.xlsx", XLSX_CONTENT_TYPE)


def evaluation_buttons(user, evaluation: Evaluation) -> list[Button]:
    """The buttons of the actions the evaluation's status allows the viewer (permissions.evaluation_actions)."""
    allowed = action_names(permissions.evaluation_actions(user, evaluation))

    def url(name: str):
        return lambda record: reverse(f"evaluations:{name}", args=[record.pk])

    offers = {
        "edit": Offer(url("evaluation-edit"), testid="evaluation-edit", label=gettext_lazy("修改设置")),
        "invite": Offer(url("assignment-invite"), testid="invite"),
        "start_scoring": Offer(url("evaluation-start"), "btn-primary", "start-scoring"),
        "delete": Offer(url("evaluation-delete"), "btn-outline-danger", label=gettext_lazy("删除草稿")),
        "finalize": Offer(url("evaluation-finalize"), "btn-primary", "finalize"),
        "record_payment_decision": Offer(url("payment-decision"), "btn-primary", "payment-decision"),
    }
    return offered_buttons(EVALUATION, evaluation.status, offers, evaluation, allowed.__contains__)


class EvaluationDetailView(View):
    """One evaluation. Finalized: the public results. Before: its settings for the members of the evaluated
    organization and the invited evaluators; progress and actions for the officials running it."""

    template_name = "evaluations/evaluation_detail.html"

    def get(self, request, pk):
        user = request.user
        evaluation = access_evaluation_for_view(user, pk)
        can_manage = permissions.can_manage_evaluation(user, evaluation)
        transitions = permissions.evaluation_actions(user, evaluation)
        context = {
            "evaluation": evaluation,
            "contract": evaluation.contract,
            "can_manage": can_manage,
            "actions": action_names(transitions),
            "action_buttons": evaluation_buttons(user, evaluation),
            "results": None,
            "progress": None,
            "own_assignment": None,
            "warning": None,
        }
        if evaluation.is_finalized:
            results = selectors.evaluation_results(evaluation, user=user)
            for row in results.evaluators:
                row.assignment.evaluation = evaluation
            context["results"] = results
            context["evaluator_rows"] = [
                (row, permissions.can_view_assignment_scores(user, row.assignment)) for row in results.evaluators
            ]
            context["warning"] = results.warning
        if can_manage:
            progress = selectors.evaluation_progress(evaluation)
            for row in progress.rows:
                row.evaluation = evaluation
            context["progress"] = progress
            context["withdrawable"] = {
                row.pk for row in progress.rows if permissions.can_withdraw_assignment(user, row)
            }
        if is_evaluator(user):
            context["own_assignment"] = (
                Assignment.objects.filter(evaluation=evaluation, evaluator=user).order_by("-invited_at", "-pk").first()
            )
        return render(request, self.template_name, context)


def evaluation_report(request, pk):
    """The evaluation report (PDF) of a finalized evaluation."""
    evaluation = access_evaluation_results(request.user, pk)
    return pdf_response(
        reports.evaluation_report_pdf(evaluation, user=request.user, base_url=site_url(request)),
        f"{evaluation.contract.number}-{evaluation.kind}-{evaluation.pk}.pdf",
    )


def evaluation_results_export(request, pk):
    """The results of a finalized evaluation as an Excel file."""
    evaluation = access_evaluation_results(request.user, pk)
    return bytes_response(
        exports.evaluation_results_xlsx(evaluation, user=request.user),
        f"{evaluation.contract.number}-{evaluation.kind}-{evaluation.pk}.xlsx",
        XLSX_CONTENT_TYPE,
    )


class AssignmentScoresView(LoginRequiredMixin, View):
    """One evaluator's scores and comments: their own, the officials' once submitted, and after finalization the
    evaluated organization's members. Anyone else (another evaluator above all) gets 404."""

    template_name = "evaluations/assignment_scores.html"

    def get(self, request, pk, assignment_pk):
        assignment = access_assignment_scores(request.user, pk, assignment_pk)
        evaluation = assignment.evaluation
        context = {
            "evaluation": evaluation,
            "contract": evaluation.contract,
            "assignment": assignment,
            "sheet": selectors.assignment_score_sheet(assignment=assignment, user=request.user),
            "label": self.label(request.user, evaluation, assignment),
            "can_manage": permissions.can_manage_evaluation(request.user, evaluation),
        }
        return render(request, self.template_name, context)

    @staticmethod
    def label(user, evaluation: Evaluation, assignment: Assignment) -> str:
        if assignment.evaluator_id == user.pk or permissions.can_view_evaluator_names(user, evaluation):
            return str(assignment.evaluator)
        results = selectors.evaluation_results(evaluation, user=user)
        for row in results.evaluators:
            if row.assignment.pk == assignment.pk:
                return row.label
        return _("评价专家")
