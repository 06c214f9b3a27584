"""`manage.py ocds_validate --jobs 2` in real worker processes, each with its own connection to committed data
(PostgreSQL: pytest-django's SQLite test database lives in memory, which other processes cannot open)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import unittest
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from portal.generator import generate
from registry.models import Region

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")


def _load_regions() -> None:
    with open(os.devnull, "w") as quiet:
        call_command("load_regions", without_authorities=True, verbosity=0, stdout=quiet)


def _run_command(*arguments: str) -> str:
    """The command's output, run by `manage.py` in a new process on the test database."""
    database = connection.settings_dict
    url = "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=quote(database["USER"] or ""),
        password=quote(database["PASSWORD"] or ""),
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        name=database["NAME"],
    )
    environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "OCDS_SCHEMA_DIR": str(SCHEMA_DIR)}
    finished = subprocess.run(
        [sys.executable, "manage.py", "ocds_validate", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


@unittest.skipIf(not SCHEMA_DIR.is_dir(), f"OCDS schema folder {SCHEMA_DIR} is not beside the repository")
class WorkerProcessesTest(TransactionTestCase):
    def setUp(self):
        super().setUp()
        # An earlier transactional test (a function marked transaction=True) may have emptied the database, regions
        # included: the generator needs them.
        if not Region.objects.exists():
            _load_regions()

    def _fixture_teardown(self):
        # The data must be committed for the workers to see it, so the test database is emptied afterwards: the
        # regions every test expects (tests/conftest.py) are loaded again.
        super()._fixture_teardown()
        _load_regions()

    def test_worker_processes_check_ranges_of_committed_contracts(self):
        if connection.vendor != "postgresql":
            self.skipTest("worker processes need a database other connections can open")
        generate(profile="tiny", seed=5, today=datetime.date(2026, 12, 1), history=False, vacuum=False)
        # As it is run: `manage.py ocds_validate` in a process of its own (whose workers are forked from a process
        # that holds no other connection), on the test database.
        alone = _run_command("--schema-dir", str(SCHEMA_DIR), "--cove", "never", "--chunk", "10", "--jobs", "1")
        together = _run_command("--schema-dir", str(SCHEMA_DIR), "--cove", "never", "--chunk", "10", "--jobs", "2")
        assert "in one process;" in alone and "in 2 processes;" in together
        counts = alone.split(":")[1].split(" from ")[0]
        assert counts == together.split(":")[1].split(" from ")[0]
        assert "largest worker" in together
