"""Rectification orders (整改通知): the region's and the member's lists, issuing an order, one order with its answers,
the member's answer and the official's decision, evidence downloads, and the listings verified orders allow removing.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.permissions import is_registrar
from core.views import PER_PAGE, page_of, paginate_table, stored_file_response
from supervision import access, permissions, selectors, services
from supervision.filters import OrderFilter
from supervision.forms import OrderAnswerForm, OrderDecisionForm, OrderIssueForm
from supervision.tables import OrderTable
from supervision.views.base import ActionView, OrganizationActionView, order_url, require
from supervision.workflows import ORDER, actions_for


class OrderListView(LoginRequiredMixin, View):
    """整改通知: the orders of the official's region (or of the official's own department)."""

    template_name = "supervision/order_list.html"
    title = gettext_lazy("整改通知")
    page = "region"

    def check(self, user) -> None:
        require(permissions.is_official_or_superuser(user))

    def get_queryset(self):
        mine = self.request.GET.get("scope") == "department"
        return selectors.order_list(user=self.request.user, mine=mine)

    def get(self, request):
        user = request.user
        self.check(user)
        filterset = OrderFilter(request.GET or None, queryset=self.get_queryset())
        table = OrderTable(filterset.qs)
        paginate_table(request, table)
        context = {
            "title": self.title,
            "page": self.page,
            "filter": filterset,
            "table": table,
            "scope": request.GET.get("scope", "region"),
            "can_issue": permissions.may_supervise(user),
            "removable_count": (selectors.listings_removable(user).count() if is_registrar(user) else None),
        }
        return render(request, self.template_name, context)


class MyOrderListView(OrderListView):
    """我的整改通知: the orders the member's organization received."""

    title = gettext_lazy("我的整改通知")
    page = "mine"

    def check(self, user):
        require(permissions.may_answer_orders(user))

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
        order = services.order_issue(actor=self.request.user, organization=self.organization, **data)
        self.success_message = _("已下达整改通知 %(number)s，整改期限 %(deadline)s。") % {
            "number": order.label,
            "deadline": order.deadline.isoformat(),
        }
        return order_url(order)


class OrderDetailView(LoginRequiredMixin, View):
    """One order with every answer and decision; the member's answer form and the official's decision form, as the
    order's status allows."""

    template_name = "supervision/order_detail.html"

    def get(self, request, pk):
        user = request.user
        order = access.access_order_for_view(user, pk)
        for_member = bool(permissions.can_answer_order(user, order))
        can_answer = "answer" in actions_for(ORDER, order.status, for_member)
        can_decide = "verify" in actions_for(ORDER, order.status, permissions.can_decide_order(user, order))
        context = {
            "order": order,
            # The organization's members reach the order from their own list (我的整改通知).
            "for_member": for_member,
            "responses": list(order.responses.all()),
            "escalation": selectors.order_escalation(order),
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
    """A form on one order; `fetch_order()` fetches it for the user who may act (a supervision.access helper)."""

    def fetch_order(self, user, pk):
        raise ImproperlyConfigured(f"{type(self).__name__} must define fetch_order()")

    def load(self, **kwargs) -> None:
        self.order = self.fetch_order(self.request.user, kwargs["pk"])

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

    def fetch_order(self, user, pk):
        return access.access_order_for_answer(user, pk)

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

    def fetch_order(self, user, pk):
        return access.access_order_for_manage(user, pk)

    def perform(self, data):
        if data["decision"] == OrderDecisionForm.VERIFY:
            services.order_verify(actor=self.request.user, order=self.order, comment=data["comment"])
            self.success_message = _("整改通知 %(number)s 已核验通过，整改完成。") % {"number": self.order.label}
        else:
            services.order_return(actor=self.request.user, order=self.order, reason=data["comment"])
            self.success_message = _("已退回整改答复，社会组织须重新整改并答复。")
        return order_url(self.order)


def order_file_download(request, pk, file_pk):
    stored = access.access_order_file(request.user, pk, file_pk)
    return stored_file_response(
        request, stored.file, original_name=stored.original_name, content_type=stored.content_type, sha256=stored.sha256
    )


class RemovableListingListView(LoginRequiredMixin, View):
    """可移出信用名单: abnormal-list listings made for overdue orders that have all been verified since."""

    template_name = "supervision/listings_removable.html"

    def get(self, request):
        require(permissions.may_review_listings(request.user))
        listings = page_of(request, selectors.listings_removable(request.user), PER_PAGE)
        return render(request, self.template_name, {"listings": listings})
