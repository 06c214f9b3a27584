"""The registrars' organization import as a page of the site (批量导入社会组织): upload an xlsx or csv file, see the
dry run's counts or every row error, confirm; and the template workbook whose headers and example row import as
they are. The same importer serves `manage.py import_organizations`; the admin keeps its import for superusers."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from import_export.tmp_storages import MediaStorage

from accounts.permissions import is_registrar, is_superuser
from core.spreadsheets import XLSX_CONTENT_TYPE, ImportFileError, xlsx_bytes
from core.uploads import validate_upload
from core.views import bytes_response
from registry.imports import organizations_import
from registry.imports.columns import ALL_COLUMNS
from registry.models import Department, Organization
from registry.uscc import make_uscc

SESSION_KEY = "registry-organization-import"


class OrganizationImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 或 CSV 文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=gettext_lazy("第1行为列名；按统一社会信用代码新增或更新社会组织。"),
    )


def _require_importer(user) -> None:
    if not (is_registrar(user) or is_superuser(user)):
        raise PermissionDenied(_("只有登记管理机关工作人员或系统管理员可以导入社会组织"))


def _run(user, content: bytes, suffix: str, *, dry_run: bool):
    """The importer reads a path: the upload goes through a temporary file that is removed afterwards."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        return organizations_import(actor=user, source=Path(handle.name), dry_run=dry_run)


class OrganizationImportView(LoginRequiredMixin, View):
    template_name = "registry/organization_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_importer(request.user)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, result=None, file_name=""):
        context = {
            "title": _("批量导入社会组织"),
            "breadcrumbs": [(_("社会组织名录"), reverse("registry:organization-list"))],
            "cancel_url": reverse("registry:organization-list"),
            "form": form,
            "result": result,
            "file_name": file_name,
            "headers": [column.header for column in ALL_COLUMNS if not column.optional_column],
            "optional_headers": [column.header for column in ALL_COLUMNS if column.optional_column],
        }
        return render(self.request, self.template_name, context)

    def _discard_pending(self) -> None:
        pending = self.request.session.pop(SESSION_KEY, None)
        if pending:
            MediaStorage(name=pending["name"]).remove()

    def get(self, request):
        return self.render_page(OrganizationImportForm())

    def post(self, request):
        if request.POST.get("step") == "confirm":
            return self.confirm()
        form = OrganizationImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        try:
            extension = validate_upload(upload).extension
            if extension not in ("xlsx", "csv"):
                raise ValidationError(_("请上传 .xlsx 或 .csv 文件。"), code="upload_type")
        except ValidationError as error:
            form.add_error("file", error)
            return self.render_page(form)
        content = upload.read()
        try:
            result = _run(request.user, content, f".{extension}", dry_run=True)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render_page(form)
        self._discard_pending()
        if result.ok:
            storage = MediaStorage(read_mode="rb")
            storage.save(content)
            request.session[SESSION_KEY] = {"name": storage.name, "file_name": upload.name, "suffix": f".{extension}"}
        return self.render_page(OrganizationImportForm(), result, upload.name)

    def confirm(self):
        pending = self.request.session.pop(SESSION_KEY, None)
        if not pending:
            messages.error(self.request, _("没有待确认的导入文件，请重新上传。"))
            return redirect("registry:organization-import")
        storage = MediaStorage(name=pending["name"], read_mode="rb")
        try:
            content = storage.read()
        except OSError:
            messages.error(self.request, _("待确认的导入文件已失效，请重新上传。"))
            return redirect("registry:organization-import")
        storage.remove()
        try:
            result = _run(self.request.user, content, pending["suffix"], dry_run=False)
        except (ImportFileError, IntegrityError) as error:
            messages.error(self.request, _("导入失败，未写入任何数据：%(error)s") % {"error": error})
            return redirect("registry:organization-import")
        if not result.ok:
            return self.render_page(OrganizationImportForm(), result, pending["file_name"])
        messages.success(
            self.request,
            _("导入完成：新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("registry:organization-list")


def _example_row(user) -> dict[str, object]:
    """One row that imports as it is for this user: their own department and region, a valid new code."""
    department = getattr(user, "department", None)
    if department is None or department.kind != Department.Kind.CIVIL_AFFAIRS:
        department = Department.objects.filter(kind=Department.Kind.CIVIL_AFFAIRS).select_related("region").first()
    region = department.region if department else None
    region_code = region.code if region else "150100"
    entity = 990000
    uscc = make_uscc("2", region_code, f"MJ{entity:06d}")
    while Organization.objects.filter(uscc=uscc).exists():
        entity += 1
        uscc = make_uscc("2", region_code, f"MJ{entity:06d}")
    place = region.name if region else ""
    today = timezone.localdate()
    with translation.override("zh-hans"):  # cells are in the file format's language, whatever the page's
        org_type, status = str(Organization.Type.SERVICE.label), str(Organization.Status.NORMAL.label)
    return {
        "uscc": uscc,
        "name": f"{place}示例社会工作服务中心",
        "org_type": org_type,
        "registration_authority": department.name if department else "",
        "supervisory_unit": "",
        "legal_representative": "张三",
        "registered_funds": 30000,
        "established_on": today.replace(year=today.year - 1).isoformat(),
        "domicile": f"{place}示例路1号",
        "business_scope": "社会工作服务、养老服务",
        "region": region_code,
        "status": status,
        "contact_phone": "0471-0000000",
        "contact_email": "example@example.cn",
        "certificate_valid_until": "",
        "rating_grade": "",
        "rating_score": "",
        "rating_awarded_on": "",
    }


def organization_import_template(request):
    """The import template: every column's header and one example row valid for the signed-in registrar."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    _require_importer(request.user)
    row = _example_row(request.user)
    content = xlsx_bytes(
        [column.header for column in ALL_COLUMNS],
        [[row.get(column.field, "") for column in ALL_COLUMNS]],
        title=_("社会组织"),
    )
    return bytes_response(content, "社会组织导入模板.xlsx", XLSX_CONTENT_TYPE)
