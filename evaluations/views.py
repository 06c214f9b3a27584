"""Pages of performance evaluations: the public results, the officials' work (indicator sets, evaluations, evaluators,
finalization), and the evaluators' tasks (accept with a declaration, read the evidence, score, submit).

Views parse the request, call one selector or service and render; who may do what is decided in
evaluations/permissions.py and every rule in evaluations/services.py, whose ValidationErrors appear on the forms.

Answers for users who may not act: anonymous users are sent to the login page; a signed-in user without the role the
page needs (official, purchaser, evaluator) gets 403; an object outside the user's reach — missing, another region's
evaluation, another evaluator's task, an evaluation not yet public — gets 404, the same answer as for one that does
not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from accounts.permissions import is_evaluator, is_purchaser, is_superuser
from contracts import selectors as contract_selectors
from contracts.models import Contract
from contracts.permissions import can_view_contract_evidence
from core import formatting
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.views import (
    ConfirmForm,
    ServiceFormView,
    add_service_errors,
    bytes_response,
    page_of,
    paginate_table,
    per_page_choices,
)
from evaluations import exports, imports, permissions, reports, selectors, services
from evaluations.filters import EvaluationFilter, EvaluationManageFilter
from evaluations.forms import (
    AcceptForm,
    ConflictForm,
    DeclineForm,
    EvaluationForm,
    EvaluatorProfileForm,
    IndicatorForm,
    IndicatorImportForm,
    IndicatorSetForm,
    InviteForm,
    PaymentDecisionForm,
    ScoreForm,
    WithdrawAssignmentForm,
    indicator_fields,
    profile_fields,
    score_initial,
)
from evaluations.models import (
    Assignment,
    Evaluation,
    EvaluatorProfile,
    Indicator,
    IndicatorSet,
    PerformanceWarning,
    default_min_evaluators,
)
from evaluations.tables import EvaluationManageTable, EvaluationTable

# ---- lookups shared by the pages -------------------------------------------------------------------------------


def require_purchaser(user) -> None:
    """The officials' evaluation pages are for purchasers (and superusers)."""
    if not (is_superuser(user) or is_purchaser(user)):
        raise PermissionDenied


def require_set_manager(user) -> None:
    if not permissions.can_manage_indicator_sets(user):
        raise PermissionDenied


def require_evaluator(user) -> None:
    if not is_evaluator(user):
        raise PermissionDenied


def evaluation_or_404(pk: int, user) -> Evaluation:
    try:
        return selectors.evaluation_get(pk=pk, user=user)
    except Evaluation.DoesNotExist:
        raise Http404(_("没有这项绩效评价。")) from None


def evaluation_for_manage(user, pk: int) -> Evaluation:
    """The evaluation an official page acts on: 403 without the role, 404 when missing or outside the region."""
    require_purchaser(user)
    evaluation = evaluation_or_404(pk, user)
    if not permissions.can_manage_evaluation(user, evaluation):
        raise Http404
    return evaluation


def indicator_set_for_manage(user, pk: int) -> IndicatorSet:
    require_set_manager(user)
    try:
        return selectors.indicator_set_get(pk=pk, user=user)
    except IndicatorSet.DoesNotExist:
        raise Http404(_("没有这套指标体系。")) from None


def assignment_for_evaluator(user, pk: int) -> Assignment:
    """The evaluator's own assignment: 403 for users who are not evaluators, 404 for anyone else's."""
    require_evaluator(user)
    assignment = (
        Assignment.objects.select_related(
            "evaluation__contract__department__region",
            "evaluation__contract__organization",
            "evaluation__indicator_set",
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not permissions.can_respond_to_assignment(user, assignment):
        raise Http404(_("没有这项评价任务。"))
    return assignment


def evaluation_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:evaluation-detail", args=[evaluation.pk])


def set_url(indicator_set: IndicatorSet) -> str:
    return reverse("evaluations:indicator-set-detail", args=[indicator_set.pk])


def task_url(assignment: Assignment) -> str:
    return reverse("evaluations:task-detail", args=[assignment.pk])


# ---- a form page that calls one service ------------------------------------------------------------------------


class ActionView(ServiceFormView):
    """An evaluations page that runs one service (see core.views.ServiceFormView)."""

    def subtitle(self, context: dict) -> str:
        if context.get("evaluation"):
            contract = context["contract"]
            return f"{contract.number} · {contract.title} · {context['evaluation'].get_kind_display()}"
        if context.get("indicator_set"):
            return context["indicator_set"].label
        return ""


# ---- public results --------------------------------------------------------------------------------------------


class EvaluationListView(View):
    """绩效评价结果: every finalized evaluation, for everyone, filtered by year, region, grade and organization."""

    template_name = "evaluations/evaluation_list.html"

    def get(self, request):
        filterset = EvaluationFilter(request.GET or None, queryset=selectors.evaluation_list_public(), request=request)
        table = EvaluationTable(filterset.qs)
        per_page = paginate_table(request, table)
        context = {
            "filter": filterset,
            "table": table,
            "per_page": per_page,
            "per_page_choices": per_page_choices(per_page),
        }
        return render(request, self.template_name, context)


def evaluation_list_export(request):
    """The filtered public results as an Excel file."""
    filterset = EvaluationFilter(request.GET or None, queryset=selectors.evaluation_list_public(), request=request)
    return bytes_response(exports.evaluation_list_xlsx(filterset.qs.iterator()), "evaluations.xlsx", XLSX_CONTENT_TYPE)


class EvaluationDetailView(View):
    """One evaluation. Finalized: the public results. Before: its settings for the members of the evaluated
    organization and the invited evaluators; progress and actions for the officials running it."""

    template_name = "evaluations/evaluation_detail.html"

    def get(self, request, pk):
        user = request.user
        evaluation = evaluation_or_404(pk, user)
        can_manage = permissions.can_manage_evaluation(user, evaluation)
        context = {
            "evaluation": evaluation,
            "contract": evaluation.contract,
            "can_manage": can_manage,
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
            context["can_decide_payment"] = (
                results.warning is not None
                and results.warning.is_open
                and permissions.can_record_payment_decision(user, evaluation)
            )
        if can_manage:
            context["progress"] = selectors.evaluation_progress(evaluation)
            for row in context["progress"].rows:
                row.evaluation = evaluation
        if is_evaluator(user):
            context["own_assignment"] = (
                Assignment.objects.filter(evaluation=evaluation, evaluator=user).order_by("-invited_at", "-pk").first()
            )
        return render(request, self.template_name, context)


def finalized_or_404(pk: int, user) -> Evaluation:
    evaluation = evaluation_or_404(pk, user)
    if not evaluation.is_finalized:
        raise Http404(_("评价尚未定稿，没有评价结果。"))
    return evaluation


def evaluation_report(request, pk):
    """The evaluation report (PDF) of a finalized evaluation."""
    evaluation = finalized_or_404(pk, request.user)
    return bytes_response(
        reports.evaluation_report_pdf(evaluation, user=request.user),
        f"{evaluation.contract.number}-{evaluation.kind}-{evaluation.pk}.pdf",
        "application/pdf",
        attachment=False,
    )


def evaluation_results_export(request, pk):
    """The results of a finalized evaluation as an Excel file."""
    evaluation = finalized_or_404(pk, request.user)
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
        evaluation = evaluation_or_404(pk, request.user)
        assignment = (
            Assignment.objects.select_related("evaluator").filter(pk=assignment_pk, evaluation=evaluation).first()
        )
        if assignment is None:
            raise Http404
        assignment.evaluation = evaluation
        try:
            sheet = selectors.assignment_score_sheet(assignment=assignment, user=request.user)
        except PermissionDenied:
            raise Http404 from None
        context = {
            "evaluation": evaluation,
            "contract": evaluation.contract,
            "assignment": assignment,
            "sheet": sheet,
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


# ---- officials: evaluations ------------------------------------------------------------------------------------


class EvaluationManageView(LoginRequiredMixin, View):
    """绩效评价管理: the evaluations of contracts in the purchaser's region, every status."""

    template_name = "evaluations/evaluation_manage.html"

    def get(self, request):
        require_purchaser(request.user)
        filterset = EvaluationManageFilter(
            request.GET or None, queryset=selectors.evaluation_list_for(user=request.user), request=request
        )
        table = EvaluationManageTable(filterset.qs)
        per_page = paginate_table(request, table)
        context = {
            "filter": filterset,
            "table": table,
            "per_page": per_page,
            "per_page_choices": per_page_choices(per_page),
        }
        return render(request, self.template_name, context)


def contract_for_evaluation(user, number: str) -> Contract | None:
    """The contract (by number) the user may open an evaluation on, or None."""
    try:
        contract = contract_selectors.contract_get_by_number(number=number.strip(), user=user)
    except Contract.DoesNotExist:
        return None
    return contract if permissions.can_create_evaluation(user, contract) else None


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
            self.contract = contract_for_evaluation(self.request.user, number)
            if self.contract is None:
                raise Http404(_("没有编号为 %(number)s 的合同。") % {"number": number})

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
        contract = contract_for_evaluation(self.request.user, form.cleaned_data["contract"])
        if contract is None:
            form.add_error(
                "contract",
                _("没有编号为 %(number)s 的合同，或该合同不属于您所辖区域的购买主体。")
                % {"number": form.cleaned_data["contract"]},
            )
            return self.form_invalid(form)
        self.contract = contract
        return super().form_valid(form)

    def perform(self, data):
        data = {name: value for name, value in data.items() if name != "contract"}
        evaluation = services.evaluation_create(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已创建评价草稿，请邀请评价专家。")
        return evaluation_url(evaluation)


class EvaluationActionView(ActionView):
    """An official's form on one evaluation of their region."""

    allow_finalized = False

    def load(self, **kwargs):
        self.evaluation = evaluation_for_manage(self.request.user, kwargs["pk"])
        if self.evaluation.is_finalized and not self.allow_finalized:
            messages.error(self.request, _("评价已定稿，结果已公开，不能再作任何修改。"))
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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "with_contract": False, "scoring_only": not self.evaluation.is_draft}

    def get_initial(self):
        evaluation = self.evaluation
        return {name: getattr(evaluation, name) for name in services.EVALUATION_FIELDS}

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

    def load(self, **kwargs):
        response = super().load(**kwargs)
        if response is not None:
            return response
        self.assignment = (
            Assignment.objects.select_related("evaluator")
            .filter(pk=kwargs["assignment_pk"], evaluation=self.evaluation)
            .first()
        )
        if self.assignment is None:
            raise Http404
        self.assignment.evaluation = self.evaluation
        return None

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
        self.warning = PerformanceWarning.objects.filter(evaluation=self.evaluation).first()
        if self.warning is None or not self.warning.is_open:
            messages.info(self.request, _("该评价没有待处理的绩效预警。"))
            return redirect(evaluation_url(self.evaluation))
        return None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "warning": self.warning}

    def perform(self, data):
        services.evaluation_record_payment_decision(actor=self.request.user, evaluation=self.evaluation, **data)
        self.success_message = _("已记录付款处理决定；该合同的付款不再因本次评价暂缓。")
        return evaluation_url(self.evaluation)


# ---- officials: indicator sets ---------------------------------------------------------------------------------


class IndicatorSetListView(LoginRequiredMixin, View):
    template_name = "evaluations/indicator_set_list.html"

    def get(self, request):
        require_set_manager(request.user)
        page = page_of(request, selectors.indicator_set_list(user=request.user))
        return render(request, self.template_name, {"page_obj": page, "indicator_sets": page.object_list})


class IndicatorSetDetailView(LoginRequiredMixin, View):
    template_name = "evaluations/indicator_set_detail.html"

    def get(self, request, pk):
        indicator_set = indicator_set_for_manage(request.user, pk)
        tree = selectors.indicator_tree(indicator_set)
        context = {
            "indicator_set": indicator_set,
            "tree": tree,
            "problems": selectors.tree_problems(tree),
            "versions": IndicatorSet.objects.filter(name=indicator_set.name).order_by("-version"),
            "max_level": Indicator.MAX_LEVEL,
        }
        return render(request, self.template_name, context)


class IndicatorSetCreateView(ActionView):
    form_class = IndicatorSetForm
    title = gettext_lazy("新建指标体系")
    submit_label = gettext_lazy("创建草稿")

    def load(self, **kwargs):
        require_set_manager(self.request.user)

    def cancel_url(self):
        return reverse("evaluations:indicator-set-list")

    def breadcrumbs(self):
        return [(_("评价指标体系"), reverse("evaluations:indicator-set-list"))]

    def perform(self, data):
        indicator_set = services.indicator_set_create(actor=self.request.user, **data)
        self.success_message = _("已创建指标体系草稿“%(set)s”，请添加指标。") % {"set": indicator_set.label}
        return set_url(indicator_set)


class IndicatorSetActionView(ActionView):
    """An official's form on one indicator set."""

    def load(self, **kwargs):
        self.indicator_set = indicator_set_for_manage(self.request.user, kwargs["pk"])

    def cancel_url(self):
        return set_url(self.indicator_set)

    def breadcrumbs(self):
        return [
            (_("评价指标体系"), reverse("evaluations:indicator-set-list")),
            (self.indicator_set.label, set_url(self.indicator_set)),
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "indicator_set": self.indicator_set}


class IndicatorSetEditView(IndicatorSetActionView):
    form_class = IndicatorSetForm
    title = gettext_lazy("修改指标体系信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "name_editable": self.indicator_set.version == 1}

    def get_initial(self):
        return {"name": self.indicator_set.name, "description": self.indicator_set.description}

    def perform(self, data):
        services.indicator_set_update(actor=self.request.user, indicator_set=self.indicator_set, **data)
        self.success_message = _("已保存指标体系信息。")
        return set_url(self.indicator_set)


class IndicatorSetDeleteView(IndicatorSetActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除指标体系草稿")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"

    def perform(self, data):
        label = self.indicator_set.label
        services.indicator_set_delete(actor=self.request.user, indicator_set=self.indicator_set)
        self.success_message = _("已删除指标体系草稿“%(set)s”。") % {"set": label}
        return reverse("evaluations:indicator-set-list")


class IndicatorSetActivateView(IndicatorSetActionView):
    form_class = ConfirmForm
    title = gettext_lazy("启用指标体系")
    submit_label = gettext_lazy("启用")
    intro_template = "evaluations/includes/activate_intro.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "problems": selectors.indicator_set_problems(self.indicator_set),
        }

    def perform(self, data):
        services.indicator_set_activate(actor=self.request.user, indicator_set=self.indicator_set)
        self.success_message = _("指标体系已启用，可用于绩效评价。")
        return set_url(self.indicator_set)


class IndicatorSetReopenView(IndicatorSetActionView):
    form_class = ConfirmForm
    title = gettext_lazy("退回草稿")
    submit_label = gettext_lazy("退回草稿")

    def perform(self, data):
        services.indicator_set_reopen(actor=self.request.user, indicator_set=self.indicator_set)
        self.success_message = _("指标体系已退回草稿，可以修改。")
        return set_url(self.indicator_set)


class IndicatorSetNewVersionView(IndicatorSetActionView):
    form_class = ConfirmForm
    title = gettext_lazy("创建新版本")
    submit_label = gettext_lazy("创建新版本草稿")
    intro_template = "evaluations/includes/new_version_intro.html"

    def perform(self, data):
        draft = services.indicator_set_new_version(actor=self.request.user, indicator_set=self.indicator_set)
        self.success_message = _("已创建“%(set)s”，请修改后启用。") % {"set": draft.label}
        return set_url(draft)


def indicator_set_export(request, pk):
    """The set in the import format (xlsx)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    indicator_set = indicator_set_for_manage(request.user, pk)
    return bytes_response(
        imports.indicator_set_export(indicator_set),
        f"{indicator_set.name}-v{indicator_set.version}.xlsx",
        XLSX_CONTENT_TYPE,
    )


class IndicatorCreateView(IndicatorSetActionView):
    """Add an indicator to a draft set: first level, or below ?parent=<id>."""

    form_class = IndicatorForm
    title = gettext_lazy("添加指标")
    intro_template = "evaluations/includes/indicator_parent.html"

    def load(self, **kwargs):
        super().load(**kwargs)
        self.parent = None
        parent_id = self.request.GET.get("parent") or self.request.POST.get("parent")
        if parent_id:
            self.parent = Indicator.objects.filter(pk=parent_id, indicator_set=self.indicator_set).first()
            if self.parent is None:
                raise Http404

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "parent": self.parent}

    def perform(self, data):
        indicator = services.indicator_add(
            actor=self.request.user,
            indicator_set=self.indicator_set,
            parent=self.parent,
            **indicator_fields(data, creating=True),
        )
        self.success_message = _("已添加指标“%(indicator)s”。") % {"indicator": indicator}
        return set_url(self.indicator_set)


class IndicatorActionView(IndicatorSetActionView):
    def load(self, **kwargs):
        super().load(**kwargs)
        self.indicator = Indicator.objects.filter(pk=kwargs["indicator_pk"], indicator_set=self.indicator_set).first()
        if self.indicator is None:
            raise Http404
        self.indicator.indicator_set = self.indicator_set

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "indicator": self.indicator}


class IndicatorEditView(IndicatorActionView):
    form_class = IndicatorForm
    title = gettext_lazy("修改指标")

    def get_initial(self):
        return {name: getattr(self.indicator, name) for name in services.INDICATOR_FIELDS}

    def perform(self, data):
        services.indicator_update(
            actor=self.request.user, indicator=self.indicator, **indicator_fields(data, creating=False)
        )
        self.success_message = _("已保存指标“%(indicator)s”。") % {"indicator": self.indicator}
        return set_url(self.indicator_set)


class IndicatorRemoveView(IndicatorActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除指标")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "evaluations/includes/confirm_remove_indicator.html"

    def perform(self, data):
        label = str(self.indicator)
        services.indicator_remove(actor=self.request.user, indicator=self.indicator)
        self.success_message = _("已删除指标“%(indicator)s”及其下级指标。") % {"indicator": label}
        return set_url(self.indicator_set)


class IndicatorSetImportView(LoginRequiredMixin, View):
    """Import a set from Excel: all or nothing, every problem listed with its row."""

    template_name = "evaluations/indicator_set_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_set_manager(request.user)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, *, messages_=None, row_errors=None, status=200):
        context = {
            "form": form,
            "headers": imports.HEADERS,
            "import_messages": messages_ or [],
            "row_errors": row_errors or [],
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(IndicatorImportForm(initial={"name": request.GET.get("name", "")}))

    def post(self, request):
        form = IndicatorImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        data = form.cleaned_data
        try:
            result = imports.indicator_set_import(
                actor=request.user, file=data["file"], name=data["name"], description=data["description"]
            )
        except imports.IndicatorImportError as error:
            row_messages = {str(row_error) for row_error in error.row_errors}
            general = [message for message in error.messages if message not in row_messages]
            return self.render_page(form, messages_=general, row_errors=error.row_errors)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(form)
        if result.replaced_draft:
            message = _("已导入 %(count)d 项指标，替换了草稿“%(set)s”原有的指标。")
        else:
            message = _("已导入 %(count)d 项指标，创建了草稿“%(set)s”。")
        messages.success(request, message % {"count": result.indicator_count, "set": result.indicator_set.label})
        return redirect(set_url(result.indicator_set))


# ---- officials: the evaluator pool -----------------------------------------------------------------------------


def require_pool_keeper(user) -> None:
    if not permissions.can_manage_evaluator_pool(user):
        raise PermissionDenied


def pool_url() -> str:
    return reverse("evaluations:evaluator-pool")


class EvaluatorPoolView(LoginRequiredMixin, View):
    """评价专家库: every evaluator profile, active or not, with the evaluations each has open."""

    template_name = "evaluations/evaluator_pool.html"

    def get(self, request):
        require_pool_keeper(request.user)
        page = page_of(request, selectors.evaluator_pool())
        return render(request, self.template_name, {"page_obj": page, "profiles": page.object_list})


class EvaluatorProfileCreateView(ActionView):
    form_class = EvaluatorProfileForm
    title = gettext_lazy("将专家加入评价专家库")
    submit_label = gettext_lazy("加入专家库")

    def load(self, **kwargs):
        require_pool_keeper(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True}

    def cancel_url(self):
        return pool_url()

    def breadcrumbs(self):
        return [(_("评价专家库"), pool_url())]

    def perform(self, data):
        profile = services.evaluator_profile_create(actor=self.request.user, user=data["user"], **profile_fields(data))
        self.success_message = _("已将“%(name)s”加入评价专家库。") % {"name": profile.user}
        return pool_url()


class EvaluatorProfileActionView(ActionView):
    """A form on one pool member: pool keepers act on anyone; an evaluator edits their own profile only."""

    def load(self, **kwargs):
        profiles = EvaluatorProfile.objects.select_related("user", "affiliation_organization")
        self.profile = profiles.filter(pk=kwargs["pk"]).first()
        if self.profile is None or not permissions.can_edit_evaluator_profile(self.request.user, self.profile):
            if not (permissions.can_manage_evaluator_pool(self.request.user) or is_evaluator(self.request.user)):
                raise PermissionDenied
            raise Http404(_("没有这位评价专家。"))

    @property
    def keeper(self) -> bool:
        return bool(permissions.can_manage_evaluator_pool(self.request.user))

    def cancel_url(self):
        return pool_url() if self.keeper else reverse("evaluations:task-list")

    def breadcrumbs(self):
        if self.keeper:
            return [(_("评价专家库"), pool_url())]
        return [(_("我的评价任务"), reverse("evaluations:task-list"))]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "profile": self.profile}


class EvaluatorProfileEditView(EvaluatorProfileActionView):
    form_class = EvaluatorProfileForm
    title = gettext_lazy("修改评价专家信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "self_service": not self.keeper}

    def get_initial(self):
        profile = self.profile
        organization = profile.affiliation_organization
        return {
            "specialties": profile.specialties,
            "affiliation_uscc": organization.uscc if organization is not None else "",
            "affiliation": profile.affiliation,
            "contact_phone": profile.contact_phone,
            "contact_email": profile.contact_email,
        }

    def perform(self, data):
        services.evaluator_profile_update(actor=self.request.user, profile=self.profile, **profile_fields(data))
        self.success_message = _("已保存评价专家“%(name)s”的信息。") % {"name": self.profile.user}
        return self.cancel_url()


class EvaluatorProfileActiveView(EvaluatorProfileActionView):
    """Take an evaluator out of the pool (no new invitations; running assignments go on) or back in."""

    form_class = ConfirmForm
    intro_template = "evaluations/includes/evaluator_active_intro.html"

    def load(self, **kwargs):
        require_pool_keeper(self.request.user)
        return super().load(**kwargs)

    @property
    def title(self):
        return _("停用评价专家") if self.profile.is_active else _("恢复评价专家")

    @property
    def submit_label(self):
        return _("停用") if self.profile.is_active else _("恢复")

    def perform(self, data):
        active = not self.profile.is_active
        services.evaluator_profile_set_active(actor=self.request.user, profile=self.profile, is_active=active)
        if active:
            self.success_message = _("已恢复评价专家“%(name)s”，可再次被邀请。") % {"name": self.profile.user}
        else:
            self.success_message = _("已停用评价专家“%(name)s”，不再被邀请。") % {"name": self.profile.user}
        return pool_url()


# ---- evaluators ------------------------------------------------------------------------------------------------


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

    Every action of the page posts to its own URL and, when refused, renders this page again with the errors.
    """

    template_name = "evaluations/task_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = assignment_for_evaluator(request.user, kwargs["pk"])
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
        if self.assignment.status not in (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED):
            return None
        contract = contract_selectors.contract_get_by_number(
            number=self.evaluation.contract.number, user=self.request.user
        )
        if not can_view_contract_evidence(self.request.user, contract):
            return None
        return contract

    def render_task(self, *, status=200, **forms):
        assignment = self.assignment
        context = {
            "assignment": assignment,
            "evaluation": self.evaluation,
            "contract": self.evaluation.contract,
            "evidence": self.evidence(),
            "can_score": permissions.can_score_assignment(self.request.user, assignment),
            "sheet": None,
        }
        if assignment.status == Assignment.Status.INVITED:
            context["accept_form"] = forms.get("accept_form") or AcceptForm()
            context["conflict_form"] = forms.get("conflict_form") or ConflictForm()
            context["decline_form"] = forms.get("decline_form") or DeclineForm()
        elif assignment.status == Assignment.Status.ACCEPTED:
            context["conflict_form"] = forms.get("conflict_form") or ConflictForm()
        if assignment.status in (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED):
            sheet = selectors.assignment_score_sheet(assignment=assignment, user=self.request.user)
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


def score_refusal(assignment: Assignment) -> str:
    """Why the evaluator cannot score this assignment now (shown instead of the score form)."""
    evaluation = assignment.evaluation
    if evaluation.is_finalized:
        return _("评价已定稿，结果已公开，不能再作任何修改。")
    if assignment.status == Assignment.Status.INVITED:
        return _("请先接受评价任务并声明与被评价单位不存在利益冲突，然后评分。")
    if assignment.status == Assignment.Status.SUBMITTED:
        return _("评分已提交，不能再修改。")
    if assignment.status != Assignment.Status.ACCEPTED:
        return _("该评价任务已结束（%(status)s）。") % {"status": assignment.get_status_display()}
    return _("评价尚未开始评分。")


class TaskScoreView(TaskMixin, View):
    """Save the score sheet as a draft, or submit it (then it is locked). Works without JavaScript: the page that
    comes back shows the total of what was saved."""

    def post(self, request, pk):
        if not permissions.can_score_assignment(request.user, self.assignment):
            messages.error(request, score_refusal(self.assignment))
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
    assignment = assignment_for_evaluator(request.user, pk)
    if not permissions.can_score_assignment(request.user, assignment):
        raise Http404
    form = ScoreForm(request.POST, tree=selectors.indicator_tree(assignment.evaluation.indicator_set))
    return render(request, "evaluations/includes/running_total.html", {"running": form.running_total()})
