"""Bulk exports requested by officials: what was asked for, by whom, and the file once it is built."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_upload_to(instance: Export, filename: str) -> str:
    """exports/<year>/<uuid4hex>.<ext>: the stored name never reveals what the file holds or who asked for it."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else instance.file_format
    return f"exports/{timezone.localdate().year}/{uuid.uuid4().hex}.{extension}"


class Export(models.Model):
    """One export of contracts or evaluation results to a spreadsheet, built at once or in the background."""

    class Kind(models.TextChoices):
        CONTRACTS = "contracts", _("合同")
        EVALUATIONS = "evaluations", _("绩效评价结果")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel 工作簿 (xlsx)")
        CSV = "csv", _("CSV 文本 (csv)")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        READY = "ready", _("可下载")
        FAILED = "failed", _("失败")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(_("导出内容"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("文件格式"), max_length=10, choices=Format.choices, default=Format.XLSX)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    in_background = models.BooleanField(_("后台生成"), default=False)
    file = models.FileField(_("文件"), upload_to=export_upload_to, max_length=255, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据导出")
        verbose_name_plural = _("数据导出")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(file="") & Q(finished_at__isnull=False)),
                name="export_ready_has_file",
            ),
        ]
        indexes = [models.Index(fields=["requester", "-created_at"], name="export_requester_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    def download_name(self) -> str:
        """The file name offered on download, e.g. 合同-2026-11-28.xlsx (in the site's language)."""
        return f"{self.get_kind_display()}-{timezone.localtime(self.created_at):%Y-%m-%d}.{self.file_format}"
