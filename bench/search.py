"""One search (/search/) against the directory page (/organizations/), and the trigram index against the alternatives.

Run on generated data: `DATABASE_URL=postgres://…/qiyue_prov_copy python -m bench search` (a copy of the province:
200,000 organizations). Prints, per query, the median server time of the search page and of the API and the directory
page's, measured alternately in the same loop (BENCH_SEARCH_ROUNDS rounds, default 7), with the page's ratio to the
directory; on PostgreSQL, each group's query as /search/ runs it (EXPLAIN ANALYZE: execution time and the indexes or
scans of its plan), and the organization query's execution time as Qiyue runs it (segmented tsvector index for one-
and two-character Chinese words, trigram index for the rest), with the trigram index alone, and without any index (a
scan of every document).
"""

from __future__ import annotations

import os
import re
import statistics
import time

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from core.search import fold, search_words
from registry.models import Organization
from registry.selectors import organization_search

ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "7"))


def _alternately(*fetches) -> list[list[float]]:
    """Each fetch once to warm up, then ROUNDS rounds of each in turn: their times in milliseconds."""
    for fetch in fetches:
        assert fetch().status_code in (200, 302)
    timings = [[] for _ in fetches]
    for _ in range(ROUNDS):
        for fetch, times in zip(fetches, timings, strict=True):
            started = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
    return timings


def _queries() -> list[str]:
    sample = Organization.objects.order_by("pk").values_list("name", "uscc", "legal_representative").first()
    name, uscc, person = sample if sample else ("阳光社会工作服务中心", "", "")
    spaced = " ".join([uscc[:6], uscc[6:12].lower(), uscc[12:]]) if uscc else ""
    queries = ["阳光", "赛罕 阳光", "社会工作服务中心", "ygshgz", "yangguang", name, person, spaced, "民政局 养老"]
    return [q for q in queries if q]


def _explain(sql: str, params) -> tuple[float, str]:
    """EXPLAIN ANALYZE's execution time and the plan's index and sequential scans (`index` or `seq table`)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    scans = re.findall(r"(?:Index Only Scan|Index Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) (\w+)", plan)
    scans += [f"seq {table}" for table in re.findall(r"Seq Scan on (\w+)", plan)]
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)), ", ".join(dict.fromkeys(scans))


def _explain_ms(sql: str, params) -> float:
    return _explain(sql, params)[0]


def _compare_groups(queries: list[str]) -> None:
    """Each group's query of /search/ for the public (the first 20 hits with the count of all, as portal.search runs
    it): execution time and the scans of its plan."""
    from django.db.models import Count, Window

    from portal.search import PER_GROUP, group_querysets

    print("\neach group's query (EXPLAIN ANALYZE): ms, plan's scans")
    for query in queries:
        print(f"  {query!r}")
        for kind, queryset in group_querysets(query).items():
            sql, params = queryset.annotate(total_hits=Window(Count("pk")))[:PER_GROUP].query.sql_with_params()
            ms, scans = _explain(sql, params)
            print(f"    {kind:<14} {ms:>8.1f} ms  {scans}")


def _compare_indexes(queries: list[str]) -> None:
    """The organization query alone, as EXPLAIN ANALYZE times it: as Qiyue runs it (one- and two-character Chinese
    words through the segmented tsvector index, longer words through the trigram index), with the trigram index
    for every word, and with no index (every document scanned)."""
    print("\norganization query alone (EXPLAIN ANALYZE, ms): as run | trigram only | no index")
    with transaction.atomic():
        for query in queries:
            words = search_words(query)
            if not words:
                continue
            chosen_sql, chosen_params = organization_search(query).values("pk")[:21].query.sql_with_params()
            chosen = _explain_ms(chosen_sql, chosen_params)
            where = " AND ".join(["search_document LIKE %s"] * len(words))
            params = [f"%{word}%" for word in words]
            sql = f"SELECT id FROM registry_organization WHERE {where} ORDER BY name_pinyin, id LIMIT 21"
            trigram = _explain_ms(sql, params)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                without = _explain_ms(sql, params)
                cursor.execute("SET LOCAL enable_bitmapscan = on")
            count = organization_search(query).count()
            print(f"  {query!r:<34} {count:>7} found  {chosen:>8.1f} | {trigram:>8.1f} | {without:>8.1f}")
        transaction.set_rollback(True)


def main() -> None:
    total = Organization.objects.count()
    print(f"{total} organizations on {connection.vendor}")
    client = Client()
    # A visitor with a session cookie: the directory is rendered, not served whole from the public page cache.
    client.cookies[settings.SESSION_COOKIE_NAME] = "bench-visitor-without-a-session"
    # Pages rendered in process: no TLS redirect, static URLs without collectstatic's manifest.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, STORAGES=storages):
        print(f"load average before: {' '.join(open('/proc/loadavg').read().split()[:3])}")
        print(f"query (median of {ROUNDS}, alternately)  directory   search page   API      page ÷ directory")
        for query in _queries():
            timings = _alternately(
                lambda: client.get("/organizations/"),
                lambda q=query: client.get("/search/", {"q": q}),
                lambda q=query: client.get("/api/v1/search/", {"q": q}),
            )
            directory, page, api = (statistics.median(times) for times in timings)
            print(f"  {query!r:<34} {directory:>8.1f} ms {page:>8.1f} ms {api:>8.1f} ms   {page / directory:>5.2f}×")
        print(f"load average after: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    if connection.vendor == "postgresql":
        _compare_groups(_queries())
        _compare_indexes([fold(query) for query in _queries()])
