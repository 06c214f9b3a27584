"""Purchase-list pages: the public catalogue and a list's page for everyone, the purchasers' forms on their drafts."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.permissions import is_purchaser, is_superuser
from contracts import reports, selectors, services
from contracts.access import access_purchase_item_for_manage, access_purchase_list_for_view
from contracts.filters import PurchaseListFilter
from contracts.forms import PublishForm, PurchaseItemForm, PurchaseListForm, WithdrawForm
from contracts.permissions import can_edit_purchase_list
from contracts.tables import PurchaseListTable
from contracts.views.base import PurchaseListActionView, PurchaserActionView, list_url
from contracts.workflows import PURCHASE_LIST
from core.views import ConfirmForm, pdf_response, render_list_page
from core.workflow import Offer, offered_buttons
from verification.services import site_url


def _list_link(name: str):
    return lambda purchase_list: reverse(f"contracts:{name}", args=[purchase_list.pk])


# What a list's page offers, by transition (contracts.workflows.PURCHASE_LIST), in the table's order.
LIST_OFFERS = {
    "update": Offer(_list_link("purchase-list-edit")),
    "add_item": Offer(_list_link("purchase-item-create"), testid="item-create"),
    "import_items": Offer(_list_link("purchase-item-import")),
    "publish": Offer(_list_link("purchase-list-publish"), "btn-primary", "list-publish"),
    "delete": Offer(_list_link("purchase-list-delete"), "btn-outline-danger"),
    "revise": Offer(_list_link("purchase-list-revise")),
    "withdraw": Offer(_list_link("purchase-list-withdraw"), "btn-outline-danger"),
}
# ... and on each of its items.
ITEM_OFFERS = {
    "update_item": Offer(
        lambda item: reverse("contracts:purchase-item-edit", args=[item.purchase_list_id, item.pk]),
        "btn-sm btn-outline-primary",
    ),
    "remove_item": Offer(
        lambda item: reverse("contracts:purchase-item-remove", args=[item.purchase_list_id, item.pk]),
        "btn-sm btn-outline-danger",
    ),
    "contract_item": Offer(
        lambda item: f"{reverse('contracts:contract-create')}?item={item.pk}",
        "btn-sm btn-outline-primary",
        "item-contract-create",
    ),
}


# ---- public pages ----------------------------------------------------------------------------------------------


class PurchaseListListView(View):
    """购买服务目录: published and withdrawn lists for everyone, and the drafts of a purchaser's region."""

    template_name = "contracts/purchase_list_list.html"

    def get(self, request):
        filterset = PurchaseListFilter(
            request.GET or None,
            queryset=selectors.purchase_list_list(user=request.user, figures=False),
            request=request,
        )
        return render_list_page(
            request,
            self.template_name,
            filterset,
            PurchaseListTable(filterset.qs),
            can_create=is_superuser(request.user) or is_purchaser(request.user),
        )


class PurchaseListDetailView(View):
    """A list with its items; its editors get the buttons its status allows (contracts.workflows)."""

    template_name = "contracts/purchase_list_detail.html"

    def get(self, request, pk):
        purchase_list = access_purchase_list_for_view(request.user, pk)
        can_edit = can_edit_purchase_list(request.user, purchase_list)

        def may(action: str) -> bool:
            return can_edit

        for item in purchase_list.item_rows:
            item.actions = offered_buttons(PURCHASE_LIST, purchase_list.status, ITEM_OFFERS, item, may)
        context = {
            "purchase_list": purchase_list,
            "items": purchase_list.item_rows,
            "total_budget": sum((item.budget for item in purchase_list.item_rows), selectors.ZERO),
            "revisions": selectors.purchase_list_list(user=request.user).filter(revision_of=purchase_list),
            "can_edit": can_edit,
            "can_create_contract": is_superuser(request.user) or is_purchaser(request.user),
            "actions": offered_buttons(PURCHASE_LIST, purchase_list.status, LIST_OFFERS, purchase_list, may),
        }
        return render(request, self.template_name, context)


def purchase_list_pdf(request, pk):
    """The PDF of a published (or withdrawn) list; a draft has none."""
    purchase_list = access_purchase_list_for_view(request.user, pk)
    if purchase_list.is_draft:
        raise Http404(_("草稿目录没有 PDF 文本。"))
    content = reports.purchase_list_pdf(purchase_list, base_url=site_url(request))
    return pdf_response(content, f"purchase-list-{purchase_list.pk}.pdf")


# ---- purchasers' pages -----------------------------------------------------------------------------------------


class PurchaseListCreateView(PurchaserActionView):
    form_class = PurchaseListForm
    title = gettext_lazy("新建购买服务目录")
    submit_label = gettext_lazy("创建草稿")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def cancel_url(self):
        return reverse("contracts:purchase-list-list")

    def breadcrumbs(self):
        return [(_("购买服务目录"), reverse("contracts:purchase-list-list"))]

    def perform(self, data):
        purchase_list = services.purchase_list_create(actor=self.request.user, **data)
        self.success_message = _("已创建目录草稿“%(title)s”，请添加购买项目。") % {"title": purchase_list.title}
        return list_url(purchase_list)


class PurchaseListEditView(PurchaseListActionView):
    form_class = PurchaseListForm
    title = gettext_lazy("修改目录信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "with_department": False}

    def get_initial(self):
        pl = self.purchase_list
        return {"year": pl.year, "title": pl.title, "description": pl.description}

    def perform(self, data):
        services.purchase_list_update(actor=self.request.user, purchase_list=self.purchase_list, **data)
        self.success_message = _("已保存目录信息。")
        return list_url(self.purchase_list)


class PurchaseListDeleteView(PurchaseListActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除目录草稿")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "contracts/includes/confirm_delete_list.html"

    def perform(self, data):
        title = self.purchase_list.title
        services.purchase_list_delete(actor=self.request.user, purchase_list=self.purchase_list)
        self.success_message = _("已删除目录草稿“%(title)s”。") % {"title": title}
        return reverse("contracts:purchase-list-list")


class PurchaseListPublishView(PurchaseListActionView):
    form_class = PublishForm
    title = gettext_lazy("发布目录")
    submit_label = gettext_lazy("发布")
    intro_template = "contracts/includes/publish_intro.html"

    def perform(self, data):
        services.purchase_list_publish(actor=self.request.user, purchase_list=self.purchase_list, **data)
        self.success_message = _("目录已发布，向公众公开。")
        return list_url(self.purchase_list)


class PurchaseListWithdrawView(PurchaseListActionView):
    form_class = WithdrawForm
    title = gettext_lazy("撤回目录")
    submit_label = gettext_lazy("撤回")
    submit_class = "btn-danger"

    def perform(self, data):
        services.purchase_list_withdraw(actor=self.request.user, purchase_list=self.purchase_list, **data)
        self.success_message = _("目录已撤回。")
        return list_url(self.purchase_list)


class PurchaseListReviseView(PurchaseListActionView):
    form_class = ConfirmForm
    title = gettext_lazy("修订目录")
    submit_label = gettext_lazy("创建修订草稿")
    intro_template = "contracts/includes/revise_intro.html"

    def perform(self, data):
        revision = services.purchase_list_revise(actor=self.request.user, purchase_list=self.purchase_list)
        self.success_message = _("已创建修订草稿；发布后将替代原目录。")
        return list_url(revision)


class PurchaseItemCreateView(PurchaseListActionView):
    form_class = PurchaseItemForm
    title = gettext_lazy("添加购买项目")

    def perform(self, data):
        item = services.purchase_item_add(actor=self.request.user, purchase_list=self.purchase_list, **data)
        self.success_message = _("已添加购买项目“%(item)s”。") % {"item": item}
        return list_url(self.purchase_list)


class PurchaseItemActionView(PurchaseListActionView):
    def load(self, **kwargs) -> None:
        self.item = access_purchase_item_for_manage(self.request.user, kwargs["item_pk"], list_pk=kwargs["pk"])
        self.purchase_list = self.item.purchase_list

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "item": self.item}


class PurchaseItemEditView(PurchaseItemActionView):
    form_class = PurchaseItemForm
    title = gettext_lazy("修改购买项目")

    def get_initial(self):
        return {name: getattr(self.item, name) for name in services.PURCHASE_ITEM_FIELDS}

    def perform(self, data):
        services.purchase_item_update(actor=self.request.user, item=self.item, **data)
        self.success_message = _("已保存购买项目“%(item)s”。") % {"item": self.item}
        return list_url(self.purchase_list)


class PurchaseItemRemoveView(PurchaseItemActionView):
    form_class = ConfirmForm
    title = gettext_lazy("删除购买项目")
    submit_label = gettext_lazy("删除")
    submit_class = "btn-danger"
    intro_template = "contracts/includes/confirm_remove_item.html"

    def perform(self, data):
        label = str(self.item)
        services.purchase_item_remove(actor=self.request.user, item=self.item)
        self.success_message = _("已删除购买项目“%(item)s”。") % {"item": label}
        return list_url(self.purchase_list)
