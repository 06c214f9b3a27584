"""Statistics at scale: server time and query count of /statistics/ (each breakdown, the public and the provincial
official's view, the trend and concentration on the same page), the home page, the annual report PDF, the
statistics API and the data-quality report, for the whole home province.

Run on a copy of the generated province (never on the shared one):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiyue_prov_<branch> .venv/bin/python -m bench statistics
Each page is requested `BENCH_STATISTICS_RUNS` times (default 5) after one warm-up; the median and the slowest run
are printed. Without generated data (a scratch database) it measures an empty province and says so.
"""

from __future__ import annotations

import os
import statistics as maths
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = int(os.environ.get("BENCH_STATISTICS_RUNS", "5"))
OFFICIAL = "gen_g150000mz_1"  # the province's civil-affairs bureau: registrar and purchaser


def measure(client: Client, url: str, params: dict | None = None) -> tuple[float, float, float, float, int, int]:
    """(median seconds, slowest seconds, median seconds in the database, median CPU seconds of this process, queries,
    status) of GET url. The machine is shared: the database and CPU figures show where the time goes under load."""
    client.get(url, params or {})
    times, database, cpu, queries, status = [], [], [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params or {})
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        database.append(sum(float(query["time"]) for query in captured.captured_queries))
        queries, status = len(captured), response.status_code
    return maths.median(times), max(times), maths.median(database), maths.median(cpu), queries, status


def main() -> None:
    from django.test.utils import override_settings

    # Pages render without `collectstatic` (the manifest storage of production needs it).
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["localhost"], SECURE_SSL_REDIRECT=False):
        run()


def run() -> None:
    from django.contrib.auth import get_user_model

    from contracts.models import Contract, Deliverable
    from registry.models import Organization

    print(
        f"organizations {Organization.objects.count():,}  contracts {Contract.objects.count():,}  "
        f"deliverables {Deliverable.objects.count():,}  ({connection.vendor}, {RUNS} runs each)"
    )
    public = Client(SERVER_NAME="localhost")
    pages = [
        ("statistics, by region 2026 (public)", "/statistics/", {"year": 2026}),
        ("statistics, by department 2026", "/statistics/", {"year": 2026, "by": "department"}),
        ("statistics, by category 2026", "/statistics/", {"year": 2026, "by": "category"}),
        ("statistics, by organization type 2026", "/statistics/", {"year": 2026, "by": "org_type"}),
        ("statistics, all years", "/statistics/", {"year": ""}),
        ("statistics, a city (呼和浩特) 2026", "/statistics/", {"region": "150100", "year": 2026}),
        ("statistics xlsx, by region 2026", "/statistics/", {"year": 2026, "format": "xlsx"}),
        ("home page 2026", "/", {"year": 2026}),
        ("annual report PDF 2026", "/statistics/report.pdf", {"year": 2026}),
        ("API statistics by region 2026", "/api/v1/statistics/", {"year": 2026}),
    ]
    rows = [(label, *measure(public, url, params)) for label, url, params in pages]
    official = get_user_model().objects.filter(username=OFFICIAL).first()
    if official is not None:
        signed_in = Client(SERVER_NAME="localhost")
        signed_in.force_login(official)
        rows.append(("statistics 2026 (provincial official)", *measure(signed_in, "/statistics/", {"year": 2026})))
        rows.append(("data-quality report (provincial official)", *measure(signed_in, "/statistics/quality/")))
    else:
        print("(no generated province here: the official's pages are not measured)")
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<44} {'median':>9} {'slowest':>9} {'in db':>9} {'cpu':>9} {'queries':>8} status")
    for label, median, slowest, database, cpu, queries, status in rows:
        print(
            f"{label:<44} {median * 1000:>7.0f}ms {slowest * 1000:>7.0f}ms {database * 1000:>7.0f}ms "
            f"{cpu * 1000:>7.0f}ms {queries:>8} {status}"
        )
