"""Bulk exports of contracts and evaluation results for officials, as xlsx or csv.

`export_create` records the request; an export of at most settings.EXPORT_BACKGROUND_THRESHOLD rows is built at once,
a larger one by the `build_export` task below once the request's transaction commits (django-tasks: in production
the database backend, run by `manage.py db_worker` beside gunicorn; the immediate backend, for development and
tests, builds it right away). The rows stream from the database into a temporary file and the file into storage
(settings.STORAGES["default"]: a local folder or S3-compatible storage), so memory stays flat whatever the rows; the
file is kept with the Export row, any web process serves it from storage, and only its requester may download it.

Rows are what the requester may see: contracts through contracts.selectors.contract_list_for (drafts of their own
region for purchasers), evaluation results through evaluations.selectors.evaluation_list_public (finalized only).
Column headers are written in the requester's language.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from accounts.permissions import is_purchaser, is_superuser
from api.filters import ContractApiFilter, EvaluationApiFilter
from api.models import Export
from api.permissions import can_request_export
from contracts.selectors import contract_list_for
from core.spreadsheets import write_csv, write_xlsx
from evaluations.selectors import evaluation_list_public
from notifications.models import Notification
from notifications.services import notify

logger = logging.getLogger(__name__)

DEFAULT_BACKGROUND_THRESHOLD = 2000


def background_threshold() -> int:
    """Exports with more rows than this are built in the background."""
    return int(getattr(settings, "EXPORT_BACKGROUND_THRESHOLD", DEFAULT_BACKGROUND_THRESHOLD))


@dataclass(frozen=True)
class Column:
    label: object  # a lazy translatable string
    value: Callable[[object], object]


def _day(value):
    return timezone.localdate(value) if value is not None else None


CONTRACT_COLUMNS = [
    Column(gettext_lazy("合同编号"), lambda c: c.number),
    Column(gettext_lazy("年度"), lambda c: c.year),
    Column(gettext_lazy("合同名称"), lambda c: c.title),
    Column(gettext_lazy("状态"), lambda c: c.get_status_display()),
    Column(gettext_lazy("购买主体"), lambda c: c.department.name),
    Column(gettext_lazy("所属区划"), lambda c: c.department.region.name),
    Column(gettext_lazy("承接主体"), lambda c: c.organization.name),
    Column(gettext_lazy("统一社会信用代码"), lambda c: c.organization.uscc),
    Column(gettext_lazy("采购方式"), lambda c: c.get_method_display()),
    Column(gettext_lazy("合同金额(元)"), lambda c: c.amount),
    Column(gettext_lazy("已付款(元)"), lambda c: c.paid_amount),
    Column(gettext_lazy("签订日期"), lambda c: c.signed_on),
    Column(gettext_lazy("履行期限起"), lambda c: c.start_on),
    Column(gettext_lazy("履行期限止"), lambda c: c.end_on),
    Column(gettext_lazy("逾期履约事项数"), lambda c: c.overdue_count),
    Column(gettext_lazy("完成日期"), lambda c: c.completed_on),
    Column(gettext_lazy("终止日期"), lambda c: c.terminated_on),
]

EVALUATION_COLUMNS = [
    Column(gettext_lazy("合同编号"), lambda e: e.contract.number),
    Column(gettext_lazy("合同名称"), lambda e: e.contract.title),
    Column(gettext_lazy("购买主体"), lambda e: e.contract.department.name),
    Column(gettext_lazy("所属区划"), lambda e: e.contract.department.region.name),
    Column(gettext_lazy("承接主体"), lambda e: e.contract.organization.name),
    Column(gettext_lazy("统一社会信用代码"), lambda e: e.contract.organization.uscc),
    Column(gettext_lazy("评价类型"), lambda e: e.get_kind_display()),
    Column(gettext_lazy("评价年度"), lambda e: e.year),
    Column(gettext_lazy("评价期间起"), lambda e: e.period_start_on),
    Column(gettext_lazy("评价期间止"), lambda e: e.period_end_on),
    Column(gettext_lazy("综合得分"), lambda e: e.score),
    Column(gettext_lazy("评价等级"), lambda e: e.get_grade_display() if e.grade else ""),
    Column(gettext_lazy("提交评分专家人数"), lambda e: e.evaluator_count),
    Column(gettext_lazy("定稿日期"), lambda e: _day(e.finalized_at)),
]

COLUMNS = {Export.Kind.CONTRACTS: CONTRACT_COLUMNS, Export.Kind.EVALUATIONS: EVALUATION_COLUMNS}
SHEET_TITLES = {Export.Kind.CONTRACTS: gettext_lazy("合同"), Export.Kind.EVALUATIONS: gettext_lazy("绩效评价结果")}


def _filterset(kind: str, filters: dict, user):
    if kind == Export.Kind.CONTRACTS:
        return ContractApiFilter(
            filters,
            queryset=contract_list_for(user=user),
            include_drafts=bool(is_superuser(user) or is_purchaser(user)),
        )
    return EvaluationApiFilter(filters, queryset=evaluation_list_public())


def export_rows_queryset(*, kind: str, filters: dict, user) -> QuerySet:
    """The rows an export of `kind` with `filters` holds for `user`; ValidationError when a filter is invalid."""
    filterset = _filterset(kind, filters, user)
    if not filterset.is_valid():
        raise ValidationError(
            {name: [str(message) for message in messages] for name, messages in filterset.errors.items()}
        )
    return filterset.qs


def export_rows(kind: str, queryset: QuerySet) -> Iterator[list]:
    columns = COLUMNS[kind]
    for row in queryset.iterator(chunk_size=2000):
        yield [column.value(row) for column in columns]


def export_headers(kind: str) -> list[str]:
    return [str(column.label) for column in COLUMNS[kind]]


def write_export_file(handle: BinaryIO, kind: str, file_format: str, rows: Iterable[list]) -> None:
    """Write the rows into `handle` as they come (csv a chunk at a time, xlsx in openpyxl's write-only mode)."""
    headers = export_headers(kind)
    if file_format == Export.Format.CSV:
        write_csv(handle, headers, rows)
    else:
        write_xlsx(handle, headers, rows, title=str(SHEET_TITLES[kind]))


class _Counted:
    """Rows passed through unchanged, counted on the way."""

    def __init__(self, rows: Iterable[list]):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list]:
        for row in self.rows:
            self.count += 1
            yield row


@transaction.atomic
def export_create(*, actor, kind: str, file_format: str = Export.Format.XLSX, filters: dict | None = None) -> Export:
    """Record an export request; build it now when small, else queue it for the background worker."""
    if not can_request_export(actor):
        raise PermissionDenied(_("只有登记管理机关和购买主体的工作人员可以批量导出数据。"))
    if kind not in Export.Kind.values:
        raise ValidationError({"kind": _("未知的导出内容：%(kind)s") % {"kind": kind}})
    if file_format not in Export.Format.values:
        raise ValidationError({"file_format": _("未知的文件格式：%(format)s") % {"format": file_format}})
    filters = {name: str(value) for name, value in (filters or {}).items() if value not in (None, "")}
    count = export_rows_queryset(kind=kind, filters=filters, user=actor).count()
    export = Export(requester=actor, kind=kind, file_format=file_format, filters=filters, row_count=count)
    export.in_background = count > background_threshold()
    export.full_clean()
    export.save()
    if export.in_background:
        transaction.on_commit(lambda: build_export.enqueue(export.pk))
    else:
        export_build(export)
    return export


def export_build(export: Export) -> Export:
    """Write the export's file (in the requester's language) and mark it ready, or failed with the reason."""
    export.status = Export.Status.RUNNING
    export.save(update_fields=["status"])
    try:
        with translation.override(export.requester.language or settings.LANGUAGE_CODE):
            queryset = export_rows_queryset(kind=export.kind, filters=export.filters, user=export.requester)
            rows = _Counted(export_rows(export.kind, queryset))
            # Rows stream from a server-side cursor into a local temporary file, which storage then copies (a local
            # folder or an S3 bucket, see STORAGE_URL) a chunk at a time: memory does not grow with the rows.
            with tempfile.TemporaryFile() as handle:
                write_export_file(handle, export.kind, export.file_format, rows)
                handle.seek(0)
                export.file.save(f"{export.kind}.{export.file_format}", File(handle), save=False)
    except Exception as error:  # the row records the failure; the worker's log keeps the traceback
        logger.exception("export %s failed", export.pk)
        export.status = Export.Status.FAILED
        export.error = str(error)
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        _announce(export)
        return export
    export.row_count = rows.count
    export.status = Export.Status.READY
    export.finished_at = timezone.now()
    export.error = ""
    export.save(update_fields=["status", "file", "row_count", "finished_at", "error"])
    _announce(export)
    return export


def _announce(export: Export) -> None:
    """A background export tells its requester when it is ready (or failed); one built at once is on their screen."""
    if not export.in_background:
        return
    ready = export.status == Export.Status.READY
    notify(
        recipients=[export.requester],
        kind=Notification.Kind.EXPORT_FINISHED,
        target=export,
        stage=export.status,
        title=gettext_lazy("后台导出“%(kind)s”已生成，共 %(count)s 行")
        if ready
        else gettext_lazy("后台导出“%(kind)s”生成失败"),
        params={"kind": Export.Kind(export.kind).label, "count": export.row_count or 0},
        url=reverse("exports:list"),
    )


def export_list_for(*, user) -> QuerySet[Export]:
    """The user's own exports, newest first (nobody sees another's)."""
    if user is None or not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(requester=user).order_by("-created_at", "-pk")


@task()
def build_export(export_id: int) -> dict:
    """The background task: build one queued export; returns its final status and row count."""
    export = Export.objects.select_related("requester").get(pk=export_id)
    if not export.is_finished:
        export_build(export)
    return {"status": export.status, "rows": export.row_count}
