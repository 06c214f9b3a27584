"""Bulk exports: small ones are built at once, large ones by the background task (immediate backend here), and only
the requester can download the file."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
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
    workbook = load_workbook(export.file.path, read_only=True)
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
