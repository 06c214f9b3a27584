"""Supervision pages: the officials' inspections, random draws, rectification orders and complaint queue; the
organization members' rectification orders; the public complaint form, status lookup and list of credit listings.

Views parse the request, call one selector or service and render; who may do what is decided in
supervision/permissions.py and every rule in supervision/services.py, whose ValidationErrors appear on the forms.

Answers for users who may not act: anonymous users are sent to the login page; a signed-in user without the role the
page needs (official, organization member) gets 403; an object outside the user's reach — missing, another region's,
another organization's — gets 404, the same answer as for one that does not exist. Files answer 404 to everyone who
may not download them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from accounts.permissions import is_official, is_org_member, is_registrar, is_superuser
from core.views import (
    PER_PAGE,
    ConfirmForm,
    ServiceFormView,
    add_service_errors,
    bytes_response,
    page_of,
    paginate_table,
    stored_file_response,
)
from registry.models import Organization
from supervision import page_selectors, permissions, selectors, services
from supervision.filters import ComplaintFilter, CreditListingFilter, InspectionFilter, OrderFilter
from supervision.forms import (
    AttachmentForm,
    ComplaintDecisionForm,
    ComplaintForm,
    DrawForm,
    DrawPlanForm,
    InspectionCompleteForm,
    InspectionPlanForm,
    OrderAnswerForm,
    OrderDecisionForm,
    OrderForm,
    OrderFromInspectionForm,
    OrderIssueForm,
    OrganizationPickForm,
    TrackForm,
)
from supervision.models import (
    Complaint,
    Inspection,
    InspectionAttachment,
    OrderListing,
    OrderResponseFile,
    RectificationOrder,
    SampleDraw,
)
from supervision.sampling import default_rate, sample_size, verify_draw
from supervision.tables import ComplaintTable, CreditListingTable, InspectionTable, OrderTable, SampleDrawTable

DRAW_ENTRIES_PER_PAGE = 100
FILED_SESSION_KEY = "supervision-filed-complaint"


# ---- roles and lookups shared by the pages ---------------------------------------------------------------------


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def is_official_or_superuser(user) -> bool:
    return bool(is_superuser(user) or is_official(user))


def may_open_records(user) -> bool:
    """Officials, superusers and organization members open inspection and order records (each its own)."""
    return bool(is_official_or_superuser(user) or is_org_member(user))


def organization_or_404(text: str) -> Organization:
    organization, _candidates = page_selectors.organization_find(text)
    if organization is None:
        raise Http404(_("没有这个社会组织。"))
    return organization


def inspection_or_404(pk: int, user) -> Inspection:
    try:
        return selectors.inspection_get(pk=pk, user=user)
    except Inspection.DoesNotExist:
        raise Http404(_("没有这次监督检查。")) from None


def order_or_404(pk: int, user) -> RectificationOrder:
    try:
        return selectors.order_get(pk=pk, user=user)
    except RectificationOrder.DoesNotExist:
        raise Http404(_("没有这份整改通知。")) from None


def complaint_or_404(pk: int, user) -> Complaint:
    try:
        return selectors.complaint_get(pk=pk, user=user)
    except Complaint.DoesNotExist:
        raise Http404(_("没有这件投诉举报。")) from None


def draw_or_404(pk: int, user) -> SampleDraw:
    try:
        return selectors.sample_draw_get(pk=pk, user=user)
    except SampleDraw.DoesNotExist:
        raise Http404(_("没有这次随机抽取。")) from None


def inspection_url(inspection) -> str:
    return reverse("supervision:inspection-detail", args=[inspection.pk])


def order_url(order) -> str:
    return reverse("supervision:order-detail", args=[order.pk])


def complaint_url(complaint) -> str:
    return reverse("supervision:complaint-detail", args=[complaint.pk])


def draw_url(draw) -> str:
    return reverse("supervision:draw-detail", args=[draw.pk])


def client_key(request) -> str:
    """Who is filing, for the hourly limit of complaints: the client's address as the web server saw it."""
    return request.META.get("REMOTE_ADDR") or "unknown"


# ---- a form page that calls one service ------------------------------------------------------------------------


class ActionView(ServiceFormView):
    """A supervision page that runs one service (see core.views.ServiceFormView)."""

    def subtitle(self, context: dict) -> str:
        organization = context.get("organization")
        return f"{organization.name} · {organization.uscc}" if organization else ""


class OrganizationActionView(ActionView):
    """A form about one organization named in the query string (?organization=<code>); without one, the page first
    asks which organization."""

    organization: Organization | None = None

    def allowed(self, organization: Organization) -> bool:
        raise ImproperlyConfigured(f"{type(self).__name__} must define allowed()")

    def load(self, **kwargs) -> None:
        require(is_official(self.request.user))
        self.pick_form = None
        text = self.request.GET.get("organization", "").strip()
        if not text:
            self.pick_form = OrganizationPickForm()
            return
        pick = OrganizationPickForm({"organization": text})
        if not pick.is_valid():
            self.pick_form = pick
            return
        self.organization = pick.cleaned_data["organization"]
        if not self.allowed(self.organization):
            raise Http404

    def get(self, request, *args, **kwargs):
        if self.organization is None:
            context = {"title": self.title, "form": self.pick_form, "breadcrumbs": self.breadcrumbs()}
            return render(request, "supervision/pick_organization.html", context)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.organization is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.organization}

    def cancel_url(self) -> str:
        return reverse("registry:organization-detail", args=[self.organization.uscc])


# ---- public: complaints and credit listings --------------------------------------------------------------------


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


# ---- officials: inspections ------------------------------------------------------------------------------------


class InspectionListView(LoginRequiredMixin, View):
    """监督检查: the plan and records of the official's region."""

    template_name = "supervision/inspection_list.html"

    def get(self, request):
        require(is_official_or_superuser(request.user))
        filterset = InspectionFilter(request.GET or None, queryset=selectors.inspection_list(user=request.user))
        table = InspectionTable(filterset.qs)
        paginate_table(request, table)
        context = {
            "filter": filterset,
            "table": table,
            "can_plan": is_official(request.user),
            "can_draw": is_registrar(request.user),
        }
        return render(request, self.template_name, context)


class InspectionPlanView(OrganizationActionView):
    form_class = InspectionPlanForm
    title = gettext_lazy("安排监督检查")
    submit_label = gettext_lazy("安排检查")

    def allowed(self, organization):
        return permissions.can_plan_inspection(self.request.user, organization)

    def breadcrumbs(self):
        return [(_("监督检查"), reverse("supervision:inspection-list"))]

    def perform(self, data):
        inspection = services.inspection_plan(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已安排%(kind)s，计划于 %(day)s 进行。") % {
            "kind": inspection.get_kind_display(),
            "day": inspection.planned_on.isoformat(),
        }
        return inspection_url(inspection)


class InspectionDetailView(LoginRequiredMixin, View):
    template_name = "supervision/inspection_detail.html"

    def get(self, request, pk):
        user = request.user
        require(may_open_records(user))
        inspection = inspection_or_404(pk, user)
        can_record = permissions.can_record_inspection(user, inspection)
        context = {
            "inspection": inspection,
            "attachments": list(inspection.attachments.all()),
            "orders": list(inspection.orders.all()),
            "inspectors": list(inspection.inspectors.all()),
            "can_record": can_record,
            "can_issue_order": can_record
            and inspection.is_completed
            and inspection.conclusion == Inspection.Conclusion.PROBLEMS_FOUND,
            "attachment_form": AttachmentForm() if can_record else None,
        }
        return render(request, self.template_name, context)


class InspectionActionView(ActionView):
    """A supervising official's form on one inspection of their region."""

    def load(self, **kwargs) -> None:
        require(is_official(self.request.user))
        self.inspection = inspection_or_404(kwargs["pk"], self.request.user)
        if not permissions.can_record_inspection(self.request.user, self.inspection):
            raise Http404

    def cancel_url(self):
        return inspection_url(self.inspection)

    def breadcrumbs(self):
        return [
            (_("监督检查"), reverse("supervision:inspection-list")),
            (str(self.inspection), inspection_url(self.inspection)),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"inspection": self.inspection, "organization": self.inspection.organization})
        return context


class InspectionEditView(InspectionActionView):
    form_class = InspectionPlanForm
    title = gettext_lazy("修改检查计划")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organization": self.inspection.organization,
            "inspection": self.inspection,
        }

    def get_initial(self):
        inspection = self.inspection
        return {
            "kind": inspection.kind,
            "planned_on": inspection.planned_on,
            "contract": inspection.contract_id,
            "inspectors": [inspector.pk for inspector in inspection.inspectors.all()],
        }

    def perform(self, data):
        services.inspection_update(actor=self.request.user, inspection=self.inspection, **data)
        self.success_message = _("已保存检查计划。")
        return inspection_url(self.inspection)


class InspectionCompleteView(InspectionActionView):
    form_class = InspectionCompleteForm
    title = gettext_lazy("登记检查结果")
    submit_label = gettext_lazy("登记结果")
    intro_template = "supervision/includes/inspection_complete_intro.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspection": self.inspection}

    def get_initial(self):
        return {**super().get_initial(), "inspectors": [inspector.pk for inspector in self.inspection.inspectors.all()]}

    def perform(self, data):
        inspection = services.inspection_complete(actor=self.request.user, inspection=self.inspection, **data)
        self.success_message = _("已登记检查结果：%(conclusion)s。可继续上传检查材料。") % {
            "conclusion": inspection.get_conclusion_display()
        }
        return inspection_url(inspection)


class InspectionAttachmentView(InspectionActionView):
    form_class = AttachmentForm
    title = gettext_lazy("上传检查材料")
    submit_label = gettext_lazy("上传")
    error_field = "file"

    def perform(self, data):
        attachment = services.inspection_attachment_add(actor=self.request.user, inspection=self.inspection, **data)
        self.success_message = _("已上传“%(title)s”。") % {"title": attachment.title}
        return inspection_url(self.inspection)


class OrderFromInspectionView(InspectionActionView):
    form_class = OrderFromInspectionForm
    title = gettext_lazy("根据检查下达整改通知")
    submit_label = gettext_lazy("下达整改通知")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.inspection.organization}

    def get_initial(self):
        return {**super().get_initial(), "contract": self.inspection.contract_id}

    def perform(self, data):
        order = services.order_issue(
            actor=self.request.user,
            organization=self.inspection.organization,
            source=RectificationOrder.Source.INSPECTION,
            inspection=self.inspection,
            **data,
        )
        self.success_message = _("已下达整改通知 #%(number)d，整改期限 %(deadline)s。") % {
            "number": order.pk,
            "deadline": order.deadline.isoformat(),
        }
        return order_url(order)


def inspection_attachment_download(request, pk, attachment_pk):
    attachment = (
        InspectionAttachment.objects.select_related("inspection__organization__region")
        .filter(pk=attachment_pk, inspection_id=pk)
        .first()
    )
    if attachment is None or not permissions.can_download_inspection_attachment(request.user, attachment):
        raise Http404
    return stored_file_response(
        attachment.file, original_name=attachment.original_name, content_type=attachment.content_type
    )


# ---- officials: random draws -----------------------------------------------------------------------------------


class DrawListView(LoginRequiredMixin, View):
    """双随机抽查: the draws of the official's region."""

    template_name = "supervision/draw_list.html"

    def get(self, request):
        require(is_official_or_superuser(request.user))
        table = SampleDrawTable(selectors.sample_draw_list(user=request.user))
        paginate_table(request, table)
        return render(request, self.template_name, {"table": table, "can_draw": is_registrar(request.user)})


class DrawCreateView(ActionView):
    form_class = DrawForm
    template_name = "supervision/draw_form.html"
    title = gettext_lazy("随机抽取检查对象")
    submit_label = gettext_lazy("抽取")

    def load(self, **kwargs) -> None:
        require(is_registrar(self.request.user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        code = self.request.GET.get("region", "")
        region = page_selectors.regions_for_draw(self.request.user).filter(code=code).first()
        if region is not None:
            initial.update({"region": region.code, "rate": default_rate(region)})
        return initial

    def cancel_url(self):
        return reverse("supervision:draw-list")

    def breadcrumbs(self):
        return [(_("双随机抽查"), reverse("supervision:draw-list"))]

    def perform(self, data):
        draw = services.sample_draw_create(actor=self.request.user, **data)
        self.success_message = _("已从 %(population)d 个组织中抽取 %(size)d 个，随机种子 %(seed)d。") % {
            "population": draw.population_count,
            "size": draw.sample_size,
            "seed": draw.seed,
        }
        return draw_url(draw)


@login_required
def draw_preview(request):
    """What a draw in the chosen region would use (htmx fragment): default rate, active organizations, sample size."""
    require(is_registrar(request.user))
    region = page_selectors.regions_for_draw(request.user).filter(code=request.GET.get("region", "")).first()
    context = {"region": region}
    if region is not None:
        rate = default_rate(region)
        try:
            chosen = DrawForm.base_fields["rate"].clean(request.GET.get("rate", "")) or rate
        except ValidationError:
            chosen = rate
        population = page_selectors.active_population_count(region)
        context.update(
            {
                "default_rate": rate,
                "rate": chosen,
                "population": population,
                "sample_size": sample_size(population, chosen) if 0 < chosen <= 100 else None,
            }
        )
    return render(request, "supervision/includes/draw_preview.html", context)


class DrawDetailView(LoginRequiredMixin, View):
    """One draw: how it was drawn (region, rate, population, seed), whom it drew, and the check that recomputes it."""

    template_name = "supervision/draw_detail.html"

    def get(self, request, pk):
        user = request.user
        require(is_official_or_superuser(user))
        draw = draw_or_404(pk, user)
        entries = list(draw.entries.all())
        inspections = {
            inspection.organization_id: inspection
            for inspection in selectors.inspection_list(user=user).filter(sample_draw=draw)
        }
        rows = [(entry, inspections.get(entry.organization_id)) for entry in entries]
        context = {
            "draw": draw,
            "rows": page_of(request, rows, DRAW_ENTRIES_PER_PAGE),
            "planned_count": len(inspections),
            "verification": verify_draw(draw) if request.GET.get("verify") else None,
            "can_plan": is_official(user) and len(inspections) < len(entries),
            "plan_form": DrawPlanForm(region=draw.region) if is_official(user) else None,
        }
        return render(request, self.template_name, context)


@login_required
def draw_population(request, pk):
    """The population a draw was made from, one code a line, so anyone can recompute the draw."""
    require(is_official_or_superuser(request.user))
    draw = draw_or_404(pk, request.user)
    filename = f"draw-{draw.region.code}-{draw.year}-population.txt"
    return bytes_response((draw.population_usccs + "\n").encode(), filename, "text/plain; charset=utf-8")


class DrawPlanView(ActionView):
    form_class = DrawPlanForm
    title = gettext_lazy("为抽中对象安排检查")
    submit_label = gettext_lazy("安排检查")

    def load(self, **kwargs) -> None:
        require(is_official(self.request.user))
        self.draw = draw_or_404(kwargs["pk"], self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "region": self.draw.region}

    def cancel_url(self):
        return draw_url(self.draw)

    def breadcrumbs(self):
        return [(_("双随机抽查"), reverse("supervision:draw-list")), (str(self.draw), draw_url(self.draw))]

    def perform(self, data):
        created = services.sample_draw_plan_inspections(actor=self.request.user, draw=self.draw, **data)
        self.success_message = _("已为 %(count)d 个抽中对象安排双随机抽查。") % {"count": len(created)}
        return draw_url(self.draw)


# ---- rectification orders --------------------------------------------------------------------------------------


class OrderListView(LoginRequiredMixin, View):
    """整改通知: the orders of the official's region (or of the official's own department)."""

    template_name = "supervision/order_list.html"
    title = gettext_lazy("整改通知")
    page = "region"

    def check(self, user) -> None:
        require(is_official_or_superuser(user))

    def get_queryset(self):
        mine = self.request.GET.get("scope") == "department"
        return selectors.order_list(user=self.request.user, mine=mine)

    def get(self, request):
        self.check(request.user)
        filterset = OrderFilter(request.GET or None, queryset=self.get_queryset())
        table = OrderTable(filterset.qs)
        paginate_table(request, table)
        user = request.user
        context = {
            "title": self.title,
            "page": self.page,
            "filter": filterset,
            "table": table,
            "scope": request.GET.get("scope", "region"),
            "can_issue": is_official(user),
            "removable_count": selectors.listings_removable(user).count() if is_registrar(user) else None,
        }
        return render(request, self.template_name, context)


class MyOrderListView(OrderListView):
    """我的整改通知: the orders the member's organization received."""

    title = gettext_lazy("我的整改通知")
    page = "mine"

    def check(self, user):
        require(is_org_member(user))

    def get_queryset(self):
        user = self.request.user
        return selectors.order_list(user=user, mine=True).filter(organization_id=user.organization_id)


class OrderIssueView(OrganizationActionView):
    form_class = OrderIssueForm
    title = gettext_lazy("下达整改通知")
    submit_label = gettext_lazy("下达整改通知")

    def allowed(self, organization):
        return permissions.can_issue_order(self.request.user, organization)

    def breadcrumbs(self):
        return [(_("整改通知"), reverse("supervision:order-list"))]

    def perform(self, data):
        if data["source"] != RectificationOrder.Source.EVALUATION:
            data["evaluation"] = None
        order = services.order_issue(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已下达整改通知 #%(number)d，整改期限 %(deadline)s。") % {
            "number": order.pk,
            "deadline": order.deadline.isoformat(),
        }
        return order_url(order)


class OrderDetailView(LoginRequiredMixin, View):
    """One order with every answer and decision; the member's answer form and the official's decision form."""

    template_name = "supervision/order_detail.html"

    def get(self, request, pk):
        user = request.user
        require(may_open_records(user))
        order = order_or_404(pk, user)
        can_answer = permissions.can_answer_order(user, order) and order.can_be_answered
        can_decide = permissions.can_decide_order(user, order) and order.status == RectificationOrder.Status.ANSWERED
        if order.inspection_id is not None:
            order.inspection.organization = order.organization
        if order.complaint_id is not None:
            order.complaint.organization = order.organization
        context = {
            "order": order,
            "responses": list(order.responses.all()),
            "escalation": escalation_of(order),
            "can_answer": can_answer,
            "can_decide": can_decide,
            "answer_form": OrderAnswerForm() if can_answer else None,
            "decision_form": OrderDecisionForm() if can_decide else None,
            "show_inspection": order.inspection_id is not None
            and permissions.can_view_inspection(user, order.inspection),
            "show_complaint": order.complaint_id is not None and permissions.can_view_complaint(user, order.complaint),
        }
        return render(request, self.template_name, context)


class OrderActionView(ActionView):
    """A form on one order the user may see; `allowed` decides who may act on it."""

    def allowed(self, order) -> bool:
        raise ImproperlyConfigured(f"{type(self).__name__} must define allowed()")

    def role(self, user) -> bool:
        raise ImproperlyConfigured(f"{type(self).__name__} must define role()")

    def load(self, **kwargs) -> None:
        require(self.role(self.request.user))
        self.order = order_or_404(kwargs["pk"], self.request.user)
        if not self.allowed(self.order):
            raise Http404

    def cancel_url(self):
        return order_url(self.order)

    def breadcrumbs(self):
        return [(_("整改通知"), reverse("supervision:order-list")), (str(self.order), order_url(self.order))]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "order": self.order, "organization": self.order.organization}


class OrderAnswerView(OrderActionView):
    form_class = OrderAnswerForm
    title = gettext_lazy("答复整改通知")
    submit_label = gettext_lazy("提交答复")
    intro_template = "supervision/includes/order_summary.html"

    def role(self, user):
        return is_org_member(user)

    def allowed(self, order):
        return permissions.can_answer_order(self.request.user, order)

    def breadcrumbs(self):
        return [(_("我的整改通知"), reverse("supervision:my-orders")), (str(self.order), order_url(self.order))]

    def perform(self, data):
        files = [file for file in data["files"] if file]
        services.order_answer(actor=self.request.user, order=self.order, text=data["text"], files=files)
        self.success_message = _("已提交整改答复，等待下达部门核验。")
        return order_url(self.order)


class OrderDecideView(OrderActionView):
    form_class = OrderDecisionForm
    title = gettext_lazy("核验整改答复")
    submit_label = gettext_lazy("提交核验结论")
    intro_template = "supervision/includes/order_summary.html"
    error_aliases = {"reason": "comment"}

    def role(self, user):
        return is_official(user)

    def allowed(self, order):
        return permissions.can_decide_order(self.request.user, order)

    def perform(self, data):
        if data["decision"] == OrderDecisionForm.VERIFY:
            services.order_verify(actor=self.request.user, order=self.order, comment=data["comment"])
            self.success_message = _("整改通知 #%(number)d 已核验通过，整改完成。") % {"number": self.order.pk}
        else:
            services.order_return(actor=self.request.user, order=self.order, reason=data["comment"])
            self.success_message = _("已退回整改答复，社会组织须重新整改并答复。")
        return order_url(self.order)


def escalation_of(order: RectificationOrder) -> OrderListing | None:
    """The listing an overdue order led to (select_related by the selector), or None."""
    try:
        return order.escalation
    except OrderListing.DoesNotExist:
        return None


def order_file_download(request, pk, file_pk):
    stored = (
        OrderResponseFile.objects.select_related("response__order__organization__region")
        .filter(pk=file_pk, response__order_id=pk)
        .first()
    )
    if stored is None or not permissions.can_download_order_file(request.user, stored):
        raise Http404
    return stored_file_response(stored.file, original_name=stored.original_name, content_type=stored.content_type)


class RemovableListingListView(LoginRequiredMixin, View):
    """可移出信用名单: abnormal-list listings made for overdue orders that have all been verified since."""

    template_name = "supervision/listings_removable.html"

    def get(self, request):
        require(bool(is_superuser(request.user) or is_registrar(request.user)))
        listings = page_of(request, selectors.listings_removable(request.user), PER_PAGE)
        return render(request, self.template_name, {"listings": listings})


# ---- officials: complaints -------------------------------------------------------------------------------------


class ComplaintQueueView(LoginRequiredMixin, View):
    """投诉处理: complaints about organizations of the official's region, open ones first."""

    template_name = "supervision/complaint_queue.html"

    def get(self, request):
        user = request.user
        require(bool(is_superuser(user) or permissions.can_view_complaint_queue(user)))
        filterset = ComplaintFilter(request.GET or None, queryset=selectors.complaint_queue(user=user))
        table = ComplaintTable(filterset.qs)
        paginate_table(request, table)
        return render(request, self.template_name, {"filter": filterset, "table": table})


class ComplaintDetailView(LoginRequiredMixin, View):
    template_name = "supervision/complaint_detail.html"

    def get(self, request, pk):
        user = request.user
        require(bool(is_superuser(user) or permissions.can_view_complaint_queue(user)))
        complaint = complaint_or_404(pk, user)
        can_handle = permissions.can_handle_complaint(user, complaint)
        orders = list(complaint.orders.all())
        context = {
            "complaint": complaint,
            "orders": orders,
            "show_contact": permissions.can_view_complaint_contact(user, complaint),
            "can_handle": can_handle,
            "can_start_review": can_handle and complaint.status == Complaint.Status.RECEIVED,
            "decision_form": ComplaintDecisionForm()
            if can_handle and complaint.status == Complaint.Status.UNDER_REVIEW
            else None,
            "can_open_order": can_handle and complaint.status == Complaint.Status.UPHELD and not orders,
        }
        return render(request, self.template_name, context)


class ComplaintActionView(ActionView):
    """A handling official's form on one complaint of their region."""

    def load(self, **kwargs) -> None:
        require(is_official(self.request.user))
        self.complaint = complaint_or_404(kwargs["pk"], self.request.user)
        if not permissions.can_handle_complaint(self.request.user, self.complaint):
            raise Http404

    def cancel_url(self):
        return complaint_url(self.complaint)

    def breadcrumbs(self):
        return [
            (_("投诉处理"), reverse("supervision:complaint-queue")),
            (self.complaint.tracking_code, complaint_url(self.complaint)),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"complaint": self.complaint, "organization": self.complaint.organization})
        return context


class ComplaintReviewView(ComplaintActionView):
    form_class = ConfirmForm
    title = gettext_lazy("开始核实")
    submit_label = gettext_lazy("开始核实")
    intro_template = "supervision/includes/complaint_summary.html"

    def perform(self, data):
        services.complaint_start_review(actor=self.request.user, complaint=self.complaint)
        self.success_message = _("已开始核实，您是该投诉举报的承办人。")
        return complaint_url(self.complaint)


class ComplaintDecideView(ComplaintActionView):
    form_class = ComplaintDecisionForm
    title = gettext_lazy("作出核实结论")
    submit_label = gettext_lazy("提交结论")
    intro_template = "supervision/includes/complaint_summary.html"

    def perform(self, data):
        decide = (
            services.complaint_uphold if data["decision"] == Complaint.Status.UPHELD else services.complaint_dismiss
        )
        complaint = decide(
            actor=self.request.user,
            complaint=self.complaint,
            reasoning=data["reasoning"],
            internal_note=data["internal_note"],
        )
        self.success_message = _("已办结：%(status)s。") % {"status": complaint.get_status_display()}
        return complaint_url(complaint)


class ComplaintOrderView(ComplaintActionView):
    form_class = OrderForm
    title = gettext_lazy("根据投诉下达整改通知")
    submit_label = gettext_lazy("下达整改通知")
    intro_template = "supervision/includes/complaint_summary.html"

    def perform(self, data):
        order = services.complaint_open_order(actor=self.request.user, complaint=self.complaint, **data)
        self.success_message = _("已下达整改通知 #%(number)d，整改期限 %(deadline)s。") % {
            "number": order.pk,
            "deadline": order.deadline.isoformat(),
        }
        return order_url(order)


def complaint_attachment_download(request, pk):
    complaint = Complaint.objects.select_related("organization__region").filter(pk=pk).first()
    if (
        complaint is None
        or not complaint.attachment
        or not permissions.can_download_complaint_attachment(request.user, complaint)
    ):
        raise Http404
    return stored_file_response(
        complaint.attachment,
        original_name=complaint.attachment_name,
        content_type=complaint.attachment_content_type,
    )
