"""Issued documents: every PDF Qiyue generates is numbered and registered with its key facts and SHA-256, and the
copy given out is kept, so that anyone holding a printout or a file can check it on the public verification page."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import upload_to


class IssuedDocument(models.Model):
    """One generated document as it was given out (出具的文件): number, office, time, facts, fingerprint, the copy."""

    class Kind(models.TextChoices):
        CREDIT_REPORT = "credit_report", _("社会组织信用报告")
        PURCHASE_LIST = "purchase_list", _("政府购买服务目录")
        CONTRACT_SUMMARY = "contract_summary", _("购买服务合同摘要")
        CONTRACT_TEXT = "contract_text", _("购买服务合同文本")
        EVALUATION_REPORT = "evaluation_report", _("绩效评价报告")
        ANNUAL_REPORT = "annual_report", _("统计年报")
        OTHER = "other", _("其他文件")

    number = models.CharField(_("文号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("文件类别"), max_length=30, choices=Kind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=300)
    # What the document is about, within its kind (a USCC, a contract number, a list's id).
    subject = models.CharField(_("对象"), max_length=100)
    office = models.CharField(_("发文机关"), max_length=200)
    facts = models.JSONField(_("要点"), default=list, help_text=_("[[名称, 内容], …]"))
    page_url = models.CharField(_("公开页面"), max_length=300, blank=True)
    is_public = models.BooleanField(_("公开"), default=True)
    language = models.CharField(_("语言"), max_length=10)
    content_key = models.CharField(_("内容指纹"), max_length=64)
    file = models.FileField(_("文件"), upload_to=upload_to, max_length=255)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    issued_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("出具的文件")
        verbose_name_plural = _("出具的文件")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["kind", "subject", "content_key"], name="issued_document_content")]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="issued_document_sequence_unique"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="issued_document_sequence_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def fact_pairs(self) -> list[tuple[str, str]]:
        return [(str(label), str(value)) for label, value in self.facts]


class IssuedDocumentSequence(models.Model):
    """The last document number given out in a year (an internal counter, locked while a number is taken)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    last_value = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"
