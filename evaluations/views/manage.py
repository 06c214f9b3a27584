"""The officials' evaluation pages: the working list of their region, a new evaluation, and one form per action on an
evaluation (settings, invitations, start, finalize, withdraw an evaluator, the payment decision after a 差)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import formatting
from core.views import ConfirmForm, render_list_page
from evaluations import permissions, selectors, services
from evaluations.access import (
    access_assignment_for_manage,
    access_contract_for_evaluation,
    access_evaluation_for_manage,
    require_purchaser,
)
from evaluations.filters import EvaluationManageFilter
from evaluations.forms import EvaluationForm, InviteForm, PaymentDecisionForm, WithdrawAssignmentForm
from evaluations.models import Evaluation, default_min_evaluators
from evaluations.tables import EvaluationManageTable
from evaluations.views.common import ActionView, evaluation_url


class EvaluationManageView(LoginRequiredMixin, View):
    """绩效评价管理: the evaluations of contracts in the purchaser's region, every status."""

    template_name = "evaluations/evaluation_manage.html"

    def get(self, request):
        require_purchaser(request.user)
        filterset = EvaluationManageFilter(
            request.GET or None, queryset=selectors.evaluation_list_for(user=request.user), request=request
        )
        return render_list_page(request, self.template_name, filterset, EvaluationManageTable(filterset.qs))


class EvaluationCreateView(ActionView):
    """Open an evaluation of a contract (reached from the contract page with ?contract=<number>, or the list)."""

    form_class = EvaluationForm
    title = gettext_lazy("新建绩效评价")
    submit_label = gettext_lazy("创建评价草稿")
    template_name = "evaluations/evaluation_form.html"

    def load(self, **kwargs):
        require_purchaser(self.request.user)
        self.contract = None
        number = self.request.GET.get("contract", "").strip()
        if number:
            self.contract = access_contract_for_evaluation(self.request.user, number)

    def get_initial(self):
        initial = {"min_evaluators": default_min_evaluators()}
        if self.contract is not None:
            initial.update(
                {
                    "contract": self.contract.number,
                    "period_start_on": self.contract.start_on,
                    "period_end_on": self.contract.end_on,
                }
            )
        sets = list(selectors.usable_indicator_sets()[:2])
        if len(sets) == 1:
            initial["indicator_set"] = sets[0].pk
        return initial

    def cancel_url(self):
        if self.contract is not None:
            return reverse("contracts:contract-detail", args=[self.contract.number])
        return reverse("evaluations:evaluation-manage")

    def breadcrumbs(self):
        return [(_("绩效评价管理"), reverse("evaluations:evaluation-manage"))]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contract": self.contract}

    def form_valid(self, form):
        try:
            self.contract = access_contract_for_evaluation(self.request.user, form.cleaned_data["contract"])
        except Http404:
            form.add_error(
                "contract",
                _("没有编号为 %(number)s 的合同，或该合同不属于您所辖区域的购买主体。")
                % {"number": form.cleaned_data["contract"]},
            )
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, data):
        data = {name: value for name, value in data.items() if name != "contract"}
        evaluation = services.evaluation_create(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已创建评价草稿，请邀请评价专家。")
        return evaluation_url(evaluation)


class EvaluationActionView(ActionView):
    """An official's form on one evaluation of their region. A finalized evaluation changes no more: its forms send
    the official back to it (unless the page says `allow_finalized`)."""

    allow_finalized = False

    def get_evaluation(self, **kwargs) -> Evaluation:
        return access_evaluation_for_manage(self.request.user, kwargs["pk"])

    def load(self, **kwargs):
        self.evaluation = self.get_evaluation(**kwargs)
        refusal = permissions.evaluation_change_refusal(self.evaluation)
        if refusal is not None and not self.allow_finalized:
            for message in refusal.messages:
                messages.error(self.request, message)
            return redirect(evaluation_url(self.evaluation))
        return None

    def cancel_url(self):
        return evaluation_url(self.evaluation)

    def breadcrumbs(self):
        return [
            (_("绩效评价管理"), reverse("evaluations:evaluation-manage")),
            (str(self.evaluation), evaluation_url(self.evaluation)),
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "evaluation": self.evaluation,
            "contract": self.evaluation.contract,
        }


class EvaluationEditView(EvaluationActionView):
    form_class = EvaluationForm
    title = gettext_lazy("修改评价设置")
    template_name = "evaluations/evaluation_form.html"

    @property
    def scoring_only(self) -> bool:
        """Once scoring started only the due date and the description change (services.evaluation_update)."""
        return not self.evaluation.is_draft

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "with_contract": False, "scoring_only": self.scoring_only}

    def get_initial(self):
        evaluation = self.evaluation
        return {name: getattr(evaluation, name) for name in services.EVALUATION_FIELDS}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "scoring_only": self.scoring_only}

    def perform(self, data):
        if "year" in data and data["year"] is None:
            data = {**data, "year": data["period_end_on"].year if data.get("period_end_on") else None}
        services.evaluation_update(actor=self.request.user, evaluation=self.evaluation, **data)
        self.success_message = _("已保存评价设置。")
        return evaluation_url(self.evaluation)


class EvaluationDeleteView(EvaluationActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除评价草稿")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "evaluations/includes/confirm_delete_evaluation.html"

    def perform(self, data):
        services.evaluation_delete(actor=self.request.user, evaluation=self.evaluation)
        self.success_message = _("已删除评价草稿。")
        return reverse("evaluations:evaluation-manage")


class AssignmentInviteView(EvaluationActionView):
    """Invite evaluators from the pool; all chosen are invited or none."""

    form_class = InviteForm
    title = gettext_lazy("邀请评价专家")
    submit_label = gettext_lazy("发出邀请")
    template_name = "evaluations/invite_form.html"
    error_aliases = {"evaluator": "evaluators"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "evaluation": self.evaluation}

    def perform(self, data):
        with transaction.atomic():
            invited = [
                services.assignment_invite(actor=self.request.user, evaluation=self.evaluation, evaluator=profile.user)
                for profile in data["evaluators"]
            ]
        self.success_message = _("已邀请 %(count)d 位专家：%(names)s。") % {
            "count": len(invited),
            "names": "、".join(str(assignment.evaluator) for assignment in invited),
        }
        return evaluation_url(self.evaluation)


class EvaluationStartView(EvaluationActionView):
    form_class = ConfirmForm
    title = gettext_lazy("开始评分")
    submit_label = gettext_lazy("开始评分")
    intro_template = "evaluations/includes/start_intro.html"

    def perform(self, data):
        services.evaluation_start_scoring(actor=self.request.user, evaluation=self.evaluation)
        self.success_message = _("评分已开始；已接受任务的专家现在可以评分。")
        return evaluation_url(self.evaluation)


class EvaluationFinalizeView(EvaluationActionView):
    """Finalize: the page lists what still stands in the way; the service decides."""

    form_class = ConfirmForm
    title = gettext_lazy("评价定稿")
    submit_label = gettext_lazy("定稿并公开结果")
    intro_template = "evaluations/includes/finalize_intro.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "progress": selectors.evaluation_progress(self.evaluation)}

    def perform(self, data):
        evaluation = services.evaluation_finalize(actor=self.request.user, evaluation=self.evaluation)
        self.success_message = _("评价已定稿：综合得分 %(score)s，等级%(grade)s。结果已向公众公开。") % {
            "score": formatting.points(evaluation.score),
            "grade": evaluation.get_grade_display(),
        }
        return evaluation_url(evaluation)


class AssignmentWithdrawView(EvaluationActionView):
    form_class = WithdrawAssignmentForm
    title = gettext_lazy("撤回专家指派")
    submit_label = gettext_lazy("撤回")
    submit_class = "btn-danger"
    intro_template = "evaluations/includes/withdraw_intro.html"

    def get_evaluation(self, **kwargs) -> Evaluation:
        self.assignment = access_assignment_for_manage(self.request.user, kwargs["pk"], kwargs["assignment_pk"])
        return self.assignment.evaluation

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "assignment": self.assignment}

    def perform(self, data):
        services.assignment_withdraw(actor=self.request.user, assignment=self.assignment, reason=data["reason"])
        self.success_message = _("已撤回对专家“%(name)s”的指派。") % {"name": self.assignment.evaluator}
        return evaluation_url(self.evaluation)


class PaymentDecisionView(EvaluationActionView):
    """After a 差: the purchaser's decision on the payments it holds."""

    form_class = PaymentDecisionForm
    title = gettext_lazy("记录付款处理决定")
    submit_label = gettext_lazy("记录决定")
    intro_template = "evaluations/includes/payment_decision_intro.html"
    allow_finalized = True

    def load(self, **kwargs):
        super().load(**kwargs)
        if not permissions.has_open_warning(self.request.user, self.evaluation):
            messages.info(self.request, _("该评价没有待处理的绩效预警。"))
            return redirect(evaluation_url(self.evaluation))
        self.warning = self.evaluation.performance_warning
        return None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "warning": self.warning}

    def perform(self, data):
        services.evaluation_record_payment_decision(actor=self.request.user, evaluation=self.evaluation, **data)
        self.success_message = _("已记录付款处理决定；该合同的付款不再因本次评价暂缓。")
        return evaluation_url(self.evaluation)
