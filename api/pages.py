"""The officials' export page (`/exports/`): request an export, watch it, download it when ready.

Only the requester ever sees or downloads an export: anyone else's, like a missing one, answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from api import exports
from api.forms import ExportForm
from api.models import Export
from api.permissions import can_download_export, can_request_export
from core.views import add_service_errors


class ExportListView(LoginRequiredMixin, View):
    template_name = "api/exports.html"
    partial_template_name = "api/export_table.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_request_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form: ExportForm, status: int = 200):
        exports_of_user = list(exports.export_list_for(user=request.user)[:50])
        context = {
            "form": form,
            "exports": exports_of_user,
            "working": any(not export.is_finished for export in exports_of_user),
            "threshold": exports.background_threshold(),
        }
        template = self.partial_template_name if request.htmx else self.template_name
        return render(request, template, context, status=status)

    def get(self, request):
        return self.render_page(request, ExportForm())

    def post(self, request):
        form = ExportForm(request.POST)
        if form.is_valid():
            try:
                export = exports.export_create(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    file_format=form.cleaned_data["file_format"],
                    filters=form.export_filters(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if export.is_ready:
                    messages.success(request, _("导出文件已生成，共 %(count)d 行。") % {"count": export.row_count})
                elif export.status == Export.Status.FAILED:
                    messages.error(request, _("导出失败：%(error)s") % {"error": export.error})
                else:
                    messages.info(
                        request,
                        _("共 %(count)d 行，已转入后台生成；完成后可在下表下载。") % {"count": export.row_count},
                    )
                return redirect("exports:list")
        return self.render_page(request, form, status=400)


@login_required
def export_download(request, pk: int):
    export = Export.objects.filter(pk=pk).first()
    if export is None or not can_download_export(request.user, export) or not export.is_ready:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.download_name())
