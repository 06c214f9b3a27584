"""Uploaded files (contract documents, evidence, order answers, complaint attachments): what is accepted and where
it is stored.

A file is accepted when its extension is allowed (settings.UPLOAD_ALLOWED_EXTENSIONS), its first bytes match that
type (a renamed executable is refused), and it is no larger than the limit (settings.UPLOAD_MAX_MB megabytes unless
the caller names a smaller one). It is stored under a generated name (`<app label>/<year>/<uuid4>.<ext>`) so
uploaders cannot choose paths or overwrite each other; the name the uploader gave and the content's SHA-256
(computed on upload, checked again on every download) are kept in the database (`core.models.StoredFile`). Who may
download a file is decided by each app's permissions.py;
`core.views.stored_file_response` sends it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}

# The longest original name kept (the database column's length); longer names are cut, keeping the extension.
ORIGINAL_NAME_MAX = 255
# Files are hashed in chunks of this many bytes.
HASH_CHUNK = 1024 * 1024
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Leading bytes each type must start with.
_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": _ZIP_SIGNATURES,
    "xlsx": _ZIP_SIGNATURES,
    "zip": _ZIP_SIGNATURES,
}
# Office Open XML files are ZIP archives that must hold these parts.
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/"}


@dataclass(frozen=True)
class UploadCheck:
    """What validation learned about an accepted file."""

    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def max_upload_bytes(max_mb: int | None = None) -> int:
    return int(settings.UPLOAD_MAX_MB if max_mb is None else max_mb) * 1024 * 1024


def _read_head(file, length: int = 16) -> bytes:
    file.seek(0)
    head = file.read(length)
    file.seek(0)
    return head


def _ooxml_has_part(file, prefix: str) -> bool:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names)


def validate_upload(file, *, max_mb: int | None = None) -> UploadCheck:
    """Accept `file` (an UploadedFile or File) or raise ValidationError naming the file and the broken rule.

    `max_mb` is a limit smaller than the site's (a complaint's attachment); the site's UPLOAD_MAX_MB otherwise."""
    name = PurePath(getattr(file, "name", "") or "").name
    extension = extension_of(name)
    allowed = [ext.lower() for ext in settings.UPLOAD_ALLOWED_EXTENSIONS]
    if extension not in allowed or extension not in CONTENT_TYPES:
        raise ValidationError(
            _("文件“%(name)s”的类型不允许上传；允许的类型：%(allowed)s。"),
            code="upload_type",
            params={"name": name, "allowed": "、".join(allowed)},
        )
    size = file.size
    if not size:
        raise ValidationError(_("文件“%(name)s”是空文件。"), code="upload_empty", params={"name": name})
    if size > max_upload_bytes(max_mb):
        raise ValidationError(
            _("文件“%(name)s”超过大小上限 %(limit)s MB。"),
            code="upload_size",
            params={"name": name, "limit": settings.UPLOAD_MAX_MB if max_mb is None else max_mb},
        )
    head = _read_head(file)
    content_matches = any(head.startswith(signature) for signature in _SIGNATURES[extension])
    if content_matches and extension in _OOXML_PARTS:
        content_matches = _ooxml_has_part(file, _OOXML_PARTS[extension])
    if not content_matches:
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名 .%(extension)s 不符。"),
            code="upload_content",
            params={"name": name, "extension": extension},
        )
    if len(name) > ORIGINAL_NAME_MAX:
        name = name[: ORIGINAL_NAME_MAX - len(extension) - 1] + "." + extension
    return UploadCheck(
        original_name=name,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        size=size,
        sha256=sha256_of(file),
    )


def sha256_of(file) -> str:
    """The SHA-256 of a file's content as 64 lower-case hex digits (read in chunks, the position left at the start)."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(HASH_CHUNK), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def sha256_of_stored(field_file) -> str | None:
    """The SHA-256 of a stored file as it is now, or None when the storage no longer has it."""
    try:
        with field_file.open("rb") as handle:
            return sha256_of(handle)
    except (FileNotFoundError, OSError, ValueError):
        return None


def normalize_sha256(text: str) -> str | None:
    """A pasted hash as 64 lower-case hex digits (spaces, colons and "sha256:" dropped), or None if it is not one."""
    value = re.sub(r"[\s:]", "", (text or "").strip().lower())
    value = value.removeprefix("sha256")
    return value if re.fullmatch(r"[0-9a-f]{64}", value) else None


def upload_to(instance, filename: str) -> str:
    """A generated storage name: <app label>/<year>/<uuid4 hex>.<ext> (the original name is kept in the row)."""
    extension = extension_of(filename)
    suffix = f".{extension}" if extension else ""
    return f"{instance._meta.app_label}/{timezone.localdate().year}/{uuid.uuid4().hex}{suffix}"


def backfill_sha256(model, *, file_field: str = "file", hash_field: str = "sha256") -> None:
    """Record the SHA-256 of every stored file of `model` that has none yet (for data migrations); a file the storage
    no longer has keeps an empty hash."""
    for row in model.objects.filter(**{hash_field: ""}).exclude(**{file_field: ""}).iterator(chunk_size=200):
        digest = sha256_of_stored(getattr(row, file_field))
        if digest:
            model.objects.filter(pk=row.pk).update(**{hash_field: digest})
