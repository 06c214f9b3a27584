"""Evaluation results and file fingerprints in OCDS through Qiyue's local extension (api/ocds_extension): the
extension itself is valid, every package lists it, the site serves it, and the official validator accepts the
extended data only because of it."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from api import ocds
from api.ocds_validation import STANDARD_ZIP, cove_findings, extension_errors, validate_package
from api.selectors import ocds_contract_get
from contracts import services as contract_services
from tests.api.conftest import finalized_evaluation
from tests.factories import make_upload

pytestmark = pytest.mark.django_db

BASE = "https://qiyue.example.cn/"
SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(django_settings.BASE_DIR).parent / "shared" / "ocds-1.1")
ZIP = SCHEMA_DIR / STANDARD_ZIP
needs_standard = pytest.mark.skipif(not ZIP.is_file(), reason=f"{ZIP} is not beside the repository")


@pytest.fixture(autouse=True)
def prefix(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"


@pytest.fixture
def evaluated(users, signed_contract):
    contract_services.contract_document_add(
        actor=users["purchaser"], contract=signed_contract, file=make_upload("pdf"), title="合同正本", is_public=True
    )
    return finalized_evaluation(signed_contract, grade="good", score="86.50")


def package_of(contract) -> dict:
    releases = ocds.contract_releases(ocds_contract_get(number=contract.number), base_url=BASE)
    return ocds.release_package(releases, uri=f"{BASE}api/v1/ocds/releases/")


@needs_standard
def test_the_extension_is_valid():
    assert extension_errors(ocds.EXTENSION_DIR, SCHEMA_DIR, ZIP) == []


def test_evaluation_results_and_fingerprints_are_published(evaluated, signed_contract):
    package = package_of(signed_contract)
    assert package["extensions"] == [f"{BASE}api/ocds/extension/extension.json"]
    latest = package["releases"][-1]["contracts"][0]
    (result,) = latest["implementation"]["performanceEvaluations"]
    assert result == {
        "id": str(evaluated.pk),
        "type": "final",
        "typeDetails": "末期评价",
        "period": result["period"],
        "date": result["date"],
        "score": 86.5,
        "grade": "good",
        "gradeDetails": "良",
        "evaluatorCount": evaluated.evaluator_count,
        "reportDocumentID": f"evaluation-{evaluated.pk}",
    }
    (report,) = latest["implementation"]["documents"]
    assert report["id"] == result["reportDocumentID"]
    assert report["url"] == f"{BASE}evaluations/{evaluated.pk}/report.pdf"
    text, document = latest["documents"]
    assert text["documentType"] == "contractSigned" and "sha256" not in text
    assert len(document["sha256"]) == 64
    if SCHEMA_DIR.is_dir():
        assert validate_package(package, SCHEMA_DIR, [ocds.EXTENSION_DIR]) == []


def test_the_site_serves_the_extension():
    response = APIClient().get("/api/ocds/extension/extension.json")
    assert response.status_code == 200
    metadata = json.loads(response.content)
    assert metadata["schemas"] == ["release-schema.json"]
    assert metadata["documentationUrl"]["en"] == "http://testserver/api/ocds/extension/README.md"
    schema = APIClient().get("/api/ocds/extension/release-schema.json")
    assert "PerformanceEvaluation" in json.loads(schema.content)["definitions"]
    assert APIClient().get("/api/ocds/extension/README.md").status_code == 200
    assert APIClient().get("/api/ocds/extension/settings.py").status_code == 404


@needs_standard
def test_libcoveocds_accepts_the_extended_data_because_of_the_extension(evaluated, signed_contract):
    package = package_of(signed_contract)
    local = ocds.local_extension_folders(BASE)
    assert cove_findings(package, ZIP, local_urls=local) == []
    # Without the extension the new fields are unknown to the validator.
    bare = {key: value for key, value in package.items() if key != "extensions"}
    findings = cove_findings(bare, ZIP, local_urls=local)
    assert any("performanceEvaluations" in finding for finding in findings)
    # With it, a grade outside the extension's list is a schema error.
    wrong = copy.deepcopy(package)
    wrong["releases"][-1]["contracts"][0]["implementation"]["performanceEvaluations"][0]["grade"] = "great"
    assert any("great" in finding for finding in cove_findings(wrong, ZIP, local_urls=local))
