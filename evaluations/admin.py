"""The admin for superusers: indicator sets (drafts edited inline; activation, new versions, Excel import/export
through the services), the evaluator pool, and read-only views of evaluations, assignments, scores, results and
warnings.

Workflow and score fields are never edited here: a set's status, version and activation; an evaluation's status,
score, grade and finalization; an assignment's status and totals; every score. Their changes go through the services
(evaluations.services), which check the workflow tables and keep a finalized evaluation immutable."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.spreadsheets import XLSX_CONTENT_TYPE
from evaluations import services
from evaluations.imports import indicator_set_export, indicator_set_import
from evaluations.models import (
    Assignment,
    Evaluation,
    EvaluatorProfile,
    Indicator,
    IndicatorResult,
    IndicatorSet,
    PerformanceWarning,
    Score,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Records the services write: shown, never added, changed or deleted here (every field read-only even if a
    permission were granted)."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("code", "name", "parent", "level", "weight", "max_score", "order", "guidance")
    raw_id_fields = ("parent",)

    def _editable(self, obj) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class IndicatorSetImportForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("指标体系名称"), max_length=200)
    description = forms.CharField(label=gettext_lazy("说明"), widget=forms.Textarea, required=False)
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))


@admin.register(IndicatorSet)
class IndicatorSetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "version", "status", "activated_at", "created_at")
    list_filter = ("status",)
    search_fields = ("name",)
    # The workflow (status, activation) and the versioning belong to the services.
    readonly_fields = ("version", "status", "previous_version", "activated_at", "created_by", "created_at")
    inlines = [IndicatorInline]
    actions = ["activate", "new_version", "export_xlsx"]
    change_list_template = "admin/evaluations/indicatorset/change_list.html"

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Levels follow the parents, as the services set them.
        instances = formset.save(commit=False)
        for instance in instances:
            instance.level = instance.parent.level + 1 if instance.parent_id else 1
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def _run(self, request, queryset, service, done: str) -> None:
        for indicator_set in queryset:
            try:
                service(actor=request.user, indicator_set=indicator_set)
            except (ValidationError, PermissionDenied) as error:
                text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{indicator_set.label}：{text}", messages.ERROR)
            else:
                self.message_user(request, f"{indicator_set.label}：{done}", messages.SUCCESS)

    @admin.action(description=gettext_lazy("启用所选指标体系"))
    def activate(self, request, queryset):
        self._run(request, queryset, services.indicator_set_activate, _("已启用"))

    @admin.action(description=gettext_lazy("为所选指标体系创建新版本"))
    def new_version(self, request, queryset):
        self._run(request, queryset, services.indicator_set_new_version, _("已创建新版本草稿"))

    @admin.action(description=gettext_lazy("导出为 Excel"))
    def export_xlsx(self, request, queryset):
        indicator_set = queryset.first()
        if indicator_set is None or queryset.count() != 1:
            self.message_user(request, _("请只选择一个指标体系导出。"), messages.WARNING)
            return None
        response = HttpResponse(indicator_set_export(indicator_set), content_type=XLSX_CONTENT_TYPE)
        filename = f"indicator-set-{indicator_set.pk}-v{indicator_set.version}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="evaluations_indicatorset_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IndicatorSetImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = indicator_set_import(
                    actor=request.user,
                    file=form.cleaned_data["file"],
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("已导入 %(count)d 个指标到“%(set)s”。")
                    % {"count": result.indicator_count, "set": result.indicator_set.label},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:evaluations_indicatorset_change", args=[result.indicator_set.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("从 Excel 导入指标体系"),
        }
        return TemplateResponse(request, "admin/evaluations/indicatorset/import.html", context)


@admin.register(EvaluatorProfile)
class EvaluatorProfileAdmin(SimpleHistoryAdmin):
    list_display = ("user", "affiliation_organization", "affiliation", "specialties", "is_active")
    list_filter = ("is_active",)
    search_fields = ("user__username", "user__display_name", "affiliation", "specialties")
    list_select_related = ("user", "affiliation_organization")
    autocomplete_fields = ("affiliation_organization",)
    raw_id_fields = ("user",)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("evaluator", "status", "declared_at", "submitted_at", "total_score", "counted")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "year", "status", "score", "grade", "finalized_at")
    list_filter = ("status", "kind", "grade", "year")
    search_fields = ("contract__number", "contract__title", "contract__organization__name")
    list_select_related = ("contract",)
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "evaluator", "status", "declared_at", "submitted_at", "total_score")
    list_filter = ("status",)
    search_fields = ("evaluation__contract__number", "evaluator__username", "evaluator__display_name")
    list_select_related = ("evaluation__contract", "evaluator")


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "indicator", "score", "updated_at")
    list_select_related = ("assignment__evaluation__contract", "assignment__evaluator", "indicator")
    search_fields = ("assignment__evaluation__contract__number",)


@admin.register(IndicatorResult)
class IndicatorResultAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "indicator", "mean_score", "mean_points")
    list_select_related = ("evaluation__contract", "indicator")


@admin.register(PerformanceWarning)
class PerformanceWarningAdmin(ReadOnlyAdmin):
    list_display = ("organization", "evaluation", "recorded_on", "decided_on")
    list_filter = ("recorded_on",)
    search_fields = ("organization__name", "evaluation__contract__number")
    list_select_related = ("organization", "evaluation__contract")
