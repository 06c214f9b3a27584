"""The bulk OCDS files: JSON Lines and packages of every release and record, built by `manage.py ocds_dump` (or in
the background on an official's request), valid, complete, and served by the API."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from rest_framework.test import APIClient

from api import ocds
from api.ocds_dump import publish_dump, write_dump
from api.ocds_validation import STANDARD_ZIP, cove_findings, validate_package
from tests.api.conftest import client_for
from tests.factories import DeliverableFactory, SignedContractFactory

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(django_settings.BASE_DIR).parent / "shared" / "ocds-1.1")
BASE = "https://qiyue.example.cn/"


@pytest.fixture(autouse=True)
def prefix(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"


@pytest.fixture
def contracts(signed_contract, department, organization):
    more = [SignedContractFactory(department=department, organization=organization) for _ in range(4)]
    for contract in more:
        DeliverableFactory(contract=contract)
    return [signed_contract, *more]


def read_gz(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return handle.read()


def test_dump_writes_every_release_and_record_in_both_formats(contracts, tmp_path):
    manifest = write_dump(tmp_path, BASE)
    lines = [json.loads(line) for line in read_gz(tmp_path / "releases.jsonl.gz").splitlines()]
    package = json.loads(read_gz(tmp_path / "release-package.json.gz"))
    records = [json.loads(line) for line in read_gz(tmp_path / "records.jsonl.gz").splitlines()]
    record_package = json.loads(read_gz(tmp_path / "record-package.json.gz"))
    assert manifest["contracts"] == len(contracts) == len(records) == len(record_package["records"])
    assert package["releases"] == lines and manifest["releases"] == len(lines)
    assert {release["ocid"] for release in lines} == {f"ocds-test01-{contract.number}" for contract in contracts}
    assert record_package["records"] == records
    assert package["extensions"] == [f"{BASE}api/ocds/extension/extension.json"]
    assert set(manifest["files"]) == {p.name for p in tmp_path.iterdir() if p.suffix == ".gz"}
    assert not list(tmp_path.glob(".*.tmp"))
    if SCHEMA_DIR.is_dir():
        assert validate_package(package, SCHEMA_DIR, [ocds.EXTENSION_DIR]) == []
    if (SCHEMA_DIR / STANDARD_ZIP).is_file():
        local = ocds.local_extension_folders(BASE)
        assert cove_findings(package, SCHEMA_DIR / STANDARD_ZIP, local_urls=local) == []
        assert cove_findings(record_package, SCHEMA_DIR / STANDARD_ZIP, local_urls=local) == []


def test_dump_reads_contracts_in_chunks_with_a_constant_number_of_queries(
    contracts, tmp_path, django_assert_max_num_queries, monkeypatch
):
    from api import ocds_dump

    monkeypatch.setattr(ocds_dump, "CHUNK", 2)
    # 5 contracts in chunks of 2: each chunk costs the contracts' query, one per related set (5) and two for the
    # regions of the buyers and suppliers; one more reads the ids.
    with django_assert_max_num_queries(3 * 8 + 1):
        write_dump(tmp_path, BASE)


def test_command_and_api(contracts, settings, tmp_path, users):
    settings.MEDIA_ROOT = tmp_path
    assert APIClient().get("/api/v1/ocds/dump/").status_code == 404
    out = io.StringIO()
    call_command("ocds_dump", "--base-url", BASE, stdout=out)
    assert f"of {len(contracts)} contracts" in out.getvalue()
    listing = APIClient().get("/api/v1/ocds/dump/").json()
    url = listing["files"]["releases.jsonl.gz"]["url"]
    response = APIClient().get(url.replace("http://testserver", ""))
    assert response.status_code == 200
    assert gzip.decompress(b"".join(response.streaming_content)).count(b"\n") == listing["releases"]
    assert APIClient().get("/api/v1/ocds/dump/manifest.py").status_code == 404


def test_rebuild_on_request_is_for_officials(contracts, settings, tmp_path, users, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    assert APIClient().post("/api/v1/ocds/dump/").status_code == 401
    assert client_for(users["member"]).post("/api/v1/ocds/dump/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["purchaser"]).post("/api/v1/ocds/dump/")
    assert response.status_code == 202
    assert APIClient().get("/api/v1/ocds/dump/").json()["contracts"] == len(contracts)


def test_publishing_goes_through_storage_and_replaces_the_previous_build(contracts, settings, tmp_path):
    """Each build lands in storage under its own folder; the manifest names it, the previous build is removed once
    the new manifest is in place, and the API serves the latest one without revealing where it is stored."""
    settings.MEDIA_ROOT = tmp_path
    first = publish_dump(BASE)
    first_names = {details["stored_name"] for details in first["files"].values()}
    assert all(name.startswith("ocds/") and (tmp_path / name).is_file() for name in first_names)
    SignedContractFactory(department=contracts[0].department, organization=contracts[0].organization)

    second = publish_dump(BASE)
    second_names = {details["stored_name"] for details in second["files"].values()}
    assert second["contracts"] == len(contracts) + 1
    assert not first_names & second_names
    assert not any((tmp_path / name).exists() for name in first_names)  # the previous build is gone
    assert json.loads((tmp_path / "ocds" / "manifest.json").read_text(encoding="utf-8")) == second

    listing = APIClient().get("/api/v1/ocds/dump/").json()
    assert listing["contracts"] == len(contracts) + 1
    assert all("stored_name" not in details for details in listing["files"].values())
    response = APIClient().get("/api/v1/ocds/dump/records.jsonl.gz")
    assert response.status_code == 200
    assert gzip.decompress(b"".join(response.streaming_content)).count(b"\n") == len(contracts) + 1
