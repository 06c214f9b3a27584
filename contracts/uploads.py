"""Kept for old migrations, which name `contracts.uploads.upload_to`; uploads live in `core.uploads`."""

from core.uploads import upload_to

__all__ = ["upload_to"]
