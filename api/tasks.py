"""Background work of the API app (django-tasks): building large exports."""

from __future__ import annotations

from django_tasks import task

from api.exports import export_build
from api.models import Export


@task()
def build_export(export_id: int) -> dict:
    """Build one queued export; returns its final status and row count."""
    export = Export.objects.select_related("requester").get(pk=export_id)
    if export.is_finished:
        return {"status": export.status, "rows": export.row_count}
    export_build(export)
    return {"status": export.status, "rows": export.row_count}
