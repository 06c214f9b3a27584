"""Pages of purchase lists and contracts: the public record, the purchasers' work and the organizations' deliveries.

Views parse the request, call one selector or service and render; who may do what is decided in
contracts/permissions.py and every rule in contracts/services.py, whose ValidationErrors appear on the forms.

Answers for users who may not act: anonymous users are sent to the login page; a signed-in user without the role the
page needs (purchaser, organization member) gets 403; an object outside the user's reach — missing, a draft the user
may not see, or another region's list or contract — gets 404, the same answer as for one that does not exist.
Files (contract documents, submission files) answer 404 to everyone who may not download them, signed in or not.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from import_export.tmp_storages import MediaStorage

from accounts.permissions import is_org_member, is_purchaser, is_superuser, scope_to_region
from contracts import imports, reports, selectors, services
from contracts.filters import ContractFilter, PurchaseListFilter
from contracts.forms import (
    AmendForm,
    CompleteForm,
    ContractForm,
    DecisionForm,
    DeliverableForm,
    DocumentForm,
    ItemImportForm,
    PaymentForm,
    PublishForm,
    PurchaseItemForm,
    PurchaseListForm,
    SignForm,
    SubmissionForm,
    TerminateForm,
    WithdrawForm,
)
from contracts.models import (
    Contract,
    ContractDocument,
    Deliverable,
    PurchaseItem,
    PurchaseList,
    Submission,
    SubmissionFile,
)
from contracts.permissions import (
    can_download_document,
    can_download_submission_file,
    can_edit_purchase_list,
    can_manage_contract,
    can_submit_deliverable,
    can_view_contract_evidence,
    member_of_contract_organization,
)
from contracts.tables import ContractTable, PurchaseListTable
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.uploads import validate_upload
from core.views import (
    ConfirmForm,
    ServiceFormView,
    bytes_response,
    paginate_table,
    pdf_response,
    per_page_choices,
    stored_file_response,
)

# ---- lookups shared by the pages -------------------------------------------------------------------------------


def require_purchaser(user) -> None:
    if not (is_superuser(user) or is_purchaser(user)):
        raise PermissionDenied


def purchase_list_or_404(pk: int, user) -> PurchaseList:
    try:
        return selectors.purchase_list_get(pk=pk, user=user)
    except PurchaseList.DoesNotExist:
        raise Http404(_("没有这份购买服务目录。")) from None


def purchase_list_for_edit(user, pk: int) -> PurchaseList:
    """The list a purchaser page acts on: 403 without the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    purchase_list = purchase_list_or_404(pk, user)
    if not can_edit_purchase_list(user, purchase_list):
        raise Http404
    return purchase_list


def contract_or_404(number: str, user) -> Contract:
    try:
        return selectors.contract_get_by_number(number=number, user=user)
    except Contract.DoesNotExist:
        raise Http404(_("没有编号为 %(number)s 的合同。") % {"number": number}) from None


def contract_for_manage(user, number: str) -> Contract:
    """The contract a purchaser page acts on: 403 without the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    contract = contract_or_404(number, user)
    if not can_manage_contract(user, contract):
        raise Http404
    return contract


def list_url(purchase_list: PurchaseList) -> str:
    return reverse("contracts:purchase-list-detail", args=[purchase_list.pk])


def contract_url(contract: Contract) -> str:
    return reverse("contracts:contract-detail", args=[contract.number])


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
        self.purchase_list = purchase_list_for_edit(self.request.user, kwargs["pk"])

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
        self.contract = contract_for_manage(self.request.user, kwargs["number"])

    def cancel_url(self) -> str:
        return contract_url(self.contract)

    def breadcrumbs(self):
        return [
            (_("合同管理"), reverse("contracts:contract-manage")),
            (self.contract.number, contract_url(self.contract)),
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contract": self.contract}


# ---- purchase lists: public pages ------------------------------------------------------------------------------


class PurchaseListListView(View):
    """购买服务目录: published and withdrawn lists for everyone, and the drafts of a purchaser's region."""

    template_name = "contracts/purchase_list_list.html"

    def get(self, request):
        filterset = PurchaseListFilter(
            request.GET or None, queryset=selectors.purchase_list_list(user=request.user), request=request
        )
        table = PurchaseListTable(filterset.qs)
        per_page = paginate_table(request, table)
        context = {
            "filter": filterset,
            "table": table,
            "per_page": per_page,
            "per_page_choices": per_page_choices(per_page),
            "can_create": is_superuser(request.user) or is_purchaser(request.user),
        }
        return render(request, self.template_name, context)


class PurchaseListDetailView(View):
    template_name = "contracts/purchase_list_detail.html"

    def get(self, request, pk):
        purchase_list = purchase_list_or_404(pk, request.user)
        context = {
            "purchase_list": purchase_list,
            "items": purchase_list.item_rows,
            "total_budget": sum((item.budget for item in purchase_list.item_rows), selectors.ZERO),
            "revisions": selectors.purchase_list_list(user=request.user).filter(revision_of=purchase_list),
            "can_edit": can_edit_purchase_list(request.user, purchase_list),
            "can_create_contract": is_superuser(request.user) or is_purchaser(request.user),
        }
        return render(request, self.template_name, context)


def purchase_list_pdf(request, pk):
    """The PDF of a published (or withdrawn) list; a draft has none."""
    purchase_list = purchase_list_or_404(pk, request.user)
    if purchase_list.is_draft:
        raise Http404(_("草稿目录没有 PDF 文本。"))
    return pdf_response(reports.purchase_list_pdf(purchase_list), f"purchase-list-{purchase_list.pk}.pdf")


def purchase_item_export(request, pk):
    """The list's items as an Excel file with the import headers."""
    purchase_list = purchase_list_or_404(pk, request.user)
    return bytes_response(
        imports.purchase_items_xlsx(purchase_list), imports.export_filename(purchase_list), XLSX_CONTENT_TYPE
    )


# ---- purchase lists: purchasers' pages -------------------------------------------------------------------------


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
        super().load(**kwargs)
        self.item = get_object_or_404(PurchaseItem, pk=kwargs["item_pk"], purchase_list=self.purchase_list)

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


class PurchaseItemImportView(LoginRequiredMixin, View):
    """Import items from Excel: upload and preview (a dry run), then confirm; all or nothing."""

    template_name = "contracts/purchase_item_import.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.purchase_list = purchase_list_for_edit(request.user, kwargs["pk"])
        self.session_key = f"contracts-item-import-{self.purchase_list.pk}"
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, result=None, file_name=""):
        context = {
            "purchase_list": self.purchase_list,
            "form": form,
            "result": result,
            "file_name": file_name,
            "headers": list(imports.HEADERS.values()),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        return self.render_page(ItemImportForm())

    def _discard_pending(self) -> None:
        pending = self.request.session.pop(self.session_key, None)
        if pending:
            MediaStorage(name=pending["name"]).remove()

    def post(self, request, pk):
        if request.POST.get("step") == "confirm":
            return self.confirm()
        form = ItemImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        try:
            if validate_upload(upload).extension != "xlsx":
                raise ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        except ValidationError as error:
            form.add_error("file", error)
            return self.render_page(form)
        content = upload.read()
        try:
            result = imports.purchase_items_import(
                actor=request.user, purchase_list=self.purchase_list, content=content, dry_run=True
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
            return self.render_page(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(form)
        self._discard_pending()
        if result.ok:
            storage = MediaStorage(read_mode="rb")
            storage.save(content)
            request.session[self.session_key] = {"name": storage.name, "file_name": upload.name}
        return self.render_page(ItemImportForm(), result, upload.name)

    def confirm(self):
        pending = self.request.session.pop(self.session_key, None)
        if not pending:
            messages.error(self.request, _("没有待确认的导入文件，请重新上传。"))
            return redirect("contracts:purchase-item-import", self.purchase_list.pk)
        storage = MediaStorage(name=pending["name"], read_mode="rb")
        try:
            content = storage.read()
        except OSError:
            messages.error(self.request, _("待确认的导入文件已失效，请重新上传。"))
            return redirect("contracts:purchase-item-import", self.purchase_list.pk)
        storage.remove()
        try:
            result = imports.purchase_items_import(
                actor=self.request.user, purchase_list=self.purchase_list, content=content
            )
        except (imports.ImportFileError, ValidationError) as error:
            text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(self.request, text)
            return redirect("contracts:purchase-item-import", self.purchase_list.pk)
        if not result.ok:
            return self.render_page(ItemImportForm(), result, pending["file_name"])
        messages.success(
            self.request,
            _("导入完成：新增 %(created)d 项，更新 %(updated)d 项，%(unchanged)d 项无变化。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect(list_url(self.purchase_list))


# ---- contracts: lists ------------------------------------------------------------------------------------------


class ContractListView(View):
    """合同公开: every contract from signing on, for everyone."""

    template_name = "contracts/contract_list.html"
    title = gettext_lazy("合同公开")
    include_drafts = False
    page = "public"

    def get_queryset(self):
        return selectors.contract_list_for(user=self.request.user).exclude(status=Contract.Status.DRAFT)

    def check(self, user) -> None:
        """Raise PermissionDenied when the user may not open this listing."""

    def get(self, request):
        self.check(request.user)
        filterset = ContractFilter(
            request.GET or None, queryset=self.get_queryset(), request=request, include_drafts=self.include_drafts
        )
        table = ContractTable(filterset.qs)
        per_page = paginate_table(request, table)
        context = {
            "title": self.title,
            "page": self.page,
            "filter": filterset,
            "table": table,
            "per_page": per_page,
            "per_page_choices": per_page_choices(per_page),
            "can_create": is_superuser(request.user) or is_purchaser(request.user),
        }
        return render(request, self.template_name, context)


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
            return selectors.contract_list_for(user=user)
        return scope_to_region(selectors.contract_list_for(user=user, mine=True), user, "department__region")


class ContractMineView(LoginRequiredMixin, ContractListView):
    """我的合同: the contracts of the member's organization."""

    title = gettext_lazy("我的合同")
    page = "mine"

    def check(self, user):
        if not is_org_member(user):
            raise PermissionDenied

    def get_queryset(self):
        user = self.request.user
        return selectors.contract_list_for(user=user, mine=True).filter(organization_id=user.organization_id)


# ---- contracts: the record -------------------------------------------------------------------------------------


class ContractDetailView(View):
    template_name = "contracts/contract_detail.html"

    def get(self, request, number):
        contract = contract_or_404(number, request.user)
        user = request.user
        can_see_evidence = can_view_contract_evidence(user, contract)
        deliverables = list(contract.deliverables.all())
        documents = [document for document in contract.documents.all() if can_see_evidence or document.is_public]
        context = {
            "contract": contract,
            "deliverables": deliverables,
            "payments": list(contract.payments.all()),
            "amendments": list(contract.amendments.all()),
            "documents": documents,
            "can_manage": can_manage_contract(user, contract),
            "can_see_evidence": can_see_evidence,
            "is_member": member_of_contract_organization(user, contract),
            "share_total": sum((deliverable.payment_share for deliverable in deliverables), selectors.ZERO),
            "remaining_amount": contract.amount - contract.paid_amount,
            "acknowledged_warnings": [line for line in contract.eligibility_acknowledged_warnings.splitlines() if line],
        }
        return render(request, self.template_name, context)


def contract_summary_pdf(request, number):
    contract = contract_or_404(number, request.user)
    return pdf_response(reports.contract_summary_pdf(contract), f"{contract.number}.pdf")


def document_download(request, number, pk):
    document = ContractDocument.objects.select_related("contract").filter(pk=pk, contract__number=number).first()
    if document is None or not can_download_document(request.user, document):
        raise Http404
    return stored_file_response(document.file, original_name=document.original_name, content_type=document.content_type)


def submission_file_download(request, number, pk):
    stored = (
        SubmissionFile.objects.select_related("submission__deliverable__contract")
        .filter(pk=pk, submission__deliverable__contract__number=number)
        .first()
    )
    if stored is None or not can_download_submission_file(request.user, stored):
        raise Http404
    return stored_file_response(stored.file, original_name=stored.original_name, content_type=stored.content_type)


# ---- contracts: purchasers' pages ------------------------------------------------------------------------------


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


class DeliverableCreateView(ContractActionView):
    form_class = DeliverableForm
    title = gettext_lazy("添加履约事项")

    def perform(self, data):
        deliverable = services.deliverable_add(actor=self.request.user, contract=self.contract, **data)
        self.success_message = _("已添加履约事项“%(title)s”。") % {"title": deliverable.title}
        return contract_url(self.contract)


class DeliverableActionView(ContractActionView):
    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        self.deliverable = get_object_or_404(Deliverable, pk=kwargs["pk"], contract=self.contract)
        self.deliverable.contract = self.contract

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
        context["review"] = selectors.contract_signing_review(self.contract, signed_on=signed_on)
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
    form_class = ConfirmForm
    title = gettext_lazy("开始履行")
    submit_label = gettext_lazy("开始履行")
    intro_template = "contracts/includes/start_intro.html"

    def perform(self, data):
        services.contract_start_performance(actor=self.request.user, contract=self.contract)
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
        super().load(**kwargs)
        self.document = get_object_or_404(ContractDocument, pk=kwargs["pk"], contract=self.contract)
        self.document.contract = self.contract

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


class SubmissionDecideView(ContractActionView):
    """The purchaser accepts a submission, or returns it with a comment."""

    form_class = DecisionForm
    template_name = "contracts/submission_decide.html"
    title = gettext_lazy("验收履约事项")

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        self.submission = get_object_or_404(
            Submission.objects.select_related("deliverable", "submitted_by").prefetch_related("files"),
            pk=kwargs["pk"],
            deliverable__contract=self.contract,
        )
        self.submission.deliverable.contract = self.contract

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "submission": self.submission,
            "deliverable": self.submission.deliverable,
        }

    def perform(self, data):
        if data["decision"] == DecisionForm.ACCEPT:
            services.deliverable_accept(actor=self.request.user, submission=self.submission, comment=data["comment"])
            self.success_message = _("履约事项“%(title)s”已通过验收。")
        else:
            services.deliverable_return(actor=self.request.user, submission=self.submission, comment=data["comment"])
            self.success_message = _("履约事项“%(title)s”已退回。")
        self.success_message %= {"title": self.submission.deliverable.title}
        return contract_url(self.contract)


# ---- contracts: organization members' pages --------------------------------------------------------------------


class SubmissionCreateView(ActionView):
    """A member of the contract's organization submits a deliverable: a report and one or more files."""

    form_class = SubmissionForm
    template_name = "contracts/submission_form.html"
    title = gettext_lazy("提交履约材料")
    submit_label = gettext_lazy("提交")

    def load(self, **kwargs) -> None:
        user = self.request.user
        if not is_org_member(user):
            raise PermissionDenied
        self.contract = contract_or_404(kwargs["number"], user)
        self.deliverable = next(
            (deliverable for deliverable in self.contract.deliverables.all() if deliverable.pk == kwargs["pk"]), None
        )
        if self.deliverable is None or not can_submit_deliverable(user, self.deliverable):
            raise Http404

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
            "submissions": list(self.deliverable.submissions.all()),
        }

    def perform(self, data):
        services.submission_create(actor=self.request.user, deliverable=self.deliverable, **data)
        self.success_message = _("已提交履约事项“%(title)s”的材料，等待购买主体验收。") % {
            "title": self.deliverable.title
        }
        return contract_url(self.contract)
