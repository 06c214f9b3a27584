"""Bulk exports: small ones are built at once, large ones by the background task (immediate backend here), and only
the requester can download the file."""

from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from api import exports
from api.exports import build_export
from api.models import Export
from tests.api.conftest import finalized_evaluation
from tests.factories import DeliverableFactory, PurchaserFactory, SignedContractFactory, region

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(export: Export) -> list[list[str]]:
    with export.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_large_export_runs_in_the_background_end_to_end(
    settings, users, department, organization, signed_contract, draft_contract, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_THRESHOLD = 1
    for _ in range(2):
        DeliverableFactory(contract=SignedContractFactory(department=department, organization=organization))
    purchaser = users["purchaser"]
    client = logged_in(purchaser)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/exports/", {"kind": "contracts", "file_format": "csv", "year": "2026"})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task was queued once the request's transaction committed

    export = Export.objects.get()
    assert export.requester == purchaser
    assert export.in_background is True
    assert export.status == Export.Status.READY
    assert export.finished_at is not None and export.finished_at >= export.created_at
    assert export.filters == {"year": "2026"}
    rows = csv_rows(export)
    assert rows[0][:4] == ["合同编号", "年度", "合同名称", "状态"]
    numbers = {row[0] for row in rows[1:]}
    # The purchaser's own region's draft is part of their export; every signed contract too.
    assert draft_contract.number in numbers and signed_contract.number in numbers
    assert export.row_count == len(rows) - 1 == 4

    page = client.get("/exports/")
    assert page.status_code == 200
    assert f"/exports/{export.pk}/download/" in page.content.decode()
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).decode("utf-8-sig").startswith("合同编号")


def test_task_builds_a_queued_export(settings, users, signed_contract):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    export = exports.export_create(actor=users["purchaser"], kind="contracts", file_format="xlsx")
    assert export.in_background and export.status == Export.Status.PENDING  # waiting for the commit

    result = build_export.enqueue(export.pk)
    assert result.return_value == {"status": "ready", "rows": 1}
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "合同编号"
    assert rows[1][0] == signed_contract.number
    # Running the task again changes nothing.
    assert build_export.enqueue(export.pk).return_value == {"status": "ready", "rows": 1}


def test_small_export_is_built_at_once_with_the_filters(users, department, organization, signed_contract):
    other = SignedContractFactory(department=PurchaserFactory(department__region=region("150400")).department)
    export = exports.export_create(
        actor=users["registrar"], kind="contracts", file_format="csv", filters={"region": "150100"}
    )
    assert export.in_background is False
    assert export.status == Export.Status.READY
    numbers = [row[0] for row in csv_rows(export)[1:]]
    assert numbers == [signed_contract.number]
    assert other.number not in numbers


def test_evaluation_results_export(users, signed_contract):
    finalized_evaluation(signed_contract, grade="excellent", score="92.30")
    export = exports.export_create(
        actor=users["purchaser"], kind="evaluations", file_format="csv", filters={"grade": "excellent"}
    )
    rows = csv_rows(export)
    assert rows[0][0] == "合同编号"
    assert rows[1][0] == signed_contract.number
    assert "92.30" in rows[1] and "优" in rows[1]
    assert (
        exports.export_create(
            actor=users["purchaser"], kind="evaluations", file_format="csv", filters={"grade": "poor"}
        ).row_count
        == 0
    )


def test_headers_follow_the_requester_language(users, signed_contract):
    purchaser = users["purchaser"]
    purchaser.language = "en"
    purchaser.save()
    export = exports.export_create(actor=purchaser, kind="contracts", file_format="csv")
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("en"):
        assert csv_rows(export)[0][0] == gettext("合同编号")


def test_only_officials_may_export_and_filters_are_checked(users):
    for role in ("member", "evaluator"):
        with pytest.raises(PermissionDenied):
            exports.export_create(actor=users[role], kind="contracts")
        assert logged_in(users[role]).get("/exports/").status_code == 403
    assert Client().get("/exports/").status_code == 302  # to the login page
    with pytest.raises(ValidationError):
        exports.export_create(actor=users["purchaser"], kind="contracts", filters={"region": "999999"})
    response = logged_in(users["purchaser"]).post("/exports/", {"kind": "contracts", "file_format": "pdf"})
    assert response.status_code == 400
    assert not Export.objects.exists()


def test_only_the_requester_downloads(users, signed_contract):
    export = exports.export_create(actor=users["purchaser"], kind="contracts", file_format="csv")
    url = f"/exports/{export.pk}/download/"
    assert logged_in(users["purchaser"]).get(url).status_code == 200
    for role in ("other_purchaser", "registrar", "member"):
        assert logged_in(users[role]).get(url).status_code == 404
    other_page = logged_in(users["other_purchaser"]).get("/exports/").content.decode()
    assert url not in other_page


def test_above_the_threshold_the_request_only_queues_and_a_db_worker_builds_it(
    settings, users, department, organization, signed_contract, django_capture_on_commit_callbacks
):
    """With the database backend (production's), the request that asks for a large export records it and queues a
    task row; the file is written by `manage.py db_worker`, into storage, and downloaded from there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.EXPORT_BACKGROUND_THRESHOLD = 2
    for _ in range(3):
        SignedContractFactory(department=department, organization=organization)
    client = logged_in(users["purchaser"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/", {"kind": "contracts", "file_format": "xlsx"})
    assert response.status_code == 302
    export = Export.objects.get()
    assert export.in_background and export.status == Export.Status.PENDING and not export.file
    task = DBTaskResult.objects.get()
    assert task.task_path == "api.exports.build_export" and task.args_kwargs["args"] == [export.pk]
    assert client.get(f"/exports/{export.pk}/download/").status_code == 404  # nothing to download yet

    # The worker closes "old" connections between tasks; in its own process that is right, here it would close the
    # test's own connection in the middle of its transaction (PostgreSQL), so it keeps this one.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    export.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert export.status == Export.Status.READY and export.row_count == 4
    assert export.file.name.startswith("exports/") and export.file.storage.exists(export.file.name)
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 4 and signed_contract.number in numbers


def test_a_large_csv_export_is_written_in_chunks_not_lines(settings, users, department, organization):
    """The csv file is written a block of lines at a time and holds every row once."""
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    contracts = [SignedContractFactory(department=department, organization=organization) for _ in range(30)]
    writes = []
    original = exports.write_csv

    def counting_write_csv(handle, headers, rows):
        class Counting:
            def write(self, data):
                writes.append(len(data))
                return handle.write(data)

        return original(Counting(), headers, rows)

    exports.write_csv = counting_write_csv
    try:
        export = exports.export_create(actor=users["purchaser"], kind="contracts", file_format="csv")
        build_export.enqueue(export.pk)
    finally:
        exports.write_csv = original
    export.refresh_from_db()
    rows = csv_rows(export)
    assert sorted(row[0] for row in rows[1:]) == sorted(contract.number for contract in contracts)
    assert len(writes) == 1  # 31 lines, far below one 64 KiB block: a single write
