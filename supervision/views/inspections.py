"""The officials' inspections (监督检查): the region's list, planning, the record with its files, the result, and the
rectification order an inspection that found problems leads to. Organization members open their organization's
completed inspections."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.views import paginate_table, stored_file_response
from supervision import access, permissions, selectors, services
from supervision.filters import InspectionFilter
from supervision.forms import AttachmentForm, InspectionCompleteForm, InspectionPlanForm, OrderFromInspectionForm
from supervision.models import RectificationOrder
from supervision.tables import InspectionTable
from supervision.views.base import ActionView, OrganizationActionView, inspection_url, order_url, require
from supervision.workflows import INSPECTION, actions_for


class InspectionListView(LoginRequiredMixin, View):
    """监督检查: the plan and records of the official's region."""

    template_name = "supervision/inspection_list.html"

    def get(self, request):
        user = request.user
        require(permissions.is_official_or_superuser(user))
        filterset = InspectionFilter(request.GET or None, queryset=selectors.inspection_list(user=user))
        table = InspectionTable(filterset.qs)
        paginate_table(request, table)
        context = {
            "filter": filterset,
            "table": table,
            "can_plan": permissions.may_supervise(user),
            "can_draw": permissions.may_draw_samples(user),
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
    """One inspection with its inspectors, files and orders; the actions its status offers to its officials."""

    template_name = "supervision/inspection_detail.html"

    def get(self, request, pk):
        user = request.user
        inspection = access.access_inspection_for_view(user, pk)
        can_record = permissions.can_record_inspection(user, inspection)
        actions = actions_for(INSPECTION, inspection.status, can_record)
        context = {
            "inspection": inspection,
            "attachments": list(inspection.attachments.all()),
            "orders": list(inspection.orders.all()),
            "inspectors": list(inspection.inspectors.all()),
            "can_record": can_record,
            "actions": actions,
            "can_issue_order": "issue_order" in actions and inspection.found_problems,
            "attachment_form": AttachmentForm() if can_record else None,
        }
        return render(request, self.template_name, context)


class InspectionActionView(ActionView):
    """A supervising official's form on one inspection of their region."""

    def load(self, **kwargs) -> None:
        self.inspection = access.access_inspection_for_manage(self.request.user, kwargs["pk"])

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
        self.success_message = _("已下达整改通知 %(number)s，整改期限 %(deadline)s。") % {
            "number": order.label,
            "deadline": order.deadline.isoformat(),
        }
        return order_url(order)


def inspection_attachment_download(request, pk, attachment_pk):
    attachment = access.access_inspection_attachment(request.user, pk, attachment_pk)
    return stored_file_response(
        request,
        attachment.file,
        original_name=attachment.original_name,
        content_type=attachment.content_type,
        sha256=attachment.sha256,
    )
