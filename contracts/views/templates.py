"""The model contract (public: every version and what changed) and its revision by the officials who keep it; the
contract text of one contract as PDF (everyone who may see the contract) and as Word (its purchasers)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import services
from contracts.access import access_contract_for_manage, access_contract_for_view
from contracts.contract_text import PLACEHOLDERS, contract_text_docx, contract_text_pdf, current_template
from contracts.models import ContractTemplate
from contracts.permissions import can_edit_contract_template
from core.views import ServiceFormView, bytes_response, pdf_response
from verification.services import site_url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _template_page(request, template: ContractTemplate):
    versions = ContractTemplate.objects.select_related("created_by").order_by("-version")
    context = {
        "template": template,
        "versions": versions,
        "is_current": template.version == versions[0].version,
        "placeholders": PLACEHOLDERS,
        "can_edit": can_edit_contract_template(request.user),
    }
    return render(request, "contracts/contract_template.html", context)


def contract_template(request):
    return _template_page(request, current_template())


def contract_template_version(request, version: int):
    current_template()  # the first version exists whatever happened to the rows
    try:
        template = ContractTemplate.objects.get(version=version)
    except ContractTemplate.DoesNotExist:
        raise Http404 from None
    return _template_page(request, template)


class ContractTemplateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("合同文本"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "font-monospace"}),
        help_text=gettext_lazy(
            "以“# ”开头的行是条款标题；占位符（如 {{甲方}}）由合同的数据填入，可用的占位符见示范文本页面。"
        ),
    )
    note = forms.CharField(label=gettext_lazy("修订说明"), max_length=300, required=False)


class ContractTemplateEditView(ServiceFormView):
    form_class = ContractTemplateForm
    title = gettext_lazy("修订合同示范文本")
    submit_label = gettext_lazy("保存为新版本")

    def load(self, **kwargs):
        if not can_edit_contract_template(self.request.user):
            raise PermissionDenied
        self.current = current_template()
        return None

    def get_initial(self):
        if self.current is None:
            return {}
        return {"title": self.current.title, "body": self.current.body}

    def perform(self, data):
        template = services.contract_template_save(actor=self.request.user, **data)
        self.success_message = _("已保存合同示范文本第 %(version)d 版。") % {"version": template.version}
        return reverse("contracts:contract-template")

    def cancel_url(self):
        return reverse("contracts:contract-template")

    def breadcrumbs(self):
        return [(_("合同示范文本"), reverse("contracts:contract-template"))]


def contract_pdf(request, number):
    """The contract text (合同文本) made from the model contract and the contract's data."""
    contract = access_contract_for_view(request.user, number)
    return pdf_response(contract_text_pdf(contract, base_url=site_url(request)), f"{contract.number}-contract.pdf")


def contract_docx(request, number):
    """The same text as a Word file, for the purchasing department to edit before signing."""
    contract = access_contract_for_manage(request.user, number)
    return bytes_response(contract_text_docx(contract), f"{contract.number}-contract.docx", DOCX)
