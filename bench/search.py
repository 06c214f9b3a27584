"""One search (/search/) against the directory page (/organizations/), and the trigram index against the alternatives.

Run on generated data: `DATABASE_URL=postgres://…/qiyue_prov_copy python -m bench search` (a copy of the province:
200,000 organizations). Prints, per query, the median server time of the search page and of the API, the directory
page's time for comparison, and on PostgreSQL the organization query's execution time (EXPLAIN ANALYZE) with the
trigram GIN index, without any index (a scan of every document), and with a segmented full-text column (character
unigrams and bigrams plus the pinyin forms, in a tsvector with a GIN index, built in a temporary table).
"""

from __future__ import annotations

import re
import statistics
import time

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


def _segments(text: str) -> list[str]:
    """Character unigrams and bigrams of the Chinese runs, and the Latin/digit words, of a folded text."""
    tokens = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        tokens.update(run)
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    tokens.update(re.findall(r"[0-9a-z]+", text))
    return sorted(tokens)


def _tsquery(word: str) -> str:
    """A word as the AND of its bigrams (or the character / Latin word itself), as a to_tsquery('simple') text."""
    chinese = re.findall(r"[\u4e00-\u9fff]+", word)
    if chinese and len(word) > 1:
        parts = [word[i : i + 2] for i in range(len(word) - 1)]
    else:
        parts = [word]
    return " & ".join(f"'{part}'" + (":*" if part.isascii() else "") for part in parts)


def _compare_indexes(queries: list[str]) -> None:
    print("\norganization query alone (EXPLAIN ANALYZE, ms): trigram GIN | no index | segmented tsvector GIN")
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("CREATE TEMPORARY TABLE bench_segments (id bigint PRIMARY KEY, document tsvector)")
            rows = Organization.objects.values_list("pk", "search_document").order_by("pk")
            last = 0
            while True:
                chunk = list(rows.filter(pk__gt=last)[:5000])
                if not chunk:
                    break
                last = chunk[-1][0]
                with cursor.cursor.copy("COPY bench_segments (id, document) FROM STDIN") as copy:
                    for pk, document in chunk:
                        copy.write_row((pk, " ".join(f"'{token}'" for token in _segments(document))))
            cursor.execute("CREATE INDEX ON bench_segments USING gin (document)")
            cursor.execute("ANALYZE bench_segments")
            print(f"  (segmented column built in {time.perf_counter() - started:.1f} s)")
        for query in queries:
            words = search_words(query)
            if not words:
                continue
            where = " AND ".join(["search_document LIKE %s"] * len(words))
            params = [f"%{word}%" for word in words]
            sql = f"SELECT id FROM registry_organization WHERE {where} ORDER BY name_pinyin, id LIMIT 21"
            with_index = _explain_ms(sql, params)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                without = _explain_ms(sql, params)
                cursor.execute("SET LOCAL enable_bitmapscan = on")
            tsquery = " & ".join(f"({_tsquery(word)})" for word in words)
            segmented = _explain_ms(
                "SELECT o.id FROM registry_organization o JOIN bench_segments s ON s.id = o.id "
                "WHERE s.document @@ to_tsquery('simple', %s) ORDER BY o.name_pinyin, o.id LIMIT 21",
                [tsquery],
            )
            count = organization_search(query).count()
            print(f"  {query!r:<34} {count:>7} found  {with_index:>8.1f} | {without:>8.1f} | {segmented:>8.1f}")
        transaction.set_rollback(True)


def main() -> None:
    total = Organization.objects.count()
    print(f"{total} organizations on {connection.vendor}")
    client = Client()
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
