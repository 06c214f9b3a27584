"""The 待办 page of a province-wide registrar against a bare signed-in page, on generated data.

Run it on a copy of the generated province (never on `qiyue_province` itself):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiyue_prov_copy .venv/bin/python -m bench todo

The users are the generated bureau's officials of the widest region in the database (the province's 民政厅 on the
province profile): its second registrar (a registrar only, like the demo's registrar_nm) and its first (registrar and
purchaser, the heaviest list). Without generated data the benchmark fills its scratch database with the `tiny`
profile first. Times are the server's (Django's test client in this process: view, queries and template), the median
and the 90th percentile of BENCH_TODO_RUNS rounds (default 15) after two warm-up rounds, each round the bare page,
the 待办 in three regimes (REGIMES: after a write, first of the day, as served) and the dashboard in turn, so that
their ratios are taken under the same load; the bare page is the password-change form, which renders the same frame
(navigation, bell) and nothing else. Then each kind of the list on its own (`notifications.todo.group_for`), slowest
first: where the page's time goes (BENCH_TODO_KINDS=0 skips it).
"""

from __future__ import annotations

import os
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from core import pagecache
from core.services import today
from notifications import todo
from portal.officials import official_dashboard

PAGES = {"bare": "accounts:password-change", "todo": "portal:todo", "dashboard": "portal:official-dashboard"}

# How the 待办 is timed, each request after its own preparation (not timed):
#   todo          as served: every kind's group kept since the last write to its tables (core.pagecache), if any;
#   todo-payment  after a payment is recorded somewhere in the province (what its transaction's commit does to the
#                 page cache: contracts_payment and its history): a write to tables no kind of the list reads;
#   todo-complaint after a complaint is accepted: the kinds read from supervision_complaint are read again;
#   todo-org      after an organization is edited or imported: the kinds read from registry_organization (nearly
#                 all of a registrar's) are read again;
#   todo-write    after a write whose tables are not known (a new epoch: a statement the watcher cannot name, a
#                 cache flushed): every kind computed, the user's compiled SQL kept (notifications.todo._plan);
#   todo-first    the first request of the day: nothing remembered (the user's list of the day forgotten, every
#                 table-scoped value gone with a new epoch), nothing compiled.
# and the dashboard after a write (dash-write) and as served (dashboard: its figures remembered since the last write).
REGIMES = {
    "todo": lambda user: None,
    "todo-payment": lambda user: pagecache.invalidate(["contracts_payment", "contracts_historicalpayment"]),
    "todo-complaint": lambda user: pagecache.invalidate(["supervision_complaint", "supervision_historicalcomplaint"]),
    "todo-org": lambda user: pagecache.invalidate(["registry_organization", "registry_historicalorganization"]),
    "todo-write": lambda user: pagecache.invalidate(),
    "todo-first": lambda user: (pagecache.invalidate(), todo.forget_plans(), todo.forget_remembered(user)),
}


def _users():
    users = (
        get_user_model()
        .objects.filter(username__startswith="gen_", is_registrar=True)
        .select_related("department__region")
    )
    widest = users.order_by("department__region__path").first()
    if widest is None:
        return []
    same = users.filter(department=widest.department).order_by("username")
    registrar_only = same.filter(is_purchaser=False).first()
    both = same.filter(is_purchaser=True).first()
    return [user for user in (registrar_only, both) if user is not None]


def _time(client: Client, url: str, prepare=lambda: None) -> tuple[float, int]:
    prepare()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200
    return elapsed, len(queries)


def _measure(client: Client, runs: int, user) -> dict[str, tuple[float, float, int]]:
    """`runs` rounds after two warm-up rounds, each the bare page, the 待办's regimes and the dashboard's in turn:
    the median, the 90th percentile and the queries of the last request of each."""
    urls = {name: reverse(url_name) for name, url_name in PAGES.items()}
    steps = [
        ("bare", urls["bare"], lambda: None),
        # As served last: what the first-of-the-day request before it left in the cache.
        *(
            (name, urls["todo"], lambda name=name: REGIMES[name](user))
            for name in ("todo-write", "todo-first", "todo-org", "todo-complaint", "todo-payment", "todo")
        ),
        ("dash-write", urls["dashboard"], pagecache.invalidate),
        ("dashboard", urls["dashboard"], lambda: None),
    ]
    timings: dict[str, list[float]] = {name: [] for name, _url, _prepare in steps}
    queries: dict[str, int] = {}
    for round_ in range(runs + 2):
        for name, url, prepare in steps:
            elapsed, count = _time(client, url, prepare)
            if round_ >= 2:
                timings[name].append(elapsed)
                queries[name] = count
    results = {}
    for name, values in timings.items():
        values.sort()
        results[name] = (statistics.median(values), values[max(int(len(values) * 0.9) - 1, 0)], queries[name])
    return results


# Production settings, served to the test client: its host, plain HTTP, static files without a built manifest.
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@override_settings(
    ALLOWED_HOSTS=["testserver"],
    SECURE_SSL_REDIRECT=False,
    STORAGES={**settings.STORAGES, "staticfiles": STATIC},
)
def main() -> None:
    runs = int(os.environ.get("BENCH_TODO_RUNS", "15"))
    print(f"load average {open('/proc/loadavg').read().split()[0]}, page cache {settings.PUBLIC_PAGE_CACHE_SECONDS} s")
    users = _users()
    if not users:
        print("no generated data here: generating the tiny profile first")
        call_command("generate_data", profile="tiny", verbosity=0)
        users = _users()
    for user in users:
        region = user.department.region
        groups = todo.assemble(user)
        items, overdue = todo.total(groups)
        dashboard = official_dashboard(user, on=today())
        roles = "registrar+purchaser" if user.is_purchaser else "registrar"
        print(f"{user.username} ({roles}, {region.name}): {len(groups)} kinds, {items:,} items ({overdue:,} overdue)")
        if dashboard is not None:
            print(f"  dashboard: {dashboard.scope_label}, on-time rate {dashboard.on_time_rate}%")
        client = Client()
        client.force_login(user)
        results = _measure(client, runs, user)
        bare = results["bare"][0]
        for name, (median, p90, queries) in results.items():
            ratio = "" if name == "bare" else f"   {median / bare:5.1f}× bare"
            print(f"  {name:<14} median {median:8.1f} ms   p90 {p90:8.1f} ms   {queries:3d} queries{ratio}")
        if os.environ.get("BENCH_TODO_KINDS", "1") == "0":
            continue
        print("  each kind (median of 5, slowest first):")
        for key, median, count in sorted(_kinds(user, 5), key=lambda row: -row[1]):
            print(f"    {key:<42} {median:7.1f} ms  {count:7,} items")


def _kinds(user, runs: int) -> list[tuple[str, float, int]]:
    """Each kind of the user's list on its own: (key, median ms, items)."""
    on = today()
    rows = []
    for kind in todo.kinds_for(user):
        timings, group = [], None
        for _ in range(runs):
            started = time.perf_counter()
            group = todo.group_for(kind, user, on=on)
            timings.append((time.perf_counter() - started) * 1000)
        rows.append((kind.key, statistics.median(timings), group.count))
    return rows
