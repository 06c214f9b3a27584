"""Descendant lookups: the materialized path answers "every region below X" in one indexed query."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Region


def main() -> None:
    for code in ("100000", "150000", "150100"):
        region = Region.objects.get(code=code)
        started = time.perf_counter()
        for _ in range(200):
            with CaptureQueriesContext(connection) as queries:
                count = len(list(region.descendants().values_list("pk", flat=True)))
        elapsed = (time.perf_counter() - started) / 200
        print(f"{region.name:<12} {count:>5} regions below  {len(queries)} query  {elapsed * 1000:.2f} ms per lookup")
