"""The anonymous public pages' cache: whole pages kept per path and query string, language, host and day, and thrown
away by any write to the database.

What is cached: a GET (or HEAD) of a page named in settings.PUBLIC_PAGE_CACHE_VIEWS (URL names), answered 200 with
HTML, to a visitor who carries no session or messages cookie and is not an htmx request — so a signed-in user, whose
pages hold their own navigation, messages and bell, is never served a cached page and never fills one. A page that
set a cookie or wrote to the session is not kept. Entries live PUBLIC_PAGE_CACHE_SECONDS (0 turns the cache off).

CSRF: every page carries the visitor's CSRF token (the language form, htmx's headers). Before a page is kept, each
token it holds that belongs to the visitor who caused the render is replaced by a placeholder; a page served from the
cache gets the current visitor's own token in its place (and the CSRF middleware sets their cookie as usual).

Invalidation: one generation value in the cache (`GENERATION_KEY`). Each entry stores the generation read *before*
its page was rendered and is served only while that is still the current generation. Every statement that writes
(INSERT, UPDATE, DELETE, anything not a read) through a Django connection, on a table other than those that no public
page shows (`IGNORED_TABLES`: sessions, the cache itself, sign-in attempts, rate counters, notifications, task
rows), sets a new generation when its transaction commits (at once in autocommit). A render that read the records
before a write committed is therefore stored under a generation that is already gone, and the next request renders
afresh: a change is visible on the very next request. The statements are seen by an execute wrapper that
`install()` puts on every database connection; a writer that bypasses Django's cursor (psycopg's COPY) names
its table to `written()`. The day is part of the key, so figures that depend on the date (overdue deliverables, valid
ratings) never outlive their day.

Tables: a value that knows the tables it was read from (the 待办's groups; `remember_read`) need not go with
every write. Each table has a generation of its own (`pagecache:table:<name>`), set anew when a transaction that
wrote to it commits, together with the generation of every table a database trigger on it writes to (read from the
database's own catalogue: `implied_tables`), and with the site-wide generation; `invalidate()` without tables (a
statement whose target cannot be read, a bulk COPY) sets a new epoch (`EPOCH_KEY`) that every table-scoped value
depends on as well. The history tables set no generation of their own (`_watched`): asked for, they stand for the
site-wide generation.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import uuid
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalChanges

from core.triggers import STATEMENT_TARGET, forget_triggers, implied_tables

GENERATION_KEY = "pagecache:generation"
EPOCH_KEY = "pagecache:epoch"
TABLE_KEY = "pagecache:table:{}"
TOKEN_PLACEHOLDER = "\x00qiyue-csrf-token\x00"
# Masked CSRF tokens: 64 ASCII letters and digits (django.middleware.csrf.CSRF_TOKEN_LENGTH).
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
_TARGET = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"\[]?(\w+)', re.IGNORECASE)
# Tables no public page reads: a write to them leaves the cached pages as they are.
IGNORED_TABLES = frozenset(
    {
        "django_session",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "accounts_ratecounter",
        "notifications_notification",
        "django_tasks_database_dbtaskresult",
    }
)


def enabled() -> bool:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0) > 0


def _cache_tables() -> set[str]:
    return {
        str(options.get("LOCATION", ""))
        for options in settings.CACHES.values()
        if options.get("BACKEND", "").endswith("DatabaseCache")
    }


def writes_public_data(sql: str) -> bool:
    """Whether a statement may change what a public page shows: any statement but a read, unless it writes only to
    one of the ignored tables."""
    head = sql.lstrip(" \t\r\n(")[:10].upper()
    if head.startswith(_READS):
        return False
    if head.startswith("WITH") and not STATEMENT_TARGET.search(sql):
        return False  # a common table expression that only reads (a recursive walk of an index)
    match = _TARGET.match(sql)
    if match is None:
        return True
    table = match.group(1).lower()
    return table not in IGNORED_TABLES and table not in _cache_tables()


def invalidate(tables: Iterable[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Start a new generation: every cached page is stale from now on. With `tables` (written by a transaction that
    just committed on `using`), the values remembered from those tables and from the tables their triggers write to go
    too; without, every table-scoped value does."""
    generation = uuid.uuid4().hex
    values = {GENERATION_KEY: generation}
    if tables is None:
        values[EPOCH_KEY] = generation
    else:
        written = implied_tables(tables, using=using)
        if written is None:
            values[EPOCH_KEY] = generation
        else:
            values.update({TABLE_KEY.format(table): generation for table in sorted(written) if _watched(table)})
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, DatabaseCache):
        backend.set_many(values, None)
        return
    try:
        # A savepoint of its own: on PostgreSQL a failed statement would otherwise abort the transaction around it.
        with transaction.atomic(using=router.db_for_write(backend.cache_model_class)):
            backend.set_many(values, None)
    except DatabaseError:
        # The database cache's table is made by `migrate` itself: until it exists (the first migrations of an empty
        # database), nothing can have been cached, so there is nothing to throw away.
        pass


class _Written:
    """The on-commit callback of a transaction that has written: the tables it wrote to (None: a statement whose
    target cannot be read). One per transaction; a rolled-back savepoint drops it with the writes it stood for."""

    def __init__(self, using: str):
        self.using = using
        self.tables: set[str] | None = set()

    def add(self, table: str | None) -> None:
        if table is None:
            self.tables = None
        elif self.tables is not None:
            self.tables.add(table)

    def __call__(self) -> None:
        invalidate(self.tables, using=self.using)


def _written_table(sql: str) -> tuple[bool, str | None]:
    """(whether the statement may change what a page shows, the table it writes to if that can be read)."""
    if not writes_public_data(sql):
        return False, None
    match = _TARGET.match(sql)
    if match is None or ";" in sql.strip().rstrip(";"):
        return True, None  # not one statement on one table that can be read: anything may have changed
    return True, match.group(1).lower()


def _write_watcher(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if enabled() and isinstance(sql, str):
        writes, table = _written_table(sql)
        if writes:
            _count_write(context["connection"], table)
    return result


def written(table: str | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """A write that did not pass through Django's cursor (psycopg's COPY), to `table` (None: tables unknown): counted
    like any statement the watcher sees, when its transaction commits (at once in autocommit)."""
    if enabled():
        _count_write(connections[using], table)


def _count_write(connection, table: str | None) -> None:
    if connection.in_atomic_block:
        pending = _pending(connection)
        if pending is None:
            pending = _Written(connection.alias)
            transaction.on_commit(pending, using=connection.alias)
        pending.add(table)
    else:
        invalidate(None if table is None else [table], using=connection.alias)


def _pending(connection) -> _Written | None:
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _Written):
            return func
    return None


def _watch(sender, connection, **kwargs) -> None:
    if _write_watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(_write_watcher)


def install() -> None:
    """Watch every database connection's writes (called once from core's AppConfig.ready)."""
    connection_created.connect(_watch, dispatch_uid="qiyue-pagecache")
    post_migrate.connect(forget_triggers, dispatch_uid="qiyue-pagecache-triggers")
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _write_pending() -> bool:
    """Whether this thread's connection has written in a transaction not yet committed (what it reads now, no other
    visitor can see yet)."""
    return any(
        connection.in_atomic_block and _pending(connection) is not None
        for connection in connections.all(initialized_only=True)
    )


def remember(name: str, *parts, compute: Callable[[], object]):
    """A value that costs more than reading it back (a figure, a count, a rendered fragment), kept per day and
    `parts` until the next write commits, for every visitor, signed in or not. Computed afresh when the page cache
    is off, and never kept from inside a transaction that has written."""
    _report(None)  # a value kept by its tables around this one goes with any write too
    if not enabled():
        return compute()
    key = _value_key(name, parts)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    generation = generation if generation is not None else _generation()
    value = compute()
    if not _write_pending():
        cache.set(key, (generation, value), settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


# Tables each value of `remember_read` was read from, per name, learned by this process: a value is kept by its tables
# once they are known before it is computed (a write committed while it is read then shows as a new generation).
_TABLES_READ: dict[str, frozenset[str]] = {}
_computing = threading.local()


class _Read:
    """What a value of `remember_read` was read from while it was computed: the statements run, the tables of the
    values it recalled, and whether one of those goes with any write."""

    def __init__(self):
        self.statements: list[str] = []
        self.tables: set[str] = set()
        self.any_write = False

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def watched(self) -> frozenset[str] | None:
        named = tables_named(self.statements)
        return None if self.any_write or named is None else named | self.tables


def remember_read(name: str, *parts, compute: Callable[[], object], tables: Iterable[str] | None = None):
    """`remember`, kept until a write to one of the tables the value was read from commits rather than any write:
    the tables named in the statements `compute` runs, and those of the values it recalls this way in turn. Given
    `tables`, or once this process has computed the value before, their generations are read before the value is,
    and it is kept with them; the first time (or if `compute` read another table, or recalled a value of `remember`)
    it is kept until the next write, as by `remember`."""
    if not enabled():
        return compute()
    key = _value_key(name, parts)
    known = frozenset(tables) if tables is not None else _TABLES_READ.get(name)
    # The value, the site-wide generation and those of the tables it is known to be read from, in one round trip.
    table_keys = {TABLE_KEY.format(table) for table in known or () if _watched(table)}
    found = cache.get_many([GENERATION_KEY, key, EPOCH_KEY, *table_keys])
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    if entry is not None:
        watch, value = entry
        if watch == generation if isinstance(watch, str) else _holds(watch, found, generation):
            _report(None if isinstance(watch, str) else watch)
            return value
    generation = generation if generation is not None else _generation()
    before = generations(known) if known is not None else None
    read = _Read()
    stack = _computing.__dict__.setdefault("stack", [])
    stack.append(read)
    try:
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(read):
            value = compute()
    finally:
        stack.pop()
    watched = read.watched()
    if tables is None and watched is not None:
        _TABLES_READ[name] = watched | _TABLES_READ.get(name, frozenset())
    watch = before if before is not None and watched is not None and watched <= before.keys() else generation
    _report(None if isinstance(watch, str) else watch)
    if not _write_pending():
        cache.set(key, (watch, value), settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def _holds(watch: dict[str, str], found: dict, generation: str | None) -> bool:
    """Whether the tables' generations kept with a value are those now: read from `found` (what `remember_read` read
    in its one round trip) when it holds them all, else asked (`generations`)."""
    now = {}
    for table in watch:
        if table == EPOCH_KEY:
            now[table] = found.get(EPOCH_KEY)
        elif not _watched(table):
            now[table] = generation
        else:
            now[table] = found.get(TABLE_KEY.format(table))
        if now[table] is None:
            return generations(watch) == watch
    return now == watch


def _report(tables: Iterable[str] | None) -> None:
    """Tell the values of `remember_read` being computed around this one that it depends on these tables (None: on
    any write)."""
    for read in getattr(_computing, "stack", ()):
        if tables is None:
            read.any_write = True
        else:
            read.tables.update(table for table in tables if table != EPOCH_KEY)


_QUOTED = re.compile(r'"(\w+)"')


def tables_named(sqls: Iterable[str]) -> frozenset[str] | None:
    """The models' tables named in these statements (Django quotes every table it names); None when one of them sets
    no generation (IGNORED_TABLES: what is read from it goes with any write)."""
    known = _model_tables()
    tables = frozenset(name.lower() for sql in sqls for name in _QUOTED.findall(sql) if name.lower() in known)
    return None if tables & IGNORED_TABLES else tables


@functools.cache
def _model_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table.lower() for model in apps.get_models(include_auto_created=True))


def _value_key(name: str, parts) -> str:
    suffix = ":".join(str(part) for part in parts)
    return f"pagecache:value:{name}:{timezone.localdate().isoformat()}:{suffix}"


def recall(name: str, *parts) -> tuple[str, object | None]:
    """The site-wide generation now and the value kept by `keep` under `name` and `parts` (None), in one round trip:
    for a value that holds its own generations and decides itself what of it still holds (the 待办)."""
    key = _value_key(name, parts)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    return (generation if generation is not None else _generation()), found.get(key)


def keep(name: str, *parts, value) -> None:
    """Keep `value` for `recall` (not when the cache is off, nor from inside a transaction that has written)."""
    if enabled() and not _write_pending():
        cache.set(_value_key(name, parts), value, settings.PUBLIC_PAGE_CACHE_SECONDS)


def generations(tables: Iterable[str]) -> dict[str, str]:
    """The generation of each table (set anew by every committed write to it) and, under EPOCH_KEY, the epoch (set
    anew by a write whose tables are not known), in one round trip. Read them before reading the rows a value is made
    of, keep them with it, and it holds while they are unchanged."""
    tables = [table for table in tables if table != EPOCH_KEY]
    keys = {TABLE_KEY.format(table): table for table in tables if _watched(table)}
    keys[EPOCH_KEY] = EPOCH_KEY
    unwatched = [table for table in tables if not _watched(table)]
    found = cache.get_many([*keys, GENERATION_KEY] if unwatched else list(keys))
    generation = found.pop(GENERATION_KEY, None)
    missing = {key: uuid.uuid4().hex for key in keys.keys() - found.keys()}
    if unwatched and generation is None:
        missing[GENERATION_KEY] = generation = uuid.uuid4().hex
    if missing:
        # Never set, or evicted: a new value is as good as any (it differs from every value kept with a value, so
        # nothing kept is taken for current), and needs no `add` race.
        cache.set_many(missing, None)
        found.update(missing)
    found.pop(GENERATION_KEY, None)
    # A table whose writes set no generation of its own (the history tables) goes with any write.
    return {**{keys[key]: value for key, value in found.items()}, **dict.fromkeys(unwatched, generation)}


@functools.cache
def _history_tables() -> frozenset[str]:
    return frozenset(
        model._meta.db_table.lower() for model in apps.get_models() if issubclass(model, HistoricalChanges)
    )


def _watched(table: str) -> bool:
    """Whether a write to the table sets a generation of the table's own: not for the history tables, written with
    every change of their records and read by no value kept by its tables (asked for, they stand for the site-wide
    generation), which would only make every write set twice as many keys."""
    return table not in _history_tables()


def fragment(name: str, *parts, render: Callable[[], str]) -> str:
    """A piece of a page that costs more than the page around it (the home's figures and charts), kept per language
    (see `remember`)."""
    html = remember(f"fragment:{name}", translation.get_language(), *parts, compute=lambda: str(render()))
    return mark_safe(html)  # HTML this function rendered and stored


def count(queryset) -> int:
    """`queryset.count()`, remembered until the next write (see `remember`): the exact number of rows a list shows,
    read once per change of the data instead of on every page. The key is the list's SQL without what a count
    never reads, as Django's own `count()` leaves it out: the related rows joined only to be shown
    (`select_related`) and the order (unless the query is sliced or distinct on fields)."""
    query = queryset.query.chain()
    query.select_related = False
    query.clear_ordering(force=False)
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(repr((queryset.db, sql, params)).encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return remember("count", digest, compute=queryset.count)


def _page_key(request) -> str:
    full = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(full.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return f"pagecache:{translation.get_language()}:{timezone.localdate().isoformat()}:{digest}"


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in getattr(settings, "PUBLIC_PAGE_CACHE_VIEWS", ()):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.headers.get("HX-Request")


def _strip_tokens(content: str, request) -> str | None:
    """The page with the rendering visitor's CSRF tokens replaced by the placeholder (None if it holds one that
    cannot be accounted for)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def replace(match):
        token = match.group(0)
        return TOKEN_PLACEHOLDER if _unmask_cipher_token(token) == secret else token

    return _TOKEN.sub(replace, content)


class PublicPageCacheMiddleware:
    """Serves and keeps the anonymous public pages (see the module's docstring). Placed after the session, locale,
    CSRF, authentication and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_qiyue_page_key", None)
        if key is not None:
            self._keep(request, response, key)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _cacheable_request(request):
            return None
        key = _page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if generation is not None and entry is not None and entry[0] == generation:
            _generation_unused, content_type, body = entry
            response = HttpResponse(body.replace(TOKEN_PLACEHOLDER, get_token(request)), content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        request._qiyue_page_key = key
        request._qiyue_page_generation = generation if generation is not None else _generation()
        return None

    def _keep(self, request, response, key) -> None:
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or not response.get("Content-Type", "").startswith("text/html")
            or "no-store" in response.get("Cache-Control", "")
            or getattr(getattr(request, "session", None), "modified", False)
            or getattr(getattr(request, "user", None), "is_authenticated", False)
            or getattr(getattr(request, "_messages", None), "added_new", False)
        ):
            return
        body = _strip_tokens(response.content.decode(response.charset), request)
        cache.set(
            key,
            (request._qiyue_page_generation, response["Content-Type"], body),
            settings.PUBLIC_PAGE_CACHE_SECONDS,
        )
        response["X-Page-Cache"] = "miss"
