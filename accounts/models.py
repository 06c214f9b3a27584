"""Users and their roles.

A user holds any combination of roles: registrar (登记管理机关工作人员) and purchaser (购买主体工作人员)
are attached to a Department and therefore to a Region; an organization member to an Organization; an evaluator
is in the pool. Superusers administer the system. Role changes are historied.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("所在部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("所在社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    is_registrar = models.BooleanField(_("登记管理人员"), default=False)
    is_purchaser = models.BooleanField(_("购买主体人员"), default=False)
    is_evaluator = models.BooleanField(_("评价专家"), default=False)
    language = models.CharField(_("通知语言"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=(Q(is_registrar=False) & Q(is_purchaser=False)) | Q(department__isnull=False),
                name="official_has_department",
            ),
        ]

    # What a user's name (`str(user)`) is made of: a list that shows names reads only these.
    NAME_FIELDS = ("display_name", "first_name", "last_name", "username")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def region(self):
        """The region an official acts in (the department's), or None."""
        return self.department.region if self.department_id else None

    @property
    def is_official(self) -> bool:
        return self.is_registrar or self.is_purchaser

    @property
    def is_org_member(self) -> bool:
        return self.organization_id is not None

    def role_labels(self) -> list[str]:
        labels = []
        if self.is_superuser:
            labels.append(_("系统管理员"))
        if self.is_registrar:
            labels.append(_("登记管理人员"))
        if self.is_purchaser:
            labels.append(_("购买主体人员"))
        if self.is_org_member:
            labels.append(_("社会组织成员"))
        if self.is_evaluator:
            labels.append(_("评价专家"))
        return [str(label) for label in labels]


class RateCounter(models.Model):
    """One client's count of attempts in one window of one rate limit (accounts.ratelimit); incremented atomically
    in the database when the cache is not Redis."""

    key = models.CharField(_("键"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("次数"), default=0)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)

    class Meta:
        verbose_name = _("频率计数")
        verbose_name_plural = _("频率计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
