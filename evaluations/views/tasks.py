"""The evaluator's pages: their tasks, and the page of one assignment (the invitation, then the evidence and the score
form). Every action of the page posts to its own URL and, when refused, renders the page again with the errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from contracts import selectors as contract_selectors
from contracts.permissions import can_view_contract_evidence
from core.views import add_service_errors, page_of
from evaluations import permissions, selectors, services
from evaluations.access import access_assignment_for_evaluator, require_evaluator
from evaluations.forms import AcceptForm, ConflictForm, DeclineForm, ScoreForm, score_initial
from evaluations.models import EvaluatorProfile
from evaluations.views.common import action_names, task_url


class TaskListView(LoginRequiredMixin, View):
    """我的评价任务: invitations to answer, and the evaluations the evaluator accepted."""

    template_name = "evaluations/task_list.html"

    def get(self, request):
        require_evaluator(request.user)
        page = page_of(request, selectors.evaluations_for_evaluator(request.user))
        context = {
            "invitations": list(selectors.invitations_for_evaluator(request.user)),
            "page_obj": page,
            "assignments": page.object_list,
            "own_profile": EvaluatorProfile.objects.filter(user=request.user).first(),
        }
        return render(request, self.template_name, context)


class TaskMixin(LoginRequiredMixin):
    """The evaluator's page of one assignment: the invitation, then (once accepted) the evidence and the score form.

    Which forms the page shows follows from the transitions the assignment's status allows the evaluator
    (permissions.assignment_actions); why they cannot score now, from permissions.score_refusal.
    """

    template_name = "evaluations/task_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = access_assignment_for_evaluator(request.user, kwargs["pk"])
        self.evaluation = self.assignment.evaluation
        return super().dispatch(request, *args, **kwargs)

    def reload(self) -> None:
        """Re-read the assignment after a refused service call (its row may have been locked and re-read)."""
        self.assignment.refresh_from_db()
        self.assignment.evaluation = self.evaluation

    def tree(self):
        if not hasattr(self, "_tree"):
            self._tree = selectors.indicator_tree(self.evaluation.indicator_set)
        return self._tree

    def evidence(self):
        """The contract with its deliverables, submissions and files — only once the evaluator has accepted."""
        if not permissions.can_view_assignment_evidence(self.request.user, self.assignment):
            return None
        contract = contract_selectors.contract_get_by_number(
            number=self.evaluation.contract.number, user=self.request.user
        )
        if not can_view_contract_evidence(self.request.user, contract):
            return None
        return contract

    def render_task(self, *, status=200, **forms):
        assignment = self.assignment
        user = self.request.user
        actions = action_names(permissions.assignment_actions(user, assignment))
        refusal = permissions.score_refusal(user, assignment)
        context = {
            "assignment": assignment,
            "evaluation": self.evaluation,
            "contract": self.evaluation.contract,
            "evidence": self.evidence(),
            "can_score": refusal is None,
            # The invitation is open: accept, declare a conflict, or decline.
            "answering": "accept" in actions,
            # Accepted: a conflict found later may still be declared.
            "late_conflict": "declare_conflict" in actions and "accept" not in actions,
            "awaiting_scoring": refusal is not None and refusal.code == "scoring_not_started",
            "sheet": None,
        }
        if "accept" in actions:
            context["accept_form"] = forms.get("accept_form") or AcceptForm()
            context["decline_form"] = forms.get("decline_form") or DeclineForm()
        if "declare_conflict" in actions:
            context["conflict_form"] = forms.get("conflict_form") or ConflictForm()
        if permissions.can_view_assignment_evidence(user, assignment):
            sheet = selectors.assignment_score_sheet(assignment=assignment, user=user)
            context["sheet"] = sheet
            if context["can_score"]:
                form = forms.get("score_form") or ScoreForm(tree=self.tree(), initial=score_initial(sheet))
                context["score_form"] = form
                context["running"] = form.running_total()
        return render(self.request, self.template_name, context, status=status)


class TaskDetailView(TaskMixin, View):
    def get(self, request, pk):
        return self.render_task()


class TaskAcceptView(TaskMixin, View):
    def post(self, request, pk):
        form = AcceptForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_accept(
                    actor=request.user,
                    assignment=self.assignment,
                    confirm_no_conflict=form.cleaned_data["confirm_no_conflict"],
                    declaration=form.cleaned_data["declaration"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("您已接受评价任务并声明无利益冲突，现在可以查阅合同履约材料。"))
                return redirect(task_url(self.assignment))
        self.reload()
        return self.render_task(accept_form=form)


class TaskConflictView(TaskMixin, View):
    def post(self, request, pk):
        form = ConflictForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_declare_conflict(
                    actor=request.user, assignment=self.assignment, declaration=form.cleaned_data["declaration"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已记录您的利益冲突声明，您不再参加本次评价。"))
                return redirect("evaluations:task-list")
        self.reload()
        return self.render_task(conflict_form=form)


class TaskDeclineView(TaskMixin, View):
    def post(self, request, pk):
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_decline(actor=request.user, assignment=self.assignment, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已谢绝本次评价邀请。"))
                return redirect("evaluations:task-list")
        self.reload()
        return self.render_task(decline_form=form)


class TaskScoreView(TaskMixin, View):
    """Save the score sheet as a draft, or submit it (then it is locked). Works without JavaScript: the page that
    comes back shows the total of what was saved."""

    def post(self, request, pk):
        refusal = permissions.score_refusal(request.user, self.assignment)
        if refusal is not None:
            for message in refusal.messages:
                messages.error(request, message)
            return redirect(task_url(self.assignment))
        form = ScoreForm(request.POST, tree=self.tree())
        submitting = request.POST.get("action") == "submit"
        if form.is_valid():
            service = services.assignment_submit if submitting else services.score_save_draft
            try:
                service(actor=request.user, assignment=self.assignment, entries=form.entries())
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # The state changed meanwhile (e.g. the evaluation was finalized): nothing to correct here.
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect(task_url(self.assignment))
                add_service_errors(form, error)
            else:
                if submitting:
                    messages.success(request, _("评分已提交，不能再修改。感谢您的评价。"))
                else:
                    messages.success(request, _("已保存评分草稿（仅您本人可见）。"))
                return redirect(task_url(self.assignment))
        self.reload()
        return self.render_task(score_form=form)


@require_POST
def running_total(request, pk):
    """htmx: the weighted total of the scores as typed, computed with evaluations.scoring (an HTML fragment)."""
    if not request.user.is_authenticated:
        raise Http404
    assignment = access_assignment_for_evaluator(request.user, pk)
    if not permissions.can_score_assignment(request.user, assignment):
        raise Http404
    form = ScoreForm(request.POST, tree=selectors.indicator_tree(assignment.evaluation.indicator_set))
    return render(request, "evaluations/includes/running_total.html", {"running": form.running_total()})
