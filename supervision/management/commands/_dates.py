"""The --on option shared by the supervision commands."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def parse_on(value: str | None) -> datetime.date | None:
    """A YYYY-MM-DD day not after today (deadlines are never checked in the future), or None for today."""
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--on={value!r} is not a date (YYYY-MM-DD) / 日期格式应为 YYYY-MM-DD") from error
    if day > timezone.localdate():
        raise CommandError(f"--on={value} is in the future / 不能指定将来的日期")
    return day
