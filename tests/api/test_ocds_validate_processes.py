"""`manage.py ocds_validate --jobs 2` in real worker processes, each with its own connection to committed data
(PostgreSQL: pytest-django's SQLite test database lives in memory, which other processes cannot open)."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from api.management.commands import ocds_validate
from portal.generator import generate

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")

pytestmark = [
    pytest.mark.skipif(not SCHEMA_DIR.is_dir(), reason=f"OCDS schema folder {SCHEMA_DIR} is not beside the repository"),
    pytest.mark.django_db(transaction=True),
]


def test_worker_processes_check_ranges_of_committed_contracts(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database other connections can open")
    generate(profile="tiny", seed=5, today=datetime.date(2026, 12, 1), history=False, vacuum=False)
    monkeypatch.setattr(ocds_validate, "CHUNK", 10)
    alone, together = io.StringIO(), io.StringIO()
    call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), "--cove", "never", "--jobs", "1", stdout=alone)
    call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), "--cove", "never", "--jobs", "2", stdout=together)
    assert "in one process;" in alone.getvalue() and "in 2 processes;" in together.getvalue()
    counts = alone.getvalue().split(":")[1].split(" from ")[0]
    assert counts == together.getvalue().split(":")[1].split(" from ")[0]
    assert "largest worker" in together.getvalue()
