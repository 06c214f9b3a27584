"""How much of a public page's server time is spent waiting for the database: the question behind a read replica
(`DATABASE_REPLICA_URL` would only move that share to another host).

Run on a copy of generated data, e.g. `DATABASE_URL=postgres://…/copy .venv/bin/python -m bench db_share`. Each
anonymous page is requested through Django's test client `BENCH_ROUNDS` times (default 7) after one warm-up; the
time inside the database driver is summed with a connection execute wrapper. Medians.
"""

from __future__ import annotations

import os
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from contracts.models import Contract
from registry.models import Organization


class _Timer:
    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def main() -> None:
    organization = Organization.objects.order_by("pk").first()
    contract = Contract.objects.exclude(status=Contract.Status.DRAFT).order_by("pk").first()
    if organization is None or contract is None:
        print("no data: run on a copy of generated data (docs/benchmarks.md)")
        return
    pages = [
        "/",
        "/organizations/",
        "/organizations/?q=阳光",
        f"/organizations/{organization.uscc}/",
        "/contracts/",
        f"/contracts/{contract.number}/",
        "/api/v1/organizations/",
    ]
    rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
    print(f"load average {os.getloadavg()[0]:.1f}; median of {rounds}")
    print("| page | server ms | database ms | database share | queries |")
    print("|---|---:|---:|---:|---:|")
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        client = Client()
        for url in pages:
            assert client.get(url).status_code == 200, url  # warm-up
            totals, database, queries = [], [], 0
            for _ in range(rounds):
                timer = _Timer()
                started = time.perf_counter()
                with connection.execute_wrapper(timer):
                    response = client.get(url)
                totals.append(time.perf_counter() - started)
                database.append(timer.seconds)
                queries = timer.queries
                assert response.status_code == 200, url
            total, db = statistics.median(totals) * 1000, statistics.median(database) * 1000
            print(f"| `{url}` | {total:.0f} | {db:.0f} | {db / total:.0%} | {queries} |")
