"""The officials' contracts export (`api.exports.export_build`, what `db_worker` runs): time and memory.

Run it on a copy of generated data (docs/benchmarks.md), e.g.
`DATABASE_URL=postgres://…/copy .venv/bin/python -m bench exports`. A provincial registrar exports every contract,
as csv and as xlsx, into the default storage (a temporary MEDIA_ROOT here). Each file is timed against its floor,
reading the same rows with the same query and column functions without writing anything, in the same loop
(`BENCH_ROUNDS`, default 3; medians). Memory: the peak of Python's traced allocations after the first 5,000 rows and
at the end of a build (flat means about the same peak at both), then the same rows built the earlier way — every
row in a list, the file in memory — for comparison.
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import tempfile
import time
import tracemalloc

from django.conf import settings
from django.test.utils import override_settings

from accounts.models import User
from api import exports
from api.models import Export
from core.spreadsheets import csv_lines, xlsx_bytes


def _provincial_registrar() -> User | None:
    for user in User.objects.filter(is_active=True, is_registrar=True, department__isnull=False).select_related(
        "department__region"
    ):
        department = getattr(user, "department", None)
        if department is not None and department.region.code == settings.HOME_PROVINCE_CODE:
            return user
    return None


def _export(user: User, file_format: str) -> Export:
    export = Export.objects.create(requester=user, kind=Export.Kind.CONTRACTS, file_format=file_format)
    return exports.export_build(export)


def _floor(user: User) -> int:
    queryset = exports.export_rows_queryset(kind=Export.Kind.CONTRACTS, filters={}, user=user)
    return sum(1 for _ in exports.export_rows(Export.Kind.CONTRACTS, queryset))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    user = _provincial_registrar()
    if user is None:
        print("no provincial registrar in this database: run on a copy of generated data (docs/benchmarks.md)")
        return
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        times: dict[str, list[float]] = {"floor": [], "csv": [], "xlsx": []}
        sizes = {}
        rows = 0
        for number in range(1, rounds + 1):
            started = time.perf_counter()
            rows = _floor(user)
            times["floor"].append(time.perf_counter() - started)
            for file_format in ("csv", "xlsx"):
                started = time.perf_counter()
                export = _export(user, file_format)
                times[file_format].append(time.perf_counter() - started)
                assert export.status == Export.Status.READY, export.error
                assert export.row_count == rows
                sizes[file_format] = export.file.size
                export.file.delete(save=False)
                export.delete()
            print(
                f"  round {number}: floor {times['floor'][-1]:.1f} s, csv {times['csv'][-1]:.1f} s, "
                f"xlsx {times['xlsx'][-1]:.1f} s (load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        floor = statistics.median(times["floor"])
        print(f"{rows:,} contracts, median of {rounds} (load average {os.getloadavg()[0]:.1f}):")
        print(f"  floor (same query and columns, nothing written): {floor:.1f} s")
        for file_format in ("csv", "xlsx"):
            median = statistics.median(times[file_format])
            print(
                f"  {file_format}: {median:.1f} s ({rows / median:,.0f} rows/s, {median / floor:.1f}× floor), "
                f"{sizes[file_format] / 1024 / 1024:.1f} MB"
            )
        print(f"  peak RSS so far {_rss_mb():.0f} MB")

        peaks = {}
        original = exports.export_rows

        def watched(kind, queryset):
            for number, row in enumerate(original(kind, queryset), start=1):
                if number == 5000:
                    peaks[(current, "after 5,000 rows")] = tracemalloc.get_traced_memory()[1]
                yield row

        exports.export_rows = watched
        try:
            for current in ("csv", "xlsx"):
                tracemalloc.start()
                export = _export(user, current)
                peaks[(current, "at the end")] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                export.file.delete(save=False)
                export.delete()
        finally:
            exports.export_rows = original
        for (file_format, label), peak in peaks.items():
            print(
                f"  streamed {file_format}: peak traced Python memory {label}: {peak / 1024 / 1024:.1f} MB", flush=True
            )
        print(f"  peak RSS after the streamed builds {_rss_mb():.0f} MB")

        # The earlier way, for comparison: every row in a list, then the whole file in memory.
        for file_format in ("csv", "xlsx"):
            tracemalloc.start()
            queryset = exports.export_rows_queryset(kind=Export.Kind.CONTRACTS, filters={}, user=user)
            listed = list(exports.export_rows(Export.Kind.CONTRACTS, queryset))
            headers = exports.export_headers(Export.Kind.CONTRACTS)
            if file_format == "csv":
                content = "".join(csv_lines(headers, listed)).encode("utf-8")
            else:
                content = xlsx_bytes(headers, listed, title="合同")
            io.BytesIO(content)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            del listed, content
            print(
                f"  in memory (rows listed, file as bytes) {file_format}: peak traced {peak / 1024 / 1024:.1f} MB",
                flush=True,
            )
        print(f"  peak RSS at the end {_rss_mb():.0f} MB")
