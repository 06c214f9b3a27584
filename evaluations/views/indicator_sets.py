"""The officials' indicator-set pages: the list, one set with its tree and the buttons its status allows, the forms
on a set and its indicators, and the Excel import and export."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.spreadsheets import XLSX_CONTENT_TYPE
from core.views import ConfirmForm, add_service_errors, bytes_response, page_of
from core.workflow import Button, Offer, offered_buttons
from evaluations import imports, permissions, selectors, services
from evaluations.access import (
    access_indicator_for_manage,
    access_indicator_set_for_manage,
    require_set_keeper,
)
from evaluations.forms import IndicatorForm, IndicatorImportForm, IndicatorSetForm, indicator_fields
from evaluations.models import Indicator, IndicatorSet
from evaluations.views.common import ActionView, action_names, set_url
from evaluations.workflows import INDICATOR_SET


class IndicatorSetListView(LoginRequiredMixin, View):
    template_name = "evaluations/indicator_set_list.html"

    def get(self, request):
        require_set_keeper(request.user)
        page = page_of(request, selectors.indicator_set_list(user=request.user))
        return render(request, self.template_name, {"page_obj": page, "indicator_sets": page.object_list})


def indicator_set_buttons(user, indicator_set: IndicatorSet) -> list[Button]:
    """The buttons of the actions the set's status allows (permissions.indicator_set_actions)."""
    allowed = action_names(permissions.indicator_set_actions(user, indicator_set))

    def url(name: str):
        return lambda record: reverse(f"evaluations:{name}", args=[record.pk])

    def import_url(record) -> str:
        return f"{reverse('evaluations:indicator-set-import')}?name={quote(record.name, safe='/')}"

    offers = {
        "edit": [
            Offer(url("indicator-set-edit"), label=gettext_lazy("修改信息")),
            Offer(import_url, label=gettext_lazy("从 Excel 导入指标")),
        ],
        "activate": Offer(url("indicator-set-activate"), "btn-primary", "set-activate", gettext_lazy("启用")),
        "delete": Offer(url("indicator-set-delete"), "btn-outline-danger", label=gettext_lazy("删除草稿")),
        "reopen": Offer(url("indicator-set-reopen")),
        "new_version": Offer(url("indicator-set-new-version"), "btn-primary", "set-new-version"),
    }
    return offered_buttons(INDICATOR_SET, indicator_set.status, offers, indicator_set, allowed.__contains__)


class IndicatorSetDetailView(LoginRequiredMixin, View):
    template_name = "evaluations/indicator_set_detail.html"

    def get(self, request, pk):
        indicator_set = access_indicator_set_for_manage(request.user, pk)
        tree = selectors.indicator_tree(indicator_set)
        transitions = permissions.indicator_set_actions(request.user, indicator_set)
        actions = action_names(transitions)
        context = {
            "indicator_set": indicator_set,
            "tree": tree,
            "editable": "edit" in actions,
            "problems": selectors.tree_problems(tree),
            "action_buttons": indicator_set_buttons(request.user, indicator_set),
            "versions": IndicatorSet.objects.filter(name=indicator_set.name).order_by("-version"),
            "max_level": Indicator.MAX_LEVEL,
        }
        return render(request, self.template_name, context)


class IndicatorSetCreateView(ActionView):
    form_class = IndicatorSetForm
    title = gettext_lazy("新建指标体系")
    submit_label = gettext_lazy("创建草稿")

    def load(self, **kwargs):
        require_set_keeper(self.request.user)

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
        self.indicator_set = access_indicator_set_for_manage(self.request.user, kwargs["pk"])

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
    indicator_set = access_indicator_set_for_manage(request.user, pk)
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
            self.parent = access_indicator_for_manage(self.request.user, kwargs["pk"], parent_id)

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
        self.indicator = access_indicator_for_manage(self.request.user, kwargs["pk"], kwargs["indicator_pk"])
        self.indicator_set = self.indicator.indicator_set

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
            require_set_keeper(request.user)
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
            return self.render_page(form, messages_=error.general_messages, row_errors=error.row_errors)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(form)
        if result.replaced_draft:
            message = _("已导入 %(count)d 项指标，替换了草稿“%(set)s”原有的指标。")
        else:
            message = _("已导入 %(count)d 项指标，创建了草稿“%(set)s”。")
        messages.success(request, message % {"count": result.indicator_count, "set": result.indicator_set.label})
        return redirect(set_url(result.indicator_set))
