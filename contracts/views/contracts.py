"""Contract pages: the public record, the purchasers' and the members' listings, a contract's page and its PDF, and
the purchasers' forms that create, sign, perform, complete, terminate, amend and pay a contract."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.permissions import is_purchaser, is_superuser
from contracts import reports, selectors, services
from contracts.access import access_contract_for_view, require_org_member, require_purchaser
from contracts.filters import ContractFilter
from contracts.forms import AmendForm, CompleteForm, ContractForm, PaymentForm, SignForm, StartForm, TerminateForm
from contracts.models import Contract
from contracts.permissions import (
    can_amend_contract,
    can_manage_contract,
    can_record_payment,
    can_view_contract_evidence,
    member_of_contract_organization,
)
from contracts.tables import ContractTable
from contracts.views.base import ContractActionView, PurchaserActionView, contract_url
from contracts.views.deliverables import deliverable_buttons
from contracts.views.documents import document_buttons
from contracts.workflows import CONTRACT
from core.views import ConfirmForm, pdf_response, render_list_page
from core.workflow import Offer, offered_buttons
from verification.services import site_url


def _contract_link(name: str):
    return lambda contract: reverse(f"contracts:{name}", args=[contract.number])


# What a contract's page offers, by transition (contracts.workflows.CONTRACT), in the table's order.
CONTRACT_OFFERS = {
    "update": Offer(_contract_link("contract-edit")),
    "add_deliverable": Offer(_contract_link("deliverable-create"), testid="deliverable-create"),
    "start": Offer(_contract_link("contract-start"), "btn-primary", "contract-start"),
    "complete": Offer(
        _contract_link("contract-complete"), "btn-primary", blocked=selectors.contract_completion_blocker
    ),
    "record_payment": Offer(_contract_link("payment-create")),
    "amend": Offer(_contract_link("contract-amend"), label=gettext_lazy("合同变更")),
    "add_document": Offer(_contract_link("document-create")),
    "sign": Offer(
        _contract_link("contract-sign"), "btn-primary", "contract-sign", blocked=selectors.contract_signing_blocker
    ),
    "delete": Offer(_contract_link("contract-delete"), "btn-outline-danger"),
    "terminate": Offer(_contract_link("contract-terminate"), "btn-outline-danger"),
}
# Who may take each of them (everything else: the contract's managers).
CONTRACT_PERMISSIONS = {"record_payment": can_record_payment, "amend": can_amend_contract}


def contract_buttons(user, contract: Contract) -> list:
    def may(action: str) -> bool:
        return CONTRACT_PERMISSIONS.get(action, can_manage_contract)(user, contract)

    return offered_buttons(CONTRACT, contract.status, CONTRACT_OFFERS, contract, may)


# ---- lists -----------------------------------------------------------------------------------------------------


class ContractListView(View):
    """合同公开: every contract from signing on, for everyone."""

    template_name = "contracts/contract_list.html"
    title = gettext_lazy("合同公开")
    include_drafts = False
    page = "public"

    def get_queryset(self):
        return selectors.contract_list_for(user=self.request.user, figures=False).exclude(status=Contract.Status.DRAFT)

    def check(self, user) -> None:
        """Raise PermissionDenied when the user may not open this listing."""

    def get(self, request):
        self.check(request.user)
        filterset = ContractFilter(
            request.GET or None, queryset=self.get_queryset(), request=request, include_drafts=self.include_drafts
        )
        return render_list_page(
            request,
            self.template_name,
            filterset,
            ContractTable(filterset.qs),
            title=self.title,
            page=self.page,
            can_create=is_superuser(request.user) or is_purchaser(request.user),
        )


class ContractManageView(LoginRequiredMixin, ContractListView):
    """合同管理: every contract of the purchaser's region, drafts included."""

    title = gettext_lazy("合同管理")
    include_drafts = True
    page = "manage"

    def check(self, user):
        require_purchaser(user)

    def get_queryset(self):
        user = self.request.user
        if is_superuser(user):
            return selectors.contract_list_for(user=user, figures=False)
        return selectors.contract_list_for(user=user, mine=True, figures=False).filter(department_id=user.department_id)


class ContractMineView(LoginRequiredMixin, ContractListView):
    """我的合同: the contracts of the member's organization."""

    title = gettext_lazy("我的合同")
    page = "mine"

    def check(self, user):
        require_org_member(user)

    def get_queryset(self):
        user = self.request.user
        return selectors.contract_list_for(user=user, mine=True, figures=False).filter(
            organization_id=user.organization_id
        )


# ---- the record ------------------------------------------------------------------------------------------------


class ContractDetailView(View):
    """A contract with its deliverables, payments, amendments and documents; the buttons each of them offers come
    from the workflow tables and the permission predicates."""

    template_name = "contracts/contract_detail.html"

    def get(self, request, number):
        contract = access_contract_for_view(request.user, number)
        user = request.user
        can_manage = can_manage_contract(user, contract)
        can_see_evidence = can_view_contract_evidence(user, contract)
        is_member = member_of_contract_organization(user, contract)
        deliverables = list(contract.deliverables.all())
        for deliverable in deliverables:
            deliverable.actions = deliverable_buttons(contract, deliverable, can_manage=can_manage, is_member=is_member)
        documents = [document for document in contract.documents.all() if can_see_evidence or document.is_public]
        for document in documents:
            document.actions = document_buttons(contract, document, can_manage=can_manage)
        context = {
            "contract": contract,
            "actions": contract_buttons(user, contract),
            "deliverables": deliverables,
            "payments": list(contract.payments.all()),
            "amendments": list(contract.amendments.all()),
            "documents": documents,
            "can_manage": can_manage,
            "can_publish_documents": can_manage and CONTRACT.allows("publish_document", contract.status),
            "can_see_evidence": can_see_evidence,
            "is_member": is_member,
            "share_total": sum((deliverable.payment_share for deliverable in deliverables), selectors.ZERO),
            "remaining_amount": contract.amount - contract.paid_amount,
            "acknowledged_warnings": [line for line in contract.eligibility_acknowledged_warnings.splitlines() if line],
        }
        return render(request, self.template_name, context)


def contract_summary_pdf(request, number):
    contract = access_contract_for_view(request.user, number)
    return pdf_response(reports.contract_summary_pdf(contract, base_url=site_url(request)), f"{contract.number}.pdf")


# ---- purchasers' pages -----------------------------------------------------------------------------------------


class ContractCreateView(PurchaserActionView):
    form_class = ContractForm
    title = gettext_lazy("登记合同")
    submit_label = gettext_lazy("保存草稿")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        item_pk = self.request.GET.get("item", "")
        if item_pk.isdigit():
            item = selectors.purchase_item_list(user=self.request.user).filter(pk=item_pk).first()
            if item is not None:
                initial.update(
                    {
                        "purchase_item": item.pk,
                        "department": item.purchase_list.department_id,
                        "title": item.service_name,
                        "description": item.description,
                        "start_on": item.service_start_on,
                        "end_on": item.service_end_on,
                    }
                )
        return initial

    def cancel_url(self):
        return reverse("contracts:contract-manage")

    def breadcrumbs(self):
        return [(_("合同管理"), reverse("contracts:contract-manage"))]

    def perform(self, data):
        if data.get("year") is None:
            data.pop("year", None)
        contract = services.contract_create(actor=self.request.user, **data)
        self.success_message = _("已登记合同草稿 %(number)s，请设定履约事项后签订。") % {"number": contract.number}
        return contract_url(contract)


class ContractEditView(ContractActionView):
    form_class = ContractForm
    title = gettext_lazy("修改合同草稿")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "contract": self.contract}

    def get_initial(self):
        return {name: getattr(self.contract, name) for name in services.CONTRACT_FIELDS}

    def perform(self, data):
        services.contract_update(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已保存合同草稿。")
        return contract_url(self.contract)


class ContractDeleteView(ContractActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除合同草稿")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "contracts/includes/confirm_delete_contract.html"

    def perform(self, data):
        number = self.contract.number
        services.contract_delete(actor=self.request.user, contract=self.contract)
        self.success_message = _("已删除合同草稿 %(number)s。") % {"number": number}
        return reverse("contracts:contract-manage")


class ContractSignView(ContractActionView):
    """Signing: every refusal and eligibility warning is shown; warnings must be acknowledged with the checkbox."""

    form_class = SignForm
    template_name = "contracts/contract_sign.html"
    title = gettext_lazy("签订合同")
    submit_label = gettext_lazy("签订合同")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        signed_on = getattr(form, "cleaned_data", {}).get("signed_on") or timezone.localdate()
        context["signed_on"] = signed_on
        review = selectors.contract_signing_review(self.contract, signed_on=signed_on)
        context["review"] = review
        # A refused signing repeats the review's refusals as form errors: the page shows each once, in the review.
        shown = set(review.messages)
        context["form_errors"] = [error for error in form.non_field_errors() if error not in shown]
        return context

    def perform(self, data):
        services.contract_sign(
            actor=self.request.user,
            contract=self.contract,
            signed_on=data["signed_on"],
            acknowledge_warnings=data["acknowledge_warnings"],
        )
        self.success_message = _("合同 %(number)s 已签订，向公众公开。") % {"number": self.contract.number}
        return contract_url(self.contract)


class ContractStartView(ContractActionView):
    form_class = StartForm
    title = gettext_lazy("开始履行")
    submit_label = gettext_lazy("开始履行")
    intro_template = "contracts/includes/start_intro.html"

    def perform(self, data):
        services.contract_start_performance(
            actor=self.request.user, contract=self.contract, started_on=data["started_on"]
        )
        self.success_message = _("合同已进入履行阶段。")
        return contract_url(self.contract)


class ContractCompleteView(ContractActionView):
    form_class = CompleteForm
    title = gettext_lazy("办理合同完成")
    submit_label = gettext_lazy("确认完成")

    def perform(self, data):
        services.contract_complete(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("合同已完成。")
        return contract_url(self.contract)


class ContractTerminateView(ContractActionView):
    form_class = TerminateForm
    title = gettext_lazy("终止合同")
    submit_label = gettext_lazy("终止合同")
    submit_class = "btn-danger"

    def perform(self, data):
        services.contract_terminate(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("合同已终止。")
        return contract_url(self.contract)


class ContractAmendView(ContractActionView):
    form_class = AmendForm
    title = gettext_lazy("合同变更")
    submit_label = gettext_lazy("登记变更")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.contract}

    def perform(self, data):
        amendments = services.contract_amend(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已登记合同变更：%(kinds)s。") % {
            "kinds": "、".join(str(amendment.get_kind_display()) for amendment in amendments)
        }
        return contract_url(self.contract)


class PaymentCreateView(ContractActionView):
    form_class = PaymentForm
    title = gettext_lazy("登记付款")
    submit_label = gettext_lazy("登记付款")
    intro_template = "contracts/includes/payment_intro.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.contract}

    def perform(self, data):
        payment = services.payment_record(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已登记第 %(instalment)d 期付款 %(amount)s 元。") % {
            "instalment": payment.instalment,
            "amount": f"{payment.amount:,.2f}",
        }
        return contract_url(self.contract)
