"""The list pages filtered by a region or a department, as the dashboards' links open them, each timed against a bare
floor in the same loop.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of the province> .venv/bin/python -m bench list_filters

A case is a list page with `?region=<code>` or `?department=<code>`, fetched by Django's test client signed in as a
Hohhot purchaser (a signed-in visitor: the public page cache does not answer); the floor is the sign-in page through
the same client and middleware. Page and floor are fetched alternately, BENCH_LIST_FILTER_RUNS times (default 5)
after one warm-up each; the table gives the medians, their ratio and the queries of the page, and whether the page
offers a region or department as a select (a list of every choice) or as a typed lookup.
"""

from __future__ import annotations

import os
import re
import statistics
import time
import warnings

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from registry.models import Department, Organization

CASES = [
    ("directory, 赛罕区", "/organizations/?region=150105"),
    ("directory, 呼和浩特市民政局", "/organizations/?authority=MZ150100"),
    ("purchase lists, 呼和浩特市", "/purchase-lists/?region=150100"),
    ("contracts, 呼和浩特市", "/contracts/?region=150100"),
    ("contracts, a department", "/contracts/?department=G150100WJ"),
    ("contracts (officials), 呼和浩特市", "/contracts/manage/?region=150100"),
    ("evaluations, 呼和浩特市", "/evaluations/?region=150100"),
    ("credit lists, 呼和浩特市", "/credit-listings/?region=150100"),
]
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def _timed(client: Client, url: str) -> tuple[float, int, str]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), response.content.decode()


def _offers(page: str) -> str:
    """How the page's filter names regions and departments: "select" when it lists them as <option>s."""
    form = page.split('role="search"', 1)[-1].split("</form>", 1)[0]
    options = len(re.findall(r"<option", form))
    return (
        f"select ({options} options in the form)"
        if re.search(r'<select[^>]+name="(region|department|authority)"', form)
        else f"lookup ({options} options in the form)"
    )


@override_settings(
    ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, STORAGES={**settings.STORAGES, "staticfiles": STATIC}
)
def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    runs = int(os.environ.get("BENCH_LIST_FILTER_RUNS", "5"))
    user = get_user_model().objects.filter(is_purchaser=True, department__code="G150100WJ").first()
    if user is None:
        print("no generated province here (a purchaser of G150100WJ): run it on a copy of the generated province")
        return
    client = Client()
    client.force_login(user)
    print(
        f"{Organization.objects.count():,} organizations, {Department.objects.count():,} departments on "
        f"{connection.vendor}; load average {os.getloadavg()[0]:.2f}; medians of {runs} runs, page and floor "
        "alternately"
    )
    print()
    print("| page | server ms | floor ms | ratio | queries | the filter's region/department |")
    print("|---|---:|---:|---:|---:|---|")
    for name, url in CASES:
        _timed(client, url)
        _timed(client, "/accounts/login/")
        pages, floors = [], []
        for _ in range(runs):
            elapsed, queries, page = _timed(client, url)
            pages.append(elapsed)
            floors.append(_timed(client, "/accounts/login/")[0])
        page_ms, floor_ms = statistics.median(pages), statistics.median(floors)
        print(f"| {name} | {page_ms:.1f} | {floor_ms:.1f} | {page_ms / floor_ms:.1f} | {queries} | {_offers(page)} |")
