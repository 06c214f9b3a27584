"""Deliverable pages: the purchasers set a draft's deliverables and decide on submissions; the organization's
members submit their reports and evidence."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import services
from contracts.access import (
    access_deliverable_for_manage,
    access_deliverable_for_submission,
    access_submission_for_decision,
)
from contracts.forms import DecisionForm, DeliverableForm, SubmissionForm
from contracts.models import Contract, Deliverable
from contracts.views.base import ActionView, ContractActionView, contract_url
from contracts.workflows import CONTRACT, deliverable_submittable
from core.views import ConfirmForm
from core.workflow import Button, Offer, offered_buttons

# The submit button's words: first time, and after a return.
SUBMIT, RESUBMIT = gettext_lazy("提交材料"), gettext_lazy("重新提交")


def _link(name: str):
    return lambda key: reverse(f"contracts:{name}", args=key)


# What a deliverable's row on the contract page offers its managers, by transition of the contract
# (contracts.workflows.CONTRACT); the row's key is (contract number, deliverable pk).
DELIVERABLE_OFFERS = {
    "update_deliverable": Offer(_link("deliverable-edit"), "btn-sm btn-outline-primary", label=gettext_lazy("修改")),
    "remove_deliverable": Offer(_link("deliverable-remove"), "btn-sm btn-outline-danger", label=gettext_lazy("删除")),
}


def deliverable_buttons(
    contract: Contract, deliverable: Deliverable, *, can_manage: bool, is_member: bool
) -> list[Button]:
    """What a deliverable's row on the contract page offers, from the workflow tables and what the predicates said
    of the user and the contract: `can_manage` (can_manage_contract, which can_decide_submission asks too) and
    `is_member` (member_of_contract_organization, which can_submit_deliverable asks)."""
    key = (contract.number, deliverable.pk)
    buttons = offered_buttons(CONTRACT, contract.status, DELIVERABLE_OFFERS, key, lambda action: can_manage)
    if is_member and deliverable_submittable(deliverable):
        label = RESUBMIT if deliverable.status == Deliverable.Status.RETURNED else SUBMIT
        url = reverse("contracts:submission-create", args=key)
        buttons.append(Button("submit", label, url, "btn-sm btn-primary", "submit-deliverable"))
    submission = deliverable.open_submission
    if submission is not None and CONTRACT.allows("decide_submission", contract.status) and can_manage:
        url = reverse("contracts:submission-decide", args=[contract.number, submission.pk])
        label = CONTRACT["decide_submission"].label
        buttons.append(Button("decide_submission", label, url, "btn-sm btn-primary", "decide-deliverable"))
    return buttons


# ---- purchasers' pages -----------------------------------------------------------------------------------------


class DeliverableCreateView(ContractActionView):
    form_class = DeliverableForm
    title = gettext_lazy("添加履约事项")

    def perform(self, data):
        deliverable = services.deliverable_add(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已添加履约事项“%(title)s”。") % {"title": deliverable.title}
        return contract_url(self.contract)


class DeliverableActionView(ContractActionView):
    def load(self, **kwargs) -> None:
        self.deliverable = access_deliverable_for_manage(self.request.user, kwargs["pk"], number=kwargs["number"])
        self.contract = self.deliverable.contract

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "deliverable": self.deliverable}


class DeliverableEditView(DeliverableActionView):
    form_class = DeliverableForm
    title = gettext_lazy("修改履约事项")

    def get_initial(self):
        return {name: getattr(self.deliverable, name) for name in services.DELIVERABLE_FIELDS}

    def perform(self, data):
        services.deliverable_update(actor=self.request.user, deliverable=self.deliverable, **data)
        self.success_message = _("已保存履约事项“%(title)s”。") % {"title": self.deliverable.title}
        return contract_url(self.contract)


class DeliverableRemoveView(DeliverableActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除履约事项")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "contracts/includes/confirm_remove_deliverable.html"

    def perform(self, data):
        title = self.deliverable.title
        services.deliverable_remove(actor=self.request.user, deliverable=self.deliverable)
        self.success_message = _("已删除履约事项“%(title)s”。") % {"title": title}
        return contract_url(self.contract)


class SubmissionDecideView(ContractActionView):
    """The purchaser accepts a submission, or returns it with a comment."""

    form_class = DecisionForm
    template_name = "contracts/submission_decide.html"
    title = gettext_lazy("验收履约事项")

    def load(self, **kwargs) -> None:
        self.submission = access_submission_for_decision(self.request.user, kwargs["pk"], number=kwargs["number"])
        self.contract = self.submission.deliverable.contract

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "submission": self.submission,
            "deliverable": self.submission.deliverable,
        }

    def perform(self, data):
        if data["decision"] == DecisionForm.ACCEPT:
            services.deliverable_accept(
                actor=self.request.user,
                submission=self.submission,
                comment=data["comment"],
                accepted_on=data.get("accepted_on"),
            )
            self.success_message = _("履约事项“%(title)s”已通过验收。")
        else:
            services.deliverable_return(actor=self.request.user, submission=self.submission, comment=data["comment"])
            self.success_message = _("履约事项“%(title)s”已退回。")
        self.success_message %= {"title": self.submission.deliverable.title}
        return contract_url(self.contract)


# ---- organization members' pages -------------------------------------------------------------------------------


class SubmissionCreateView(ActionView):
    """A member of the contract's organization submits a deliverable: a report and one or more files."""

    form_class = SubmissionForm
    template_name = "contracts/submission_form.html"
    title = gettext_lazy("提交履约材料")
    submit_label = gettext_lazy("提交")

    def load(self, **kwargs) -> None:
        self.deliverable = access_deliverable_for_submission(self.request.user, kwargs["pk"], number=kwargs["number"])
        self.contract = self.deliverable.contract

    def cancel_url(self):
        return contract_url(self.contract)

    def breadcrumbs(self):
        return [
            (_("我的合同"), reverse("contracts:contract-mine")),
            (self.contract.number, contract_url(self.contract)),
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "contract": self.contract,
            "deliverable": self.deliverable,
            "can_submit": deliverable_submittable(self.deliverable),
            "submissions": list(self.deliverable.submissions.all()),
        }

    def perform(self, data):
        services.submission_create(actor=self.request.user, deliverable=self.deliverable, **data)
        self.success_message = _("已提交履约事项“%(title)s”的材料，等待购买主体验收。") % {
            "title": self.deliverable.title
        }
        return contract_url(self.contract)
