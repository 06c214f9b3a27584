"""One search (/search/) against the directory page (/organizations/), and the trigram index against the alternatives.

Run on generated data: `DATABASE_URL=postgres://…/qiyue_prov_copy python -m bench search` (a copy of the province:
200,000 organizations). Prints, per query, the median server time of the search page and of the API, the directory
page's time for comparison, and on PostgreSQL the organization query's execution time (EXPLAIN ANALYZE) as Qiyue
runs it (segmented tsvector index for one- and two-character Chinese words, trigram index for the rest), with the
trigram index alone, and without any index (a scan of every document).
"""

from __future__ import annotations

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

ROUNDS = 5


def _median_ms(fetch) -> float:
    response = fetch()  # warm the caches once
    assert response.status_code in (200, 302), response.status_code
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fetch()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _queries() -> list[str]:
    sample = Organization.objects.order_by("pk").values_list("name", "uscc", "legal_representative").first()
    name, uscc, person = sample if sample else ("阳光社会工作服务中心", "", "")
    spaced = " ".join([uscc[:6], uscc[6:12].lower(), uscc[12:]]) if uscc else ""
    return [q for q in ["阳光", "赛罕 阳光", "社会工作服务中心", "ygshgz", "yangguang", name, person, spaced] if q]


def _explain_ms(sql: str, params) -> float:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))


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
        directory = _median_ms(lambda: client.get("/organizations/"))
        print(f"directory page /organizations/: {directory:.1f} ms (median of {ROUNDS})")
        print("query                              search page   API      ratio to directory")
        for query in _queries():
            page = _median_ms(lambda q=query: client.get("/search/", {"q": q}))
            api = _median_ms(lambda q=query: client.get("/api/v1/search/", {"q": q}))
            print(f"  {query!r:<34} {page:>8.1f} ms {api:>8.1f} ms   {page / directory:>5.2f}×")
    if connection.vendor == "postgresql":
        _compare_indexes([fold(query) for query in _queries()])
