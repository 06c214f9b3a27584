"""Every page that matters at provincial scale, each timed against a bare "floor" in the same loop.

Run it on a copy of the generated province (never on `qiyue_province` itself):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiyue_prov_copy .venv/bin/python -m bench pages

A case is a page (a URL, fetched by Django's test client in this process: middleware, view, queries and template),
the user it is fetched as, and its floor: the same rows read the plainest way Django can (`.values()` of the
columns the page shows, the same order and page size) and rendered by a one-line template, served through the same
client and middleware at `/__bench__/floor/<case>/`. Page and floor are fetched alternately, BENCH_PAGES_RUNS times
(default 7) after one warm-up each; the table gives the medians, their ratio and the queries of each.

The directory's floors read its rows' ten columns, the grade and the listings by a subquery per row
(`directory_floor`); "directory full-name search (six-column floor)" keeps the narrower floor of the earlier
figures (six of the columns, no joined authority, grade or listing), the stricter of the two.

A deep page is fetched the way a visitor reaches it, by the link on the page before it (`followed(url, page)`: the
page's `rel="next"` link or the API's `next`); "typed" cases ask for `?page=N` directly.

Adding a case is one line in CASES: `Case(name, url, user=…, floor=Floor(model, columns, order=…, page=…))`. A URL
or a user may be a function of nothing, called once when the case runs (to find a sample record, or the URL of a
deep page). `BENCH_PAGES_ONLY=contracts,api` runs the cases whose names contain one of the words.

Caches: with PUBLIC_PAGE_CACHE_SECONDS=0 nothing is kept and every request does all its work. With the page cache on
(production's default), anonymous pages would be served whole from it, so every client carries a session cookie, as
a visitor who has changed the language does: its pages are rendered on every request, with what `core.pagecache`
remembers between writes (list counts, the home's figures). The table says which of the two was measured.
"""

from __future__ import annotations

import html
import os
import re
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from contracts.models import Contract
from registry.models import Organization
from registry.selectors import on_credit_list_condition, with_current_grade
from supervision.models import Complaint, Inspection

PER_PAGE = 25
API_PAGE = 50

FLOOR_TEMPLATE = engines["django"].from_string(
    "<table>{% for row in rows %}<tr>{% for value in row.values %}<td>{{ value }}</td>{% endfor %}</tr>"
    "{% endfor %}</table>"
)


@dataclass
class Floor:
    """The bare reading of what a page shows: `.values(*columns)` of `model` (or of `rows()`), filtered by `where`,
    in `order`, page `page` of `per_page` rows (OFFSET, as the plainest paginator does)."""

    model: type[Model] | None = None
    columns: tuple[str, ...] = ()
    order: tuple[str, ...] = ("pk",)
    where: Q | Callable[[], Q] = field(default_factory=Q)
    page: int = 1
    per_page: int = PER_PAGE
    rows: Callable[[], object] | None = None
    annotate: Callable[[QuerySet], QuerySet] | None = None  # the figures the page shows beside the columns

    def read(self) -> list[dict]:
        if self.rows is not None:
            queryset = self.rows()
        else:
            where = self.where() if callable(self.where) else self.where
            queryset = self.model._default_manager.filter(where)
        if self.annotate is not None:
            queryset = self.annotate(queryset)
        start = (self.page - 1) * self.per_page
        return list(queryset.order_by(*self.order).values(*self.columns)[start : start + self.per_page])


@dataclass
class Case:
    name: str
    url: str | Callable[[], str]
    user: str | Callable[[], object] | None = None
    floor: Floor | None = None


# ---- samples, found once when the case runs ------------------------------------------------------------------------


def province_registrar():
    """registrar_nm, or on generated data the second registrar of the widest bureau (a registrar only)."""
    users = get_user_model().objects.filter(is_registrar=True, is_active=True)
    demo = users.filter(username="registrar_nm").first()
    if demo is not None:
        return demo
    widest = users.filter(username__startswith="gen_").order_by("department__region__path", "username")
    first = widest.first()
    if first is None:
        return None
    same = widest.filter(department_id=first.department_id)
    return same.filter(is_purchaser=False).first() or first


def _organization() -> Organization:
    """An organization with contracts: the one that signed the most recent public contract."""
    contract = Contract.objects.exclude(status=Contract.Status.DRAFT).order_by("-pk").first()
    if contract is not None:
        return contract.organization
    return Organization.objects.order_by("pk").first()


def _contract() -> Contract:
    return Contract.objects.exclude(status=Contract.Status.DRAFT).order_by("-pk").first()


def _long_name() -> str:
    """A full organization name from the middle of the directory."""
    total = Organization.objects.count()
    return Organization.objects.order_by("pk").values_list("name", flat=True)[total // 2]


def _directory_filter() -> dict[str, str]:
    """The league or city with the most organizations, and the commonest type there."""
    from django.db.models import Count

    from registry.models import Region

    home = Region.objects.filter(code=settings.HOME_PROVINCE_CODE).first()
    cities = Region.objects.filter(parent=home) if home else Region.objects.none()
    best = None
    for city in cities:
        count = Organization.objects.filter(region__path__startswith=city.path).count()
        if best is None or count > best[1]:
            best = (city, count)
    if best is None:
        return {"code": "", "path": "", "org_type": Organization.Type.SERVICE}
    org_type = (
        Organization.objects.filter(region__path__startswith=best[0].path)
        .values("org_type")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("org_type", flat=True)
        .first()
    )
    return {"code": best[0].code, "path": best[0].path, "org_type": org_type or Organization.Type.SERVICE}


_memo: dict[str, object] = {}


def memo(name: str, make: Callable[[], object]):
    if name not in _memo:
        _memo[name] = make()
    return _memo[name]


def directory_filter() -> dict[str, str]:
    return memo("directory_filter", _directory_filter)


def organization() -> Organization:
    return memo("organization", _organization)


def contract() -> Contract:
    return memo("contract", _contract)


def long_name() -> str:
    return memo("long_name", _long_name)


def followed(url: str, page: int) -> Callable[[], str]:
    """The link a visitor follows to page `page` of a list: the next link of page `page - 1` (a page's `rel="next"`
    link, an API answer's `next`); `?page=N` where there is none."""

    def find() -> str:
        response = Client().get(url, {"page": page - 1})
        if response.get("Content-Type", "").startswith("application/json"):
            return response.json().get("next") or f"{url}?page={page}"
        match = re.search(r'href="([^"]*)" rel="next"', response.content.decode())
        return url + html.unescape(match.group(1)) if match else f"{url}?page={page}"

    return find


def public_contracts() -> Q:
    return ~Q(status=Contract.Status.DRAFT)


# ---- the cases -----------------------------------------------------------------------------------------------------

ORG_COLUMNS = ("uscc", "name", "org_type", "region__name", "legal_representative", "status")
# What a row of the directory shows: its ten columns (the region with its city, the registration authority, the date
# of establishment, the grade valid today and the open listings besides ORG_COLUMNS), each figure by the plainest
# ORM means, a subquery per row.
DIRECTORY_COLUMNS = (
    *ORG_COLUMNS,
    "region__parent__name",
    "registration_authority__name",
    "established_on",
    "current_grade",
    "listed",
    "listed_serious",
)
ORG_ORDER = ("region__code", "name_pinyin", "pk")


def directory_figures(queryset: QuerySet) -> QuerySet:
    return with_current_grade(queryset).annotate(
        listed=on_credit_list_condition(), listed_serious=on_credit_list_condition(serious=True)
    )


def directory_floor(**kwargs) -> Floor:
    return Floor(Organization, DIRECTORY_COLUMNS, ORG_ORDER, annotate=directory_figures, **kwargs)


CONTRACT_COLUMNS = ("number", "title", "department__name", "organization__name", "amount", "signed_on", "status")
CONTRACT_ORDER = ("-year", "-number")
INSPECTION_COLUMNS = ("planned_on", "organization__name", "organization__region__name", "kind", "status")
COMPLAINT_COLUMNS = ("tracking_code", "received_at", "subject", "organization__name", "status")

CASES: list[Case] = [
    Case("home", "/"),
    Case("directory p1", "/organizations/", floor=directory_floor()),
    Case(
        "directory region+type",
        lambda: f"/organizations/?region={directory_filter()['code']}&org_type={directory_filter()['org_type']}",
        floor=directory_floor(
            where=lambda: Q(
                region__path__startswith=directory_filter()["path"], org_type=directory_filter()["org_type"]
            ),
        ),
    ),
    Case("directory q=阳光", "/organizations/?q=阳光", floor=directory_floor(where=Q(name__contains="阳光"))),
    Case(
        "directory full-name search",
        lambda: f"/organizations/?q={long_name()}",
        floor=directory_floor(where=lambda: Q(name=long_name())),
    ),
    Case(
        "directory full-name search (six-column floor)",
        lambda: f"/organizations/?q={long_name()}",
        floor=Floor(Organization, ORG_COLUMNS, ORG_ORDER, where=lambda: Q(name=long_name())),
    ),
    Case("directory page 1000", followed("/organizations/", 1000), floor=directory_floor(page=1000)),
    Case("directory ?page=1000 typed", "/organizations/?page=1000", floor=directory_floor(page=1000)),
    Case("contracts p1", "/contracts/", floor=Floor(Contract, CONTRACT_COLUMNS, CONTRACT_ORDER, public_contracts)),
    Case(
        "contracts page 1900",
        followed("/contracts/", 1900),
        floor=Floor(Contract, CONTRACT_COLUMNS, CONTRACT_ORDER, public_contracts, page=1900),
    ),
    Case(
        "inspections (province)",
        "/supervision/inspections/",
        user=province_registrar,
        floor=Floor(Inspection, INSPECTION_COLUMNS, ("-planned_on", "-pk")),
    ),
    Case(
        "complaints (province)",
        "/supervision/complaints/",
        user=province_registrar,
        floor=Floor(Complaint, COMPLAINT_COLUMNS, ("-received_at", "-pk")),
    ),
    Case(
        "organization page",
        lambda: f"/organizations/{organization().uscc}/",
        floor=Floor(Organization, ORG_COLUMNS, where=lambda: Q(pk=organization().pk)),
    ),
    Case(
        "organization report.pdf",
        lambda: f"/organizations/{organization().uscc}/report.pdf",
        floor=Floor(Organization, ORG_COLUMNS, where=lambda: Q(pk=organization().pk)),
    ),
    Case(
        "contract page",
        lambda: f"/contracts/{contract().number}/",
        floor=Floor(Contract, CONTRACT_COLUMNS, where=lambda: Q(pk=contract().pk)),
    ),
    Case(
        "API organizations p1",
        "/api/v1/organizations/",
        floor=Floor(Organization, ORG_COLUMNS, ("pk",), per_page=API_PAGE),
    ),
    Case(
        "API organizations page 3000",
        followed("/api/v1/organizations/", 3000),
        floor=Floor(Organization, ORG_COLUMNS, ("pk",), page=3000, per_page=API_PAGE),
    ),
    Case(
        "API contracts p1",
        "/api/v1/contracts/",
        floor=Floor(Contract, CONTRACT_COLUMNS, CONTRACT_ORDER, public_contracts, per_page=API_PAGE),
    ),
    Case(
        "OCDS releases page_size=200",
        "/api/v1/ocds/releases/?page_size=200",
        floor=Floor(Contract, CONTRACT_COLUMNS, ("pk",), public_contracts, per_page=200),
    ),
]


# ---- the floor view and the timing loop ----------------------------------------------------------------------------

_floors: dict[str, Floor] = {}


def floor_view(request, slug: str) -> HttpResponse:
    rows = _floors[slug].read()
    return HttpResponse(FLOOR_TEMPLATE.render({"rows": rows}))


def _fetch(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), response.status_code


def _client_for(user) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "bench-visitor-without-a-session"  # never served a cached page
    if callable(user):
        user = user()
    if isinstance(user, str):
        user = get_user_model().objects.get(username=user)
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Result:
    name: str
    status: int
    page_ms: float
    page_queries: int
    floor_ms: float | None
    floor_queries: int | None

    @property
    def ratio(self) -> float | None:
        return self.page_ms / self.floor_ms if self.floor_ms else None

    def line(self) -> str:
        floor = f"{self.floor_ms:.1f}" if self.floor_ms is not None else "–"
        ratio = f"{self.ratio:.1f}" if self.ratio is not None else "–"
        queries = f"{self.page_queries}" + (f" / {self.floor_queries}" if self.floor_queries is not None else "")
        status = "" if self.status == 200 else f" (HTTP {self.status})"
        return f"| {self.name}{status} | {self.page_ms:,.1f} | {floor} | {ratio} | {queries} |"


def run_case(case: Case, runs: int) -> Result:
    url = case.url() if callable(case.url) else case.url
    client = _client_for(case.user)
    floor_url = None
    if case.floor is not None:
        slug = str(len(_floors))
        _floors[slug] = case.floor
        floor_url = f"/__bench__/floor/{slug}/"
    page_times, floor_times = [], []
    _, page_queries, status = _fetch(client, url)  # warm-up
    floor_queries = _fetch(client, floor_url)[1] if floor_url else None
    for _ in range(runs):
        elapsed, page_queries, status = _fetch(client, url)
        page_times.append(elapsed)
        if floor_url:
            elapsed, floor_queries, _ = _fetch(client, floor_url)
            floor_times.append(elapsed)
    return Result(
        case.name,
        status,
        statistics.median(page_times),
        page_queries,
        statistics.median(floor_times) if floor_times else None,
        floor_queries,
    )


# Production settings, served to the test client: its host, plain HTTP, static files without a built manifest, and
# the bench's floor views beside the site's URLs.
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@override_settings(
    ALLOWED_HOSTS=["testserver"],
    SECURE_SSL_REDIRECT=False,
    STORAGES={**settings.STORAGES, "staticfiles": STATIC},
    ROOT_URLCONF="bench.urls",
)
def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic for a benchmark
    runs = int(os.environ.get("BENCH_PAGES_RUNS", "7"))
    only = [word.strip().lower() for word in os.environ.get("BENCH_PAGES_ONLY", "").split(",") if word.strip()]
    if not Organization.objects.exists():
        print("no generated data here: generating the tiny profile first")
        call_command("generate_data", profile="tiny", verbosity=0)
    sizes = {
        "organizations": Organization.objects.count(),
        "contracts": Contract.objects.count(),
        "inspections": Inspection.objects.count(),
        "complaints": Complaint.objects.count(),
    }
    print(", ".join(f"{count:,} {name}" for name, count in sizes.items()) + f" on {connection.vendor}")
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {runs} runs, page and floor alternately")
    if settings.PUBLIC_PAGE_CACHE_SECONDS:
        print("page cache on: pages rendered on every request, list counts and the home's figures kept between writes")
    else:
        print("page cache off (PUBLIC_PAGE_CACHE_SECONDS=0): every request does all its work")
    print()
    print("| page | server ms | floor ms | ratio | queries (page / floor) |")
    print("|---|---:|---:|---:|---:|")
    for case in CASES:
        if only and not any(word in case.name.lower() for word in only):
            continue
        print(run_case(case, runs).line(), flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
