"""Deployment checks of Qiyue (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

SQLITE_IN_PRODUCTION = "qiyue.W001"


@checks.register(checks.Tags.security, deploy=True)
def sqlite_in_production(app_configs=None, **kwargs):
    """SQLite serializes every write: with DEBUG off it serves a demo, not a province."""
    engine = settings.DATABASES.get("default", {}).get("ENGINE", "")
    if settings.DEBUG or not engine.endswith("sqlite3"):
        return []
    return [
        checks.Warning(
            "DEBUG is off and the database is SQLite, which takes one write at a time.",
            hint="Set DATABASE_URL=postgres://… for production (README: Production and PostgreSQL).",
            id=SQLITE_IN_PRODUCTION,
        )
    ]


TASKS_RUN_IN_REQUESTS = "qiyue.W002"
CACHE_PER_PROCESS = "qiyue.W003"


@checks.register(checks.Tags.security, deploy=True)
def tasks_run_in_requests(app_configs=None, **kwargs):
    """The immediate task backend runs background work inside the request that asks for it: a large export would be
    built by a web process, past its timeout."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or not backend.endswith("ImmediateBackend"):
        return []
    return [
        checks.Warning(
            "DEBUG is off and background tasks run inside requests (the immediate backend).",
            hint="Leave TASKS_BACKEND unset (the database backend) and run `manage.py db_worker` beside gunicorn "
            "(README: Running at scale).",
            id=TASKS_RUN_IN_REQUESTS,
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def cache_per_process(app_configs=None, **kwargs):
    """A per-process cache gives every gunicorn worker its own rate-limit counters."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or not backend.endswith("LocMemCache"):
        return []
    return [
        checks.Warning(
            "DEBUG is off and the cache is kept per process (locmem://): rate limits count per worker.",
            hint="Set CACHE_URL=redis://… (or leave it empty for the database) so every process counts the same.",
            id=CACHE_PER_PROCESS,
        )
    ]
