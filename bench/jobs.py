"""The scheduled jobs on generated data: `check_deadlines` and `draw_inspection_sample PROVINCE --plan-on` — seconds,
queries and rows written.

Run it on a copy of the generated province (never on `qiyue_province` itself):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiyue_prov_copy .venv/bin/python -m bench jobs

Each job runs inside a transaction that is rolled back at the end, so the copy is left as it was and every run starts
from the same state. Rows written are the sum of the row counts of the INSERT, UPDATE and DELETE statements.
BENCH_JOBS names the jobs to run (default all: deadlines,draw); BENCH_DRAW_REGION the region drawn (default 150000,
the province). Without generated data the scratch database gets the `tiny` profile first.
"""

from __future__ import annotations

import datetime
import os
import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from registry.models import Organization, Region
from supervision.escalation import check_deadlines
from supervision.models import SampleDraw
from supervision.services import sample_draw_create, sample_draw_plan_inspections


class Rollback(Exception):
    pass


@contextmanager
def counted():
    figures = {"queries": 0, "rows": 0, "seconds": 0.0}

    def count(execute, sql, params, many, context):
        figures["queries"] += 1
        result = execute(sql, params, many, context)
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            figures["rows"] += max(context["cursor"].rowcount, 0)
        return result

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        yield figures
    figures["seconds"] = time.perf_counter() - started


def _line(name: str, figures: dict, detail: str) -> None:
    print(
        f"  {name:<34} {figures['seconds']:8.2f} s {figures['queries']:8d} queries {figures['rows']:9d} rows  {detail}"
    )


def _deadlines() -> None:
    with counted() as figures:
        report = check_deadlines()
    _line(
        "check_deadlines",
        figures,
        f"orders escalated {len(report.listings_created) + len(report.listings_linked)} "
        f"(new listings {len(report.listings_created)}), deliverables flagged {len(report.flagged_deliverables)}",
    )


def _draw() -> None:
    province = Region.objects.filter(code=os.environ.get("BENCH_DRAW_REGION", "150000")).first()
    if province is None:
        print("  draw: no region BENCH_DRAW_REGION")
        return
    registrar = (
        get_user_model()
        .objects.filter(is_registrar=True, department__region=province, is_active=True)
        .order_by("username")
        .first()
    )
    if registrar is None:
        print("  draw: no registrar of the widest region")
        return
    today = timezone.localdate()
    year = next(
        y for y in (today.year, today.year + 1) if not SampleDraw.objects.filter(region=province, year=y).exists()
    )
    with counted() as figures:
        draw = sample_draw_create(actor=registrar, region=province, year=year)
        planned = sample_draw_plan_inspections(
            actor=registrar, draw=draw, planned_on=today + datetime.timedelta(days=30)
        )
    _line(
        f"draw_inspection_sample {province.code} --plan-on",
        figures,
        f"population {draw.population_count}, drawn {draw.sample_size}, inspections planned {len(planned)}",
    )


JOBS = {"deadlines": _deadlines, "draw": _draw}


def main() -> None:
    if not Organization.objects.exists():
        call_command("generate_data", profile="tiny", verbosity=0)
    wanted = os.environ.get("BENCH_JOBS", ",".join(JOBS)).split(",")
    print(f"  organizations {Organization.objects.count():,}; load average {os.getloadavg()[0]:.1f}")
    for name in wanted:
        try:
            with transaction.atomic():
                JOBS[name]()
                raise Rollback
        except Rollback:
            pass
