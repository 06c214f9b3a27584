"""The officials' complaint handling (投诉处理): the region's queue, one complaint with the actions its status offers,
starting the review, the conclusion, the rectification order of an upheld complaint, and the attachment."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.views import ConfirmForm, paginate_table, stored_file_response
from supervision import access, permissions, selectors, services
from supervision.filters import ComplaintFilter
from supervision.forms import ComplaintAcceptForm, ComplaintDecisionForm, ComplaintNotAcceptForm, OrderForm
from supervision.models import Complaint
from supervision.tables import ComplaintTable
from supervision.views.base import ActionView, complaint_url, order_url, require
from supervision.workflows import COMPLAINT, actions_for


class ComplaintQueueView(LoginRequiredMixin, View):
    """投诉处理: complaints about organizations of the official's region, open ones first."""

    template_name = "supervision/complaint_queue.html"

    def get(self, request):
        user = request.user
        require(permissions.may_open_complaints(user))
        filterset = ComplaintFilter(request.GET or None, queryset=selectors.complaint_queue(user=user))
        table = ComplaintTable(filterset.qs)
        paginate_table(request, table)
        return render(request, self.template_name, {"filter": filterset, "table": table})


class ComplaintDetailView(LoginRequiredMixin, View):
    template_name = "supervision/complaint_detail.html"

    def get(self, request, pk):
        user = request.user
        complaint = access.access_complaint_for_view(user, pk)
        can_handle = permissions.can_handle_complaint(user, complaint)
        actions = actions_for(COMPLAINT, complaint.status, can_handle)
        orders = list(complaint.orders.all())
        context = {
            "complaint": complaint,
            "orders": orders,
            "show_contact": permissions.can_view_complaint_contact(user, complaint),
            "can_handle": can_handle,
            "can_accept": "accept" in actions,
            "can_not_accept": "not_accept" in actions,
            "can_start_review": "start_review" in actions,
            "steps": selectors.complaint_steps(complaint),
            "decision_form": ComplaintDecisionForm() if "uphold" in actions else None,
            # One order per complaint: the button goes once the order is issued.
            "can_open_order": "open_order" in actions and not orders,
        }
        return render(request, self.template_name, context)


class ComplaintActionView(ActionView):
    """A handling official's form on one complaint of their region."""

    def load(self, **kwargs) -> None:
        self.complaint = access.access_complaint_for_handler(self.request.user, kwargs["pk"])

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


class ComplaintAcceptView(ComplaintActionView):
    form_class = ComplaintAcceptForm
    title = gettext_lazy("受理投诉举报")
    submit_label = gettext_lazy("受理")
    intro_template = "supervision/includes/complaint_summary.html"

    def perform(self, data):
        complaint = services.complaint_accept(actor=self.request.user, complaint=self.complaint, **data)
        self.success_message = _("已受理，办理期限 %(deadline)s；您是该投诉举报的承办人。") % {
            "deadline": complaint.handling_deadline.isoformat()
        }
        return complaint_url(complaint)


class ComplaintNotAcceptView(ComplaintActionView):
    form_class = ComplaintNotAcceptForm
    title = gettext_lazy("不予受理")
    submit_label = gettext_lazy("决定不予受理")
    intro_template = "supervision/includes/complaint_summary.html"

    def perform(self, data):
        services.complaint_not_accept(actor=self.request.user, complaint=self.complaint, **data)
        self.success_message = _("已决定不予受理，理由将向投诉举报人公开。")
        return complaint_url(self.complaint)


class ComplaintReviewView(ComplaintActionView):
    form_class = ConfirmForm
    title = gettext_lazy("开始核实")
    submit_label = gettext_lazy("开始核实")
    intro_template = "supervision/includes/complaint_summary.html"

    def perform(self, data):
        services.complaint_start_review(actor=self.request.user, complaint=self.complaint)
        self.success_message = _("已开始调查核实，您是该投诉举报的承办人。")
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
        self.success_message = _("已下达整改通知 %(number)s，整改期限 %(deadline)s。") % {
            "number": order.label,
            "deadline": order.deadline.isoformat(),
        }
        return order_url(order)


def complaint_attachment_download(request, pk):
    complaint = access.access_complaint_attachment(request.user, pk)
    return stored_file_response(
        request,
        complaint.attachment,
        original_name=complaint.attachment_name,
        content_type=complaint.attachment_content_type,
        sha256=complaint.attachment_sha256,
    )
