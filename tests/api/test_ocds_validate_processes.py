"""`manage.py ocds_validate --jobs 2` in real worker processes, each with its own connection to committed data
(PostgreSQL: pytest-django's SQLite test database lives in memory, which other processes cannot open)."""

from __future__ import annotations

import datetime
import io
import os
import unittest
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from api.management.commands import ocds_validate
from portal.generator import generate

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")


@unittest.skipIf(not SCHEMA_DIR.is_dir(), f"OCDS schema folder {SCHEMA_DIR} is not beside the repository")
class WorkerProcessesTest(TransactionTestCase):
    def _fixture_teardown(self):
        # The data must be committed for the workers to see it, so the test database is emptied afterwards: the
        # regions every test expects (tests/conftest.py) are loaded again.
        super()._fixture_teardown()
        with open(os.devnull, "w") as quiet:
            call_command("load_regions", without_authorities=True, verbosity=0, stdout=quiet)

    def test_worker_processes_check_ranges_of_committed_contracts(self):
        if connection.vendor != "postgresql":
            self.skipTest("worker processes need a database other connections can open")
        generate(profile="tiny", seed=5, today=datetime.date(2026, 12, 1), history=False, vacuum=False)
        alone, together = io.StringIO(), io.StringIO()
        with mock.patch.object(ocds_validate, "CHUNK", 10):
            options = ["--schema-dir", str(SCHEMA_DIR), "--cove", "never"]
            call_command("ocds_validate", *options, "--jobs", "1", stdout=alone)
            call_command("ocds_validate", *options, "--jobs", "2", stdout=together)
        assert "in one process;" in alone.getvalue() and "in 2 processes;" in together.getvalue()
        counts = alone.getvalue().split(":")[1].split(" from ")[0]
        assert counts == together.getvalue().split(":")[1].split(" from ")[0]
        assert "largest worker" in together.getvalue()
