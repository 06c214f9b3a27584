"""Abstract models every app may build on. core has no concrete models (no table, no migration of its own)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import upload_to


class StoredFile(models.Model):
    """An uploaded file with what is kept beside it: the name its uploader gave it, its size, its type and the SHA-256
    of its content.

    The file itself is stored under a generated name in its app's folder (`core.uploads.upload_to`). The SHA-256 is
    computed on upload (`core.uploads.validate_upload`), shown beside the file, checked on every download
    (`core.views.stored_file_response` refuses a file that no longer matches) and looked up by the public /verify/
    page, which names the places where a file is published (`public_link`)."""

    file = models.FileField(_("文件"), upload_to=upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True

    def public_link(self) -> tuple[str, str] | None:
        """(what the file is, the page that publishes it) when the public may see it; None otherwise."""
        return None
