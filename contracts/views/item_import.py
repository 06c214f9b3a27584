"""The purchase items of a list as an Excel file, and the purchasers' two-step import (preview, then confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from import_export.tmp_storages import MediaStorage

from contracts import imports
from contracts.access import access_purchase_list_for_manage, access_purchase_list_for_view
from contracts.forms import ItemImportForm
from contracts.views.base import list_url
from core.spreadsheets import XLSX_CONTENT_TYPE
from core.uploads import validate_upload
from core.views import bytes_response


def purchase_item_export(request, pk):
    """The list's items as an Excel file with the import headers."""
    purchase_list = access_purchase_list_for_view(request.user, pk)
    return bytes_response(
        imports.purchase_items_xlsx(purchase_list), imports.export_filename(purchase_list), XLSX_CONTENT_TYPE
    )


class PurchaseItemImportView(LoginRequiredMixin, View):
    """Import items from Excel: upload and preview (a dry run), then confirm; all or nothing."""

    template_name = "contracts/purchase_item_import.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.purchase_list = access_purchase_list_for_manage(request.user, kwargs["pk"])
        self.session_key = f"contracts-item-import-{self.purchase_list.pk}"
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, result=None, file_name=""):
        """The form page (includes/service_form.html) with the preview or the errors of the last upload."""
        list_page = list_url(self.purchase_list)
        context = {
            "title": _("从 Excel 导入购买项目"),
            "subtitle": self.purchase_list.title,
            "breadcrumbs": [
                (_("购买服务目录"), reverse("contracts:purchase-list-list")),
                (self.purchase_list.title, list_page),
            ],
            "cancel_url": list_page,
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
                raise ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"), code="upload_type")
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
