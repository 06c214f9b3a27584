"""Organization import at scale: 100,000 valid rows through `registry.imports.organizations_import`.

Generates 100,000 valid rows (the sample generator's organizations with fresh codes, dates and amounts in the several
spellings people type) into a temporary CSV file, and the same rows into an xlsx file, then measures on the bench
database, clearing the organizations between runs (each figure is the best of REPEAT runs, as wall-clock and as this
process's CPU time: SQLite runs in-process, and CPU time stays meaningful when other work shares the machine):

  (a)  our import of the CSV with full validation (rows/s; peak memory with tracemalloc in a separate run, and the
       process's peak RSS); also the xlsx file, and a re-import of the unchanged CSV;
  (b)  Django's bulk_create of the same rows, already parsed (the floor): `Organization.objects.bulk_create`, which
       works out the derived pinyin and search columns and the region's code as `save()` does, so that its rows are
       in the directory's order and search; and simple-history's bulk_create_with_history of them for comparison;
       with BENCH_IMPORT_ALTERNATE also (b0), Django's plain `QuerySet.bulk_create` of the rows without those columns
       (cheaper by the trigram and full-text index entries it does not make, and by the pinyin; rows no search finds);
  (c)  django-import-export's default (row by row, non-bulk) import of the first 5,000 rows with the admin's
       OrganizationResource.

Targets: (a) at least half the rate of (b), and at least 10 times the rate of (c). On PostgreSQL (a) writes new rows
with COPY; run it on a populated database (a copy of `generate_data --profile province`) as well as an empty one, since
the indexes of 200,000 organizations (trigram, full-text, pinyin) are what each inserted row pays for. On a busy
machine BENCH_IMPORT_ALTERNATE=N alternates (a) and (b) N times and reports the median ratio.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fixtures import make_samples
from registry import demo, imports
from registry.imports import importer
from registry.models import Organization
from registry.resources import OrganizationResource
from registry.uscc import make_uscc

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
IMPORT_EXPORT_ROWS = 5_000
REPEAT = 2
# Codes made here carry this pair at positions 9-10, so clearing never touches other benchmarks' organizations.
MARK = "QB"


# Set when the demo's departments could not be added (a generated province): the rows then name their registration
# authority instead of giving the demo's department code.
AUTHORITY_NAMES: dict[str, str] = {}
AUTHORITY = make_samples.HEADERS.index("登记管理机关")
# BENCH_IMPORT_QUICK=1 measures only (a) on the CSV, the same with INSERTs on PostgreSQL, and (b), once each, for a
# busy machine (BENCH_IMPORT_ROWS=20000 makes the file smaller as well).
QUICK = os.environ.get("BENCH_IMPORT_QUICK") == "1"
if QUICK:
    REPEAT = 1
# BENCH_IMPORT_ALTERNATE=N measures only (a) on the CSV and (b), alternated N times in one loop, and prints each
# ratio and their median: on a busy machine both sides of each ratio share the same moment's load.
ALTERNATE = int(os.environ.get("BENCH_IMPORT_ALTERNATE", "0"))


def bench_rows(count: int) -> Iterator[list[str]]:
    """`count` CSV rows: the sample organizations repeated, each with its own code (same category and region)."""
    generator = make_samples.Generator(make_samples.SEED)
    templates = generator.organizations(make_samples.DEFAULT_COUNT)
    text_rng = random.Random(make_samples.SEED + 1)
    for n in range(count):
        template = templates[n % len(templates)]
        cells = make_samples.csv_cells(template, text_rng)
        cells[0] = make_uscc(template.uscc[1], template.uscc[2:8], f"{MARK}{n:06d}")
        cells[AUTHORITY] = AUTHORITY_NAMES.get(cells[AUTHORITY], cells[AUTHORITY])
        yield cells


def write_xlsx(path: Path, rows: Iterator[list[str]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(make_samples.HEADERS))
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def noop() -> None:
    pass


def clear() -> None:
    history = Organization.history.model._meta.db_table
    with connection.cursor() as cursor:
        for table in (history, Organization._meta.db_table):
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(table)} WHERE substr(uscc, 9, 2) = %s",
                [MARK],
            )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # The deleted rows' index entries removed: each run starts from the database as it was, instead of paying
            # for the dead entries the runs before it left in the twenty indexes (autovacuum is slower than a run).
            for table in (history, Organization._meta.db_table):
                cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Rate:
    wall: float  # rows per second of elapsed time
    cpu: float  # rows per second of this process's CPU time (SQLite runs in-process): steadier on a busy machine


def timed(label: str, rows: int, action, *, repeat: int = REPEAT, setup=clear) -> Rate:
    """The best of `repeat` runs of `action` (each after `setup`, which is not timed)."""
    walls, cpus = [], []
    for _ in range(repeat):
        setup()
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    rate = Rate(rows / min(walls), rows / min(cpus))
    print(
        f"  {label:<56} {rows:>7} rows  {min(walls):6.2f} s {rate.wall:7.0f} rows/s   CPU {min(cpus):6.2f} s "
        f"{rate.cpu:7.0f} rows/s",
        flush=True,
    )
    return rate


def our_import(path: Path, expect_created: int) -> None:
    result = imports.organizations_import(actor=None, source=path)
    if not result.ok or result.created != expect_created:
        raise RuntimeError(f"import failed: {result.errors[:3]} created={result.created}")


@contextlib.contextmanager
def inserts_instead_of_copy() -> Iterator[None]:
    """The writer as it was before COPY: multi-row INSERTs on PostgreSQL too (for comparison only)."""

    class InsertingWriter(importer.NewOrganizationWriter):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.copy_sql = None

    original = importer.NewOrganizationWriter
    importer.NewOrganizationWriter = InsertingWriter
    try:
        yield
    finally:
        importer.NewOrganizationWriter = original


def parsed_values(path: Path) -> list[dict]:
    lookups = imports.Lookups.load()
    values = []
    with imports.open_table(path) as table:
        positions = imports.column_positions(table.headers).items()
        for number, cells in table.rows:
            parsed, errors = imports.parse_row(number, {name: cells[index] for name, index in positions}, lookups)
            if errors:
                raise RuntimeError(errors)
            values.append(parsed.model_values())
    return values


def bulk_create(values: list[dict]) -> None:
    """(b) `Organization.objects.bulk_create` of the parsed rows: the derived columns worked out as for any row
    written (`OrganizationQuerySet.bulk_create`)."""
    now = timezone.now()
    with transaction.atomic():
        Organization.objects.bulk_create([Organization(**row, created_at=now) for row in values])


def bare_bulk_create(values: list[dict]) -> None:
    """(b0) Django's own `QuerySet.bulk_create` of the parsed rows, without the derived columns: the rows are in the
    table but not in the directory's order nor found by its search."""
    now = timezone.now()
    with transaction.atomic():
        QuerySet(Organization).bulk_create([Organization(**row, created_at=now) for row in values])


def alternate(path: Path, times: int) -> None:
    """(a), (b) and (b0) one after the other, `times` times: the ratios of each turn and their medians."""
    values = parsed_values(path)
    ratios, bare_ratios = [], []
    for turn in range(times):
        seconds = []
        for action in (
            lambda: our_import(path, len(values)),
            lambda: bulk_create(values),
            lambda: bare_bulk_create(values),
        ):
            clear()
            started = time.perf_counter()
            action()
            seconds.append(time.perf_counter() - started)
        clear()
        ours, floor, bare = seconds
        ratios.append(floor / ours)
        bare_ratios.append(bare / ours)
        print(
            f"  turn {turn + 1}: (a) {ours:6.2f} s {len(values) / ours:6.0f} rows/s, (b) {floor:6.2f} s "
            f"{len(values) / floor:6.0f} rows/s, (b0) {bare:6.2f} s {len(values) / bare:6.0f} rows/s, "
            f"(a)/(b) {floor / ours:.2f}, (a)/(b0) {bare / ours:.2f}, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    ratios.sort()
    bare_ratios.sort()
    print(
        f"  median over {times} turns: (a)/(b) {ratios[len(ratios) // 2]:.2f} (target >= 0.5), "
        f"(a)/(b0) {bare_ratios[len(bare_ratios) // 2]:.2f}",
        flush=True,
    )


def main() -> None:
    try:
        with transaction.atomic():
            demo.seed_departments()
    except IntegrityError:
        # A generated province keeps departments of its own under the demo's names: the rows name their
        # registration authorities, which load_regions made in every database.
        AUTHORITY_NAMES.update((row["code"], row["name"]) for row in demo.data("departments"))
        print("  demo departments not added (the database has departments of those names): rows name them", flush=True)
    clear()
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "organizations.csv", Path(folder) / "organizations.xlsx"
        with csv_path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(make_samples.HEADERS)
            writer.writerows(bench_rows(ROWS))
        if not QUICK and not ALTERNATE:
            write_xlsx(xlsx_path, bench_rows(ROWS))
        head = list(itertools.islice(bench_rows(ROWS), IMPORT_EXPORT_ROWS))
        print(
            f"  {ROWS} rows: CSV {csv_path.stat().st_size / 1e6:.1f} MB"
            f"{'' if QUICK or ALTERNATE else f', xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB'}; "
            f"database {connection.vendor}, already holding {Organization.objects.count()} organizations and "
            f"{Organization.history.count()} history rows of them",
            flush=True,
        )

        print(f"  load average before: {', '.join(f'{load:.1f}' for load in os.getloadavg())} ({os.cpu_count()} CPUs)")
        if ALTERNATE:
            alternate(csv_path, ALTERNATE)
            return
        rss_before = max_rss_mb()
        ours = timed("(a) organizations_import, CSV, full validation", ROWS, lambda: our_import(csv_path, ROWS))
        rss_after = max_rss_mb()
        history_rows = Organization.history.filter(uscc__contains=MARK, history_type="+").count()
        if history_rows != ROWS:
            raise RuntimeError(f"(a) wrote {history_rows} history rows for {ROWS} organizations")
        if not QUICK:
            timed("    the same CSV again (every row unchanged)", ROWS, lambda: our_import(csv_path, 0), setup=noop)
            timed(
                "    organizations_import, xlsx (openpyxl read-only)",
                ROWS,
                lambda: our_import(xlsx_path, ROWS),
                repeat=1,
            )
        if connection.vendor == "postgresql":
            with inserts_instead_of_copy():
                timed("    the CSV with multi-row INSERTs instead of COPY", ROWS, lambda: our_import(csv_path, ROWS))
        clear()
        if not QUICK:
            tracemalloc.start()
            our_import(csv_path, ROWS)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            clear()
            print(
                f"  (a) memory: peak traced Python allocations {peak / 1e6:.1f} MB; "
                f"process peak RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after the import",
                flush=True,
            )

        values = parsed_values(csv_path)

        def bulk_create_history() -> None:
            now = timezone.now()
            with transaction.atomic():
                objs = [Organization(**row, created_at=now) for row in values]
                bulk_create_with_history(objs, Organization, default_date=now)

        floor = timed("(b) Django bulk_create of the parsed rows (no history)", ROWS, lambda: bulk_create(values))
        timed("    without the derived columns (b0)", ROWS, lambda: bare_bulk_create(values), repeat=1)
        if not QUICK:
            timed("    simple-history bulk_create_with_history of them", ROWS, bulk_create_history, repeat=1)
        clear()
        values.clear()
        if QUICK:
            head = []

        dataset = tablib.Dataset(headers=list(make_samples.HEADERS))
        for row in head:
            dataset.append(row)

        def import_export_default() -> None:
            result = OrganizationResource().import_data(dataset, dry_run=False)
            if result.has_errors() or result.has_validation_errors():
                raise RuntimeError("django-import-export import failed")

        baseline = None
        if not QUICK:
            baseline = timed(
                "(c) django-import-export import_data, default (row by row)", IMPORT_EXPORT_ROWS, import_export_default
            )
            clear()

    print(f"  load average after: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    for basis in ("cpu", "wall"):
        a, b = getattr(ours, basis), getattr(floor, basis)
        versus_c = "" if baseline is None else f"   (a)/(c) = {a / getattr(baseline, basis):.1f} (target >= 10)"
        print(f"  {basis:>4}: (a)/(b) = {a / b:.2f} (target >= 0.5){versus_c}")
