"""The API app's kind of to-do item (see notifications/todo.py): background exports that failed, for superusers, who
open them in the admin."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from api.models import Export
from notifications import todo


@todo.kind("api.failed_exports", _("生成失败的后台导出"), role=todo.ADMIN, order=10)
def failed_exports(user, today: datetime.date) -> todo.Source:
    rows = Export.objects.filter(status=Export.Status.FAILED).select_related("requester")
    return todo.Source(
        rows=rows,
        order_by=("-created_at", "-pk"),
        item=lambda export: todo.Item(
            title=f"{export.get_kind_display()} ({export.get_file_format_display()})",
            detail=f"{export.requester} · {export.error[:80]}",
            url=reverse("admin:api_export_change", args=[export.pk]),
        ),
    )
