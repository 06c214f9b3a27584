"""What the contracts pages share: the URLs of a list and a contract, the action-page bases, and the buttons a record
offers (its workflow's available transitions that the user may take)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.access import access_contract_for_manage, access_purchase_list_for_manage, require_purchaser
from contracts.models import Contract, PurchaseList
from core.views import ServiceFormView


def list_url(purchase_list: PurchaseList) -> str:
    return reverse("contracts:purchase-list-detail", args=[purchase_list.pk])


def contract_url(contract: Contract) -> str:
    return reverse("contracts:contract-detail", args=[contract.number])


# ---- the buttons a record offers -------------------------------------------------------------------------------


# ---- a form page that calls one service ------------------------------------------------------------------------


class ActionView(ServiceFormView):
    """A contracts page that runs one service (see core.views.ServiceFormView)."""

    def subtitle(self, context: dict) -> str:
        if context.get("contract"):
            return f"{context['contract'].number} · {context['contract'].title}"
        if context.get("purchase_list"):
            return context["purchase_list"].title
        return ""


class PurchaserActionView(ActionView):
    def load(self, **kwargs) -> None:
        require_purchaser(self.request.user)


class PurchaseListActionView(ActionView):
    """A purchaser's form on one purchase list of their region."""

    def load(self, **kwargs) -> None:
        self.purchase_list = access_purchase_list_for_manage(self.request.user, kwargs["pk"])

    def cancel_url(self) -> str:
        return list_url(self.purchase_list)

    def breadcrumbs(self):
        return [
            (_("购买服务目录"), reverse("contracts:purchase-list-list")),
            (self.purchase_list.title, list_url(self.purchase_list)),
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "purchase_list": self.purchase_list}


class ContractActionView(ActionView):
    """A purchaser's form on one contract of their region."""

    def load(self, **kwargs) -> None:
        self.contract = access_contract_for_manage(self.request.user, kwargs["number"])

    def cancel_url(self) -> str:
        return contract_url(self.contract)

    def breadcrumbs(self):
        return [
            (_("合同管理"), reverse("contracts:contract-manage")),
            (self.contract.number, contract_url(self.contract)),
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contract": self.contract}
