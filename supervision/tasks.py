"""Background tasks (django-tasks): the hourly deadline check and the daily reminders.

Enqueue with `check_deadlines_task.enqueue()` / `send_reminders_task.enqueue()`; a scheduler (cron, systemd timer)
runs them or the management commands of the same names. Each returns a JSON-serializable report.
"""

from __future__ import annotations

import datetime

from django_tasks import task

from supervision.escalation import check_deadlines
from supervision.reminders import send_reminders


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@task()
def check_deadlines_task(on: str | None = None) -> dict:
    """Escalate overdue rectification orders and flag overdue deliverables (as of `on`, ISO date, default today)."""
    return check_deadlines(on=_day(on)).as_dict()


@task()
def send_reminders_task(on: str | None = None) -> dict:
    """E-mail the deadline reminders due (as of `on`, ISO date, default today)."""
    return send_reminders(on=_day(on)).as_dict()
