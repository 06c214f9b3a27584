"""What a scheduled job reports about its own run: how long it took and how many database queries it made.

`measured()` wraps a job's work; the command prints `Measure.line()` after what the job did, so every run of
`check_deadlines`, `send_reminders` and `draw_inspection_sample` says what it cost, on any database and without
DEBUG (the queries are counted by a connection execute wrapper, not by Django's debug log).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

# A job's report names at most this many records (ids, usernames) in one line; the count says how many there were.
NAMES_SHOWN = 20


@dataclass
class Measure:
    seconds: float = 0.0
    queries: int = 0

    def line(self) -> str:
        return _("用时 %(seconds).2f 秒，数据库查询 %(queries)d 次") % {
            "seconds": self.seconds,
            "queries": self.queries,
        }

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 3), "queries": self.queries}


@contextmanager
def measured() -> Iterator[Measure]:
    """Time the block and count the queries it sends on the default connection."""
    measure = Measure()

    def count(execute, sql, params, many, context):
        measure.queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        try:
            yield measure
        finally:
            measure.seconds = time.perf_counter() - started


def shown(values: Iterable, limit: int = NAMES_SHOWN) -> str:
    """`values` joined with commas, at most `limit` of them and "…" when there are more; "-" when none."""
    values = [str(value) for value in values]
    if not values:
        return "-"
    text = ", ".join(values[:limit])
    return text + (", …" if len(values) > limit else "")
