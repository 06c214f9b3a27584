"""Abstract models every app may build on. core has no concrete models (no table, no migration of its own)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import upload_to


class StoredFile(models.Model):
    """An uploaded file with what is kept beside it: the name its uploader gave it, its size and its type.

    The file itself is stored under a generated name in its app's folder (`core.uploads.upload_to`)."""

    file = models.FileField(_("文件"), upload_to=upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    content_type = models.CharField(_("文件类型"), max_length=100)

    class Meta:
        abstract = True
