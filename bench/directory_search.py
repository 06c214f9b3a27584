"""The directory's name search on PostgreSQL: how each way of matching a Chinese word answers the directory's own
query (the first page in the directory's order, and the count the pager shows).

Run on a copy of the generated province: `DATABASE_URL=postgres://…/qiyue_prov_copy python -m bench directory_search`.
For each query, EXPLAIN ANALYZE's execution time (median of ROUNDS) of the page query plus the count, for:

- `as run`: what Qiyue does (core.search.search_condition): words of one or two Chinese characters through the
  segmented column's full-text index (with the substring test beside it), longer words through the trigram index;
- `trigram only`: `search_document LIKE '%word%'` for every word (pg_trgm GIN; a two-character word has no trigram);
- `bigrams`: every Chinese word as the AND of its character pairs in the segmented column (`'社会' & '会工' & …`),
  with the substring test beside it.

pg_bigm, the other candidate, is not packaged for Debian's PostgreSQL 15 (`apt-cache search bigm` finds nothing).
"""

from __future__ import annotations

import re
import statistics

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connection
from django.db.models import Q

from core.search import is_short_chinese, search_condition, search_words
from registry.models import Organization
from registry.selectors import organization_list

ROUNDS = 5
PAGE = 25
_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def _trigram(words) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(search_document__contains=word)
    return condition


def _bigrams(words) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(search_document__contains=word)
        if _CHINESE.fullmatch(word) and len(word) >= 2:
            pairs = sorted({word[i : i + 2] for i in range(len(word) - 1)})
            query = SearchQuery(" & ".join(pairs), search_type="raw", config="simple")
            condition &= Q(SearchVectorExact(SearchVector("search_tokens", config="simple"), query))
    return condition


def _explain_ms(queryset) -> float:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))


def _page_and_count_ms(condition: Q) -> tuple[float, int]:
    queryset = organization_list().filter(condition)
    page = queryset[:PAGE]
    count = Organization.objects.filter(condition).values("pk")
    timings = [_explain_ms(page) + _explain_ms(count) for _ in range(ROUNDS)]
    return statistics.median(timings), Organization.objects.filter(condition).count()


def _queries() -> list[str]:
    sample = Organization.objects.order_by("pk").values_list("name", flat=True).first() or "阳光社会工作服务中心"
    return ["阳光", "赛罕 阳光", "养老", "呼和浩特", "社会工作服务中心", "阳光社工", sample]


def main() -> None:
    if connection.vendor != "postgresql":
        print("PostgreSQL only (the indexes compared exist there)")
        return
    print(f"{Organization.objects.count()} organizations; page {PAGE} rows + count, median of {ROUNDS} (ms)")
    print(f"{'query':<36} {'matches':>8} {'as run':>9} {'trigram':>9} {'bigrams':>9}")
    for query in _queries():
        words = search_words(query)
        chosen, matches = _page_and_count_ms(search_condition(words, tokens_field="search_tokens"))
        trigram, _ = _page_and_count_ms(_trigram(words))
        bigrams, _ = _page_and_count_ms(_bigrams(words))
        short = "short" if any(is_short_chinese(word) for word in words) else ""
        print(f"{query!r:<36} {matches:>8} {chosen:>9.1f} {trigram:>9.1f} {bigrams:>9.1f} {short}", flush=True)
