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
