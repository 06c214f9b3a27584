"""Background task (django-tasks): the daily refresh of the statistics summary.

Enqueue with `refresh_statistics_task.enqueue()`; a scheduler (cron, systemd timer) runs it or the management command
`refresh_statistics` once a day.
"""

from __future__ import annotations

import datetime

from django_tasks import task

from stats.summary import refresh_summary


@task()
def refresh_statistics_task(on: str | None = None) -> dict:
    """Rebuild the summary as of `on` (ISO date, default today); returns what was written."""
    refresh = refresh_summary(datetime.date.fromisoformat(on) if on else None)
    return {"as_of": refresh.as_of.isoformat(), "rows": refresh.rows, "seconds": str(refresh.seconds)}
