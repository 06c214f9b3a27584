"""Registry pages: the public directory and organization pages, and the registrars' forms.

Views parse the request, fetch what the URL names with a registry.access helper, call one selector or service and
render. Who may do what is decided in registry/permissions.py; for an organization outside a registrar's region the
pages answer 404, exactly as for a code that does not exist, and a signed-in user without the role gets 403. The
registrars' forms are core.views.ServiceFormView pages (templates/includes/service_form.html).
"""

from __future__ import annotations

import datetime
import tempfile

from django.conf import settings
from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from accounts import ratelimit
from core.clients import client_address
from core.spreadsheets import XLSX_CONTENT_TYPE, write_xlsx
from core.views import ServiceFormView, csv_response, pdf_response, render_list_page
from registry import lookups, selectors, services
from registry.access import (
    access_annual_report_for_review,
    access_credit_listing_for_manage,
    access_organization_for_manage,
    access_organization_for_view,
    access_penalty_for_manage,
    require_registrar,
)
from registry.filters import OrganizationFilter
from registry.forms import (
    AnnualReportForm,
    AnnualReportReviewForm,
    ContactForm,
    CreditListingForm,
    CreditListingRemoveForm,
    InspectionForm,
    OrganizationForm,
    PenaltyForm,
    PenaltyStatusForm,
    RatingForm,
    RenameForm,
    StatusChangeForm,
    department_scopes,
    region_scopes,
)
from registry.models import AnnualReport, Organization
from registry.organization_records import OrganizationRecords
from registry.permissions import can_manage_organization, can_view_contact
from registry.tables import OrganizationTable, export_headers, export_rows
from registry.tabs import organization_tabs
from verification.services import site_url

# Exports of the public directory are built in the request: bounded by a row cap (settings.DIRECTORY_EXPORT_MAX_ROWS;
# past it the page asks for a narrower filter) and a per-client rate (DIRECTORY_EXPORTS_PER_MINUTE, counted before
# the work in the shared store), so no number of visitors can tie up the web workers with province-wide files.
EXPORT_SCOPE = "directory-export"
EXPORT_WINDOW = datetime.timedelta(minutes=1)


def export_max_rows() -> int:
    return int(getattr(settings, "DIRECTORY_EXPORT_MAX_ROWS", 20_000))


def exports_per_minute() -> int:
    return int(getattr(settings, "DIRECTORY_EXPORTS_PER_MINUTE", 5))


def organization_url(organization: Organization) -> str:
    return reverse("registry:organization-detail", args=[organization.uscc])


# ---- public pages ----------------------------------------------------------------------------------------------


class OrganizationListView(View):
    """社会组织名录: search, filters, sortable columns, pagination and export of the filtered result."""

    template_name = "registry/organization_list.html"

    def get(self, request):
        queryset = selectors.organization_list(user=request.user).select_related("region__parent")
        filterset = OrganizationFilter(request.GET or None, queryset=queryset)
        table = OrganizationTable(filterset.qs)
        RequestConfig(request, paginate=False).configure(table)

        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            refused = self.refuse_export(request, table.data.data)
            if refused is not None:
                return refused
            if export == "csv":
                return self.export_csv(table.data.data)
            return self.export_xlsx(table.data.data)

        return render_list_page(request, self.template_name, filterset, table)

    @staticmethod
    def _filename(extension: str) -> str:
        return _("社会组织名录-%(date)s.%(extension)s") % {
            "date": timezone.localdate().isoformat(),
            "extension": extension,
        }

    def export_csv(self, queryset) -> StreamingHttpResponse:
        return csv_response(export_headers(), export_rows(queryset), self._filename("csv"))

    @staticmethod
    def refuse_export(request, queryset) -> HttpResponse | None:
        """The answer when this export may not be built: too many rows, or too many exports from this client."""
        client = client_address(request)
        limit = exports_per_minute()
        if ratelimit.hit(EXPORT_SCOPE, client, window=EXPORT_WINDOW) > limit:
            ratelimit.release(EXPORT_SCOPE, client, window=EXPORT_WINDOW)
            response = render(
                request,
                "registry/export_refused.html",
                {"message": _("导出过于频繁：同一来源每分钟最多导出 %(limit)d 次，请稍后再试。") % {"limit": limit}},
                status=429,
            )
            response["Retry-After"] = str(int(EXPORT_WINDOW.total_seconds()))
            return response
        count, cap = queryset.count(), export_max_rows()
        if count > cap:
            ratelimit.release(EXPORT_SCOPE, client, window=EXPORT_WINDOW)
            messages.warning(
                request,
                _("筛选结果共 %(count)d 条，超过导出上限 %(limit)d 条：请缩小筛选范围后再导出。")
                % {"count": count, "limit": cap},
            )
            query = request.GET.copy()
            query.pop("export", None)
            return redirect(f"{request.path}?{query.urlencode()}")
        return None

    def export_xlsx(self, queryset) -> FileResponse:
        # Written into a temporary file (write-only workbook, rows streamed from the database), then sent from it:
        # memory stays flat up to the row cap. FileResponse closes (and so removes) the file when it is sent.
        handle = tempfile.TemporaryFile()
        write_xlsx(handle, export_headers(), export_rows(queryset), title=_("社会组织名录"))
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=self._filename("xlsx"), content_type=XLSX_CONTENT_TYPE)


class OrganizationDetailView(View):
    """One organization's public record, with the actions the signed-in user may take on it."""

    template_name = "registry/organization_detail.html"

    def get(self, request, uscc):
        # The page shows the grades and listings themselves (from its records), not the directory's facts of them.
        organization = access_organization_for_view(request.user, uscc, facts=False)
        if uscc != organization.uscc:
            return redirect("registry:organization-detail", organization.uscc, permanent=True)
        today = timezone.localdate()
        # Every part of the page (panes, badges, eligibility, the tabs of the apps above) reads these records.
        records = OrganizationRecords(organization, user=request.user)
        current_rating = next((rating for rating in records.ratings if rating.awarded_on <= today), None)
        reports = {report.year: report for report in records.annual_reports}
        by_year = {inspection.year: inspection for inspection in records.annual_inspections}
        overdue_year = selectors.organization_report_overdue_year(records, on=today)
        context = {
            "organization": organization,
            "records": records,
            "former_names": list(organization.former_names.all()) if organization.former_names_text else [],
            "tabs": organization_tabs(records),
            "annual_rows": [
                {"year": year, "report": reports.get(year), "inspection": by_year.get(year)}
                for year in sorted(set(reports) | set(by_year), reverse=True)
            ],
            "overdue_report_year": overdue_year,
            "overdue_report_due": AnnualReport.due_on(overdue_year) if overdue_year else None,
            "can_manage": can_manage_organization(request.user, organization),
            "ratings": records.ratings,
            "current_rating": current_rating,
            "current_rating_valid": current_rating is not None and current_rating.is_valid_on(today),
            "inspections": records.annual_inspections,
            "listings": records.credit_listings,
            "penalties": records.penalties,
            "eligibility": selectors.organization_eligibility(organization, on=today, records=records),
            "show_contact": can_view_contact(request.user, organization),
            "today": today,
        }
        return render(request, self.template_name, context)


def organization_suggestions(request):
    """The <option>s of a type-ahead organization field (htmx sends the field's value under its own name)."""
    text = next((value for value in request.GET.values() if value.strip()), "")
    organizations = selectors.organization_suggestions(text)
    return render(request, "registry/includes/organization_options.html", {"organizations": organizations})


def _typed_text(request) -> str:
    """The text of a type-ahead field (htmx sends it under the field's own name), beside the `scope` parameter."""
    return next((value for key, value in request.GET.items() if key != "scope" and value.strip()), "")


def region_suggestions(request):
    """The <option>s of a type-ahead region field: every region, or those of a `scope` (registry.forms.region_scopes:
    `registration`, the regions the user may register organizations in; `official`, the official's region and
    below)."""
    scope = region_scopes().get(request.GET.get("scope"))
    found = lookups.region_suggestions(_typed_text(request), regions=scope(request.user) if scope else None)
    return render(request, "registry/includes/lookup_options.html", {"labels": map(lookups.region_label, found)})


def department_suggestions(request):
    """The <option>s of a type-ahead department field: every department, or those of a `scope`
    (registry.forms.department_scopes: `authorities`, the civil-affairs departments of the user's region; `own`, the
    user's own department; `official`, the departments of the official's region and below; `civil_affairs`, every
    civil-affairs department)."""
    scope = department_scopes().get(request.GET.get("scope"))
    found = lookups.department_suggestions(_typed_text(request), departments=scope(request.user) if scope else None)
    return render(request, "registry/includes/lookup_options.html", {"labels": map(lookups.department_label, found)})


def organization_report(request, uscc):
    """The organization's credit report (社会组织信用报告) as a PDF named after its code."""
    from registry.reports import organization_credit_report

    organization = access_organization_for_view(request.user, uscc)
    return pdf_response(
        organization_credit_report(organization, base_url=site_url(request)), f"{organization.uscc}.pdf"
    )


# ---- registrar pages: each runs one service -------------------------------------------------------------------


def warn_duplicate_name(request, organization) -> None:
    """A warning (not a refusal) when other organizations carry exactly the same name."""
    others = selectors.organizations_named(organization.name, exclude=organization)
    if others:
        messages.warning(
            request,
            _("注意：已有同名社会组织 %(others)s，请核实是否重复登记。")
            % {"others": "、".join(f"{other.name}（{other.uscc}，{other.region.name}）" for other in others)},
        )


class OrganizationCreateView(ServiceFormView):
    form_class = OrganizationForm
    title = gettext_lazy("登记社会组织")
    submit_label = gettext_lazy("登记")

    def load(self, **kwargs) -> None:
        require_registrar(self.request.user)

    def cancel_url(self) -> str:
        return reverse("registry:organization-list")

    def breadcrumbs(self):
        return [(_("社会组织名录"), reverse("registry:organization-list"))]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        organization = services.organization_register(actor=self.request.user, **data)
        self.success_message = _("已登记社会组织“%(name)s”。") % {"name": organization.name}
        warn_duplicate_name(self.request, organization)
        return organization_url(organization)


class OrganizationActionView(ServiceFormView):
    """A registrar's form on one organization (and, where `members_may_use`, its own members')."""

    members_may_use = False

    def load(self, **kwargs) -> None:
        self.organization = access_organization_for_manage(
            self.request.user, kwargs["uscc"], members_may_use=self.members_may_use
        )

    def subtitle(self, context: dict) -> str:
        return format_html('{} · <span class="uscc">{}</span>', self.organization.name, self.organization.uscc)

    def cancel_url(self) -> str:
        return organization_url(self.organization)

    def breadcrumbs(self):
        return [
            (_("社会组织名录"), reverse("registry:organization-list")),
            (self.organization.name, organization_url(self.organization)),
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.organization}


class OrganizationEditView(OrganizationActionView):
    """Registrars edit every registry field; the organization's members only its contact data."""

    members_may_use = True

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        self.keeps_registry = can_manage_organization(self.request.user, self.organization)
        self.title = gettext_lazy("修改登记信息") if self.keeps_registry else gettext_lazy("修改联系方式")

    def get_form_class(self):
        return OrganizationForm if self.keeps_registry else ContactForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.keeps_registry:
            kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return model_to_dict(self.organization, fields=list(self.get_form_class().base_fields))

    def perform(self, data):
        organization = services.organization_update(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已保存“%(name)s”的信息。") % {"name": organization.name}
        if "name" in data:
            warn_duplicate_name(self.request, organization)
        return organization_url(organization)


class OrganizationStatusView(OrganizationActionView):
    form_class = StatusChangeForm
    title = gettext_lazy("变更登记状态")
    error_aliases = {"status_changed_on": "changed_on", "status_reason": "reason"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def perform(self, data):
        organization = services.organization_change_status(
            actor=self.request.user, organization=self.organization, **data
        )
        self.success_message = _("登记状态已变更为“%(status)s”。") % {"status": organization.get_status_display()}
        return organization_url(organization)


class OrganizationRenameView(OrganizationActionView):
    """A change of name: the old name is kept as a former name (曾用名) with the date of the change."""

    form_class = RenameForm
    title = gettext_lazy("变更名称")

    def perform(self, data):
        old_name = self.organization.name
        organization = services.organization_rename(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("名称已变更为“%(name)s”，“%(old)s”记为曾用名。") % {
            "name": organization.name,
            "old": old_name,
        }
        warn_duplicate_name(self.request, organization)
        return organization_url(organization)


class InspectionCreateView(OrganizationActionView):
    form_class = InspectionForm
    title = gettext_lazy("登记年检结论")

    def perform(self, data):
        inspection = services.inspection_record(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已登记 %(year)s 年度年检结论：%(result)s。") % {
            "year": inspection.year,
            "result": inspection.get_result_display(),
        }
        return organization_url(self.organization)


class RatingCreateView(OrganizationActionView):
    form_class = RatingForm
    title = gettext_lazy("评定评估等级")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        rating = services.rating_award(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已评定评估等级 %(grade)s，有效期至 %(until)s。") % {
            "grade": rating.grade,
            "until": rating.valid_until.isoformat(),
        }
        return organization_url(self.organization)


class CreditListingCreateView(OrganizationActionView):
    form_class = CreditListingForm
    title = gettext_lazy("列入信用名单")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        listing = services.credit_listing_add(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已列入%(list)s。") % {"list": listing.get_list_kind_display()}
        return organization_url(self.organization)


class CreditListingRemoveView(OrganizationActionView):
    form_class = CreditListingRemoveForm
    title = gettext_lazy("移出信用名单")
    intro_template = "registry/includes/listing_summary.html"
    error_aliases = {"removal_reason": "reason"}

    def load(self, **kwargs) -> None:
        self.organization, self.listing = access_credit_listing_for_manage(
            self.request.user, kwargs["uscc"], kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "listing": self.listing}

    def perform(self, data):
        listing = services.credit_listing_remove(actor=self.request.user, listing=self.listing, **data)
        self.success_message = _("已移出%(list)s。") % {"list": listing.get_list_kind_display()}
        return organization_url(self.organization)


class PenaltyCreateView(OrganizationActionView):
    form_class = PenaltyForm
    title = gettext_lazy("登记行政处罚")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        penalty = services.penalty_record(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已登记行政处罚 %(number)s。") % {"number": penalty.decision_number}
        return organization_url(self.organization) + "#penalties"


class PenaltyStatusView(OrganizationActionView):
    form_class = PenaltyStatusForm
    title = gettext_lazy("变更行政处罚执行状态")
    intro_template = "registry/includes/penalty_summary.html"

    def load(self, **kwargs) -> None:
        self.organization, self.penalty = access_penalty_for_manage(self.request.user, kwargs["uscc"], kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "penalty": self.penalty}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "penalty": self.penalty}

    def perform(self, data):
        penalty = services.penalty_change_status(actor=self.request.user, penalty=self.penalty, **data)
        self.success_message = _("行政处罚 %(number)s 的执行状态已变更为“%(status)s”。") % {
            "number": penalty.decision_number,
            "status": penalty.get_status_display(),
        }
        return organization_url(self.organization) + "#penalties"


class AnnualReportSubmitView(OrganizationActionView):
    """The organization's members file its annual work report; its registrars may key in a paper one."""

    form_class = AnnualReportForm
    title = gettext_lazy("报送年度工作报告")
    members_may_use = True

    def perform(self, data):
        report = services.annual_report_submit(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已报送 %(year)s 年度工作报告，等待登记管理机关审核。") % {"year": report.year}
        return organization_url(self.organization) + "#annual"


class AnnualReportReviewView(OrganizationActionView):
    form_class = AnnualReportReviewForm
    title = gettext_lazy("审核年度工作报告")
    intro_template = "registry/includes/annual_report_summary.html"

    def load(self, **kwargs) -> None:
        self.organization, self.report = access_annual_report_for_review(
            self.request.user, kwargs["uscc"], kwargs["year"]
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "report": self.report}

    def perform(self, data):
        report = services.annual_report_review(actor=self.request.user, report=self.report, **data)
        self.success_message = _("%(year)s 年度工作报告审核结论：%(result)s。") % {
            "year": report.year,
            "result": report.get_review_result_display(),
        }
        return organization_url(self.organization) + "#annual"
