"""Contract documents and evidence files: upload, publish or unpublish, remove from a draft, download.

Files answer 404 to everyone who may not download them, signed in or not.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import services
from contracts.access import (
    access_document_for_download,
    access_document_for_manage,
    access_submission_file_for_download,
)
from contracts.forms import DocumentForm
from contracts.models import Contract, ContractDocument
from contracts.views.base import ContractActionView, contract_url
from contracts.workflows import CONTRACT
from core.views import ConfirmForm, stored_file_response
from core.workflow import Button, Offer, offered_buttons

# What a document's row on the contract page offers its managers besides the publish toggle, by transition of the
# contract (contracts.workflows.CONTRACT); the row's key is (contract number, document pk).
DOCUMENT_OFFERS = {
    "remove_document": Offer(
        lambda key: reverse("contracts:document-remove", args=key),
        "btn-sm btn-outline-danger",
        label=gettext_lazy("删除"),
    ),
}


def document_buttons(contract: Contract, document: ContractDocument, *, can_manage: bool) -> list[Button]:
    """The links a document's row on the contract page offers (`can_manage`: can_manage_contract of the user)."""
    key = (contract.number, document.pk)
    return offered_buttons(CONTRACT, contract.status, DOCUMENT_OFFERS, key, lambda action: can_manage)


def document_download(request, number, pk):
    document = access_document_for_download(request.user, pk, number=number)
    return stored_file_response(
        request,
        document.file,
        original_name=document.original_name,
        content_type=document.content_type,
        sha256=document.sha256,
    )


def submission_file_download(request, number, pk):
    stored = access_submission_file_for_download(request.user, pk, number=number)
    return stored_file_response(
        request, stored.file, original_name=stored.original_name, content_type=stored.content_type, sha256=stored.sha256
    )


class DocumentCreateView(ContractActionView):
    form_class = DocumentForm
    title = gettext_lazy("上传合同文件")
    submit_label = gettext_lazy("上传")
    error_field = "file"

    def perform(self, data):
        document = services.contract_document_add(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已上传文件“%(title)s”。") % {"title": document.title}
        return contract_url(self.contract)


class DocumentActionView(ContractActionView):
    def load(self, **kwargs) -> None:
        self.document = access_document_for_manage(self.request.user, kwargs["pk"], number=kwargs["number"])
        self.contract = self.document.contract

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "document": self.document}


class DocumentRemoveView(DocumentActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除合同文件")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "contracts/includes/confirm_remove_document.html"

    def perform(self, data):
        title = self.document.title
        services.contract_document_remove(actor=self.request.user, document=self.document)
        self.success_message = _("已删除文件“%(title)s”。") % {"title": title}
        return contract_url(self.contract)


class DocumentVisibilityView(DocumentActionView):
    """Publish a document to everyone or take it back (a POST from the contract page)."""

    form_class = ConfirmForm
    http_method_names = ["post"]

    def perform(self, data):
        is_public = self.request.POST.get("is_public") == "1"
        services.contract_document_set_public(actor=self.request.user, document=self.document, is_public=is_public)
        if is_public:
            self.success_message = _("文件“%(title)s”已向公众公开。") % {"title": self.document.title}
        else:
            self.success_message = _("文件“%(title)s”已改为不公开。") % {"title": self.document.title}
        return contract_url(self.contract)

    def form_invalid(self, form):
        messages.error(self.request, "；".join(form.non_field_errors()))
        return redirect(contract_url(self.contract))
