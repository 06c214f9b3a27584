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
`install()` puts on every database connection; a writer that bypasses Django's cursor (psycopg's COPY) calls
`invalidate()` itself. The day is part of the key, so figures that depend on the date (overdue deliverables, valid
ratings) never outlive their day.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, router, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

GENERATION_KEY = "pagecache:generation"
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
    match = _TARGET.match(sql)
    if match is None:
        return True
    table = match.group(1).lower()
    return table not in IGNORED_TABLES and table not in _cache_tables()


def invalidate() -> None:
    """Start a new generation: every cached page is stale from now on."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, DatabaseCache):
        backend.set(GENERATION_KEY, uuid.uuid4().hex, None)
        return
    try:
        # A savepoint of its own: on PostgreSQL a failed statement would otherwise abort the transaction around it.
        with transaction.atomic(using=router.db_for_write(backend.cache_model_class)):
            backend.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except DatabaseError:
        # The database cache's table is made by `migrate` itself: until it exists (the first migrations of an empty
        # database), nothing can have been cached, so there is nothing to throw away.
        pass


def _write_watcher(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if enabled() and isinstance(sql, str) and writes_public_data(sql):
        connection = context["connection"]
        if connection.in_atomic_block:
            # One callback per transaction; a rolled-back savepoint drops it with the write it stood for.
            if not any(func is _invalidate_on_commit for _sids, func, _robust in connection.run_on_commit):
                transaction.on_commit(_invalidate_on_commit, using=connection.alias)
        else:
            invalidate()
    return result


def _invalidate_on_commit() -> None:
    invalidate()


def _watch(sender, connection, **kwargs) -> None:
    if _write_watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(_write_watcher)


def install() -> None:
    """Watch every database connection's writes (called once from core's AppConfig.ready)."""
    connection_created.connect(_watch, dispatch_uid="qiyue-pagecache")
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
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block and any(
            func is _invalidate_on_commit for _sids, func, _robust in connection.run_on_commit
        ):
            return True
    return False


def remember(name: str, *parts, compute: Callable[[], object]):
    """A value that costs more than reading it back (a figure, a count, a rendered fragment), kept per day and
    `parts` until the next write commits, for every visitor, signed in or not. Computed afresh when the page cache
    is off, and never kept from inside a transaction that has written."""
    if not enabled():
        return compute()
    suffix = ":".join(str(part) for part in parts)
    key = f"pagecache:value:{name}:{timezone.localdate().isoformat()}:{suffix}"
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
