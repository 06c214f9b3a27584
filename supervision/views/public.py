"""Public pages, for everyone, signed in or not: file a complaint (投诉举报) and follow it by its tracking code, the
organization suggestions of the complaint form, and the current credit listings (信用名单)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.clients import client_address
from core.views import add_service_errors, paginate_table
from supervision import page_selectors, selectors, services
from supervision.filters import CreditListingFilter
from supervision.forms import ComplaintForm, TrackForm
from supervision.models import Complaint
from supervision.tables import CreditListingTable

FILED_SESSION_KEY = "supervision-filed-complaint"


def client_key(request) -> str:
    """Who is filing, for the hourly limit of complaints: the client's address (core.clients, TRUSTED_PROXIES)."""
    return client_address(request)


class ComplaintCreateView(FormView):
    """投诉举报: anyone, signed in or not, files a complaint and receives a tracking code."""

    template_name = "supervision/complaint_form.html"
    form_class = ComplaintForm

    def get_initial(self):
        initial = super().get_initial()
        text = self.request.GET.get("organization", "").strip()
        if text:
            organization, _candidates = page_selectors.organization_find(text)
            if organization is not None:
                initial["organization"] = organization
        contract = page_selectors.public_contract_get(self.request.GET.get("contract", ""))
        if contract is not None:
            initial["contract"] = contract
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        try:
            complaint = services.complaint_file(
                organization=data["organization"],
                contract=data["contract"],
                subject=data["subject"],
                text=data["text"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                attachment=data["attachment"],
                client_key=client_key(self.request),
                actor=user if user.is_authenticated else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        self.request.session[FILED_SESSION_KEY] = complaint.tracking_code
        return redirect("supervision:complaint-filed")


class ComplaintFiledView(View):
    """The page after filing: the tracking code, shown to the complainant who just filed (kept in the session)."""

    def get(self, request):
        code = request.session.get(FILED_SESSION_KEY)
        if not code:
            return redirect("supervision:complaint-create")
        return render(request, "supervision/complaint_filed.html", {"tracking_code": code})


class ComplaintTrackView(View):
    """查询办理进度: the status and the official's public reasoning, by tracking code; never the contact data."""

    template_name = "supervision/complaint_track.html"

    def get(self, request):
        status = None
        form = TrackForm(request.GET or None)
        if form.is_valid():
            try:
                status = selectors.complaint_lookup(tracking_code=form.cleaned_data["code"])
            except Complaint.DoesNotExist:
                form.add_error(
                    "code",
                    _("没有查询码为 %(code)s 的投诉举报，请核对后重新输入。") % {"code": form.cleaned_data["code"]},
                )
        return render(request, self.template_name, {"form": form, "status": status})


def organization_suggestions(request):
    """The <option>s of the organization field's suggestion list (htmx), from the public directory."""
    organizations = page_selectors.organization_search(request.GET.get("organization", ""))
    return render(request, "supervision/includes/organization_options.html", {"organizations": organizations})


class CreditListingListView(View):
    """信用名单: every current listing on the activity-abnormal and serious-violation lists, for everyone."""

    template_name = "supervision/credit_listings.html"

    def get(self, request):
        filterset = CreditListingFilter(request.GET or None, queryset=page_selectors.open_credit_listing_list())
        table = CreditListingTable(filterset.qs)
        paginate_table(request, table)
        return render(request, self.template_name, {"filter": filterset, "table": table})
