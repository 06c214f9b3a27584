"""The registry in the Django admin: regions, departments, organizations with Excel/CSV import and export, and the
annual inspections, ratings, credit listings and administrative penalties, each with its history
(django-simple-history).

Superusers edit everything but what only a service's workflow changes (an organization's registration status, a
listing's removal), which the admin shows read-only. Registrars (with staff access) see the organizations of their
region, export them, and import files of organizations in their region; the import previews every row and writes
nothing unless every row is valid (registry.resources.OrganizationResource).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import is_registrar, is_superuser, scope_to_region, user_covers_region
from core import spreadsheets
from core.admin import SpreadsheetImportExportMixin
from core.text import name_refusal
from registry.models import (
    AnnualInspection,
    AnnualReport,
    CreditListing,
    Department,
    FormerName,
    Organization,
    Penalty,
    Rating,
    Region,
)
from registry.resources import OrganizationResource
from registry.services import REGISTRATION_FIELDS
from registry.services.penalties import normalize_number, penalty_problems
from registry.services.rules import already_listed_refusal
from registry.uscc import validate_department_uscc, validate_organization_uscc

# Fields that change only through a service's workflow: shown, never edited here, so the admin cannot bypass the
# services (registry.services: organization_change_status, credit_listing_remove).
STATUS_FIELDS = ("status", "status_changed_on", "status_reason")
REMOVAL_FIELDS = ("removed_on", "removal_reason", "removed_by")


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)


class DepartmentAdminForm(forms.ModelForm):
    """A department's unified social credit code is checked like an organization's (registry.uscc)."""

    class Meta:
        model = Department
        fields = ("name", "code", "region", "kind", "uscc", "contact_name", "contact_phone", "contact_email")

    def clean_uscc(self) -> str:
        value = self.cleaned_data.get("uscc", "")
        return validate_department_uscc(value) if value else ""


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    form = DepartmentAdminForm
    list_display = ("name", "code", "kind", "region", "uscc")
    list_filter = ("kind",)
    search_fields = ("name", "code", "region__name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


class AnnualInspectionInline(admin.TabularInline):
    model = AnnualInspection
    extra = 0
    fields = ("year", "result", "decided_on", "note")


class FormerNameInline(admin.TabularInline):
    """Former names are written by organization_rename (the organization's page): shown here, never edited."""

    model = FormerName
    extra = 0
    fields = ("name", "changed_on")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RatingAdminForm(forms.ModelForm):
    """A rating is valid for five years from its award (Rating.validity_end): the admin shows the end, never asks."""

    class Meta:
        model = Rating
        fields = ("organization", "grade", "score", "awarded_on", "valid_until", "awarding_authority")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "valid_until" in self.fields:
            self.fields["valid_until"].disabled = True
            self.fields["valid_until"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if "valid_until" in self.fields and cleaned_data.get("awarded_on"):
            cleaned_data["valid_until"] = Rating.validity_end(cleaned_data["awarded_on"])
        return cleaned_data


class RatingInline(admin.TabularInline):
    model = Rating
    form = RatingAdminForm
    extra = 0
    fields = ("grade", "score", "awarded_on", "valid_until", "awarding_authority")
    autocomplete_fields = ("awarding_authority",)


class CreditListingAdminForm(forms.ModelForm):
    """An organization is on a list at most once at a time: the admin refuses a second open listing with the rule the
    credit_listing_add service applies. A removal is a decision of its own (credit_listing_remove): its fields are
    read-only here."""

    class Meta:
        model = CreditListing
        fields = ("organization", "list_kind", "reason", "listed_on", "deciding_authority")

    def clean(self):
        cleaned_data = super().clean()
        organization = cleaned_data.get("organization") or (
            self.instance.organization if self.instance.organization_id else None
        )
        list_kind = cleaned_data.get("list_kind")
        if organization is None or organization.pk is None or not list_kind or self.instance.removed_on:
            return cleaned_data
        refusal = already_listed_refusal(organization, list_kind, exclude_pk=self.instance.pk)
        if refusal is not None:
            self.add_error("list_kind", refusal)
        return cleaned_data


class CreditListingInline(admin.TabularInline):
    form = CreditListingAdminForm
    model = CreditListing
    extra = 0
    fields = ("list_kind", "reason", "listed_on", "deciding_authority", *REMOVAL_FIELDS)
    readonly_fields = REMOVAL_FIELDS
    autocomplete_fields = ("deciding_authority",)


class OrganizationAdminForm(forms.ModelForm):
    """The admin's organization form checks the code with registry.uscc.validate_organization_uscc, like every other
    entry point: spaces and lower case are normalized, and the category digit must match the type."""

    uscc = forms.CharField(label=Organization._meta.get_field("uscc").verbose_name, max_length=40)

    class Meta:
        model = Organization
        fields = REGISTRATION_FIELDS

    def clean(self):
        cleaned_data = super().clean()
        for field in ("name", "legal_representative"):
            if cleaned_data.get(field):
                value, error = name_refusal(cleaned_data[field], label=Organization._meta.get_field(field).verbose_name)
                if error is None:
                    cleaned_data[field] = value
                else:
                    self.add_error(field, error)
        code = cleaned_data.get("uscc")
        if code:
            try:
                cleaned_data["uscc"] = validate_organization_uscc(code, cleaned_data.get("org_type"))
            except ValidationError as error:
                self.add_error("uscc", error)
        return cleaned_data


@admin.register(Organization)
class OrganizationAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
    form = OrganizationAdminForm
    readonly_fields = STATUS_FIELDS
    list_display = ("name", "uscc", "org_type", "registration_authority", "region", "status")
    list_filter = ("org_type", "status")
    search_fields = ("name", "uscc")
    list_select_related = ("region", "registration_authority")
    autocomplete_fields = ("region", "registration_authority")
    inlines = (AnnualInspectionInline, RatingInline, CreditListingInline, FormerNameInline)
    resource_classes = [OrganizationResource]

    # Registrars (staff users with the registrar role) work on their own region; superusers on everything.

    def _registrar(self, request) -> bool:
        return bool(is_registrar(request.user))

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._registrar(request)

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        return self._registrar(request) and (obj is None or user_covers_region(request.user, obj.region))

    def has_import_permission(self, request):
        return bool(is_superuser(request.user) or is_registrar(request.user))

    def has_export_permission(self, request):
        return bool(is_superuser(request.user) or is_registrar(request.user))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_superuser(request.user):
            return queryset
        return scope_to_region(queryset, request.user)

    # The import: file-level problems shown on the form, all-or-nothing results, messages in Chinese.

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, spreadsheets.ImportFileError):  # a cap or an unreadable file: say which, in Chinese
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data:
            result = response.context_data.get("result")
            form = response.context_data.get("form")
            if result is not None and not (result.has_errors() or result.has_validation_errors()):
                for warning in getattr(result, "warnings", ()):
                    messages.warning(request, str(warning))
            if result is not None and form is not None:
                file_errors = [e for e in result.base_errors if isinstance(e.error, spreadsheets.ImportFileError)]
                if file_errors:
                    for error in file_errors:
                        form.add_error("import_file", str(error.error))
                    result.base_errors = [e for e in result.base_errors if e not in file_errors]
                    if not result.base_errors:
                        response.context_data["result"] = None
                        response.context_data.pop("confirm_form", None)
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = [str(error.error) for error in result.base_errors]
            for row in result.invalid_rows:
                for header, reasons in row.error_dict.items():
                    problems.extend(
                        _("第%(row)d行 %(column)s%(reason)s") % {"row": row.number, "column": header, "reason": reason}
                        for reason in reasons
                    )
            messages.error(
                request,
                _("导入未完成，没有写入任何数据：%(problems)s") % {"problems": "；".join(problems[:20])},
            )
            return HttpResponseRedirect(reverse("admin:registry_organization_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        for warning in getattr(result, "warnings", ()):
            messages.warning(request, str(warning))
        totals = result.totals
        messages.success(
            request,
            _("导入完成：新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d")
            % {
                "created": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )


class _OrganizationRecordAdmin(SimpleHistoryAdmin):
    """Annual inspections, ratings and credit listings: one row per decision, with the decision's history."""

    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)
    search_fields = ("organization__name", "organization__uscc")


@admin.register(AnnualInspection)
class AnnualInspectionAdmin(_OrganizationRecordAdmin):
    list_display = ("organization", "year", "result", "decided_on", "report")
    list_filter = ("result", "year")
    list_select_related = ("organization", "report")
    readonly_fields = ("report",)


@admin.register(AnnualReport)
class AnnualReportAdmin(_OrganizationRecordAdmin):
    """Reports are filed and reviewed through the services (annual_report_submit, annual_report_review): the review
    and its result are read-only here."""

    list_display = ("organization", "year", "income", "government_purchase_income", "submitted_on", "status")
    list_filter = ("status", "year", "review_result")
    readonly_fields = ("status", "review_result", "review_comments", "reviewed_on", "reviewed_by", "submitted_by")


@admin.register(Rating)
class RatingAdmin(_OrganizationRecordAdmin):
    form = RatingAdminForm
    list_display = ("organization", "grade", "score", "awarded_on", "valid_until", "awarding_authority")
    list_filter = ("grade",)
    list_select_related = ("organization", "awarding_authority")
    autocomplete_fields = ("organization", "awarding_authority")


@admin.register(CreditListing)
class CreditListingAdmin(_OrganizationRecordAdmin):
    form = CreditListingAdminForm
    list_display = ("organization", "list_kind", "listed_on", "deciding_authority", "removed_on", "is_open")
    list_filter = ("list_kind", ("removed_on", admin.EmptyFieldListFilter))
    list_select_related = ("organization", "deciding_authority")
    autocomplete_fields = ("organization", "deciding_authority")
    readonly_fields = REMOVAL_FIELDS

    @admin.display(boolean=True, description=gettext_lazy("在名单中"))
    def is_open(self, obj: CreditListing) -> bool:
        return obj.is_open


class PenaltyAdminForm(forms.ModelForm):
    """The rules of penalty_record (registry.services.penalties.penalty_problems); the status changes only through
    penalty_change_status, so its fields are read-only here."""

    class Meta:
        model = Penalty
        fields = (
            "organization",
            "decision_number",
            "decided_on",
            "authority",
            "kind",
            "amount",
            "facts",
            "legal_basis",
        )

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["decision_number"] = normalize_number(cleaned_data.get("decision_number"))
        problems = penalty_problems(
            organization=cleaned_data.get("organization"),
            decision_number=cleaned_data["decision_number"],
            decided_on=cleaned_data.get("decided_on"),
            authority=cleaned_data.get("authority"),
            kind=cleaned_data.get("kind"),
            amount=cleaned_data.get("amount"),
            facts=cleaned_data.get("facts") or "",
            legal_basis=cleaned_data.get("legal_basis") or "",
            on=timezone.localdate(),
            exclude_pk=self.instance.pk,
        )
        for field, error in problems:
            if field in self.fields and field not in self.errors:
                self.add_error(field, error)
        return cleaned_data


@admin.register(Penalty)
class PenaltyAdmin(_OrganizationRecordAdmin):
    form = PenaltyAdminForm
    list_display = ("organization", "decision_number", "decided_on", "authority", "kind", "amount", "status")
    list_filter = ("kind", "status")
    list_select_related = ("organization", "authority")
    autocomplete_fields = ("organization", "authority")
    readonly_fields = ("status", "status_changed_on", "status_reason")
    search_fields = ("organization__name", "organization__uscc", "decision_number")
