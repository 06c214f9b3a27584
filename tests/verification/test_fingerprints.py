"""SHA-256 of every stored file: computed on upload, shown on the page, checked on download (a file that no longer
matches is refused and logged), found by the public /verify/ page where it is published."""

from __future__ import annotations

import hashlib
import logging

import pytest
from django.test import Client

from contracts import services as contract_services
from contracts.models import ContractDocument, SubmissionFile
from core.uploads import backfill_sha256
from supervision import services as supervision_services
from tests.factories import UPLOAD_SAMPLES, make_upload

pytestmark = pytest.mark.django_db

PDF = UPLOAD_SAMPLES["pdf"] + b"\n% signed text of the contract\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def public_document(users, signed_contract):
    return contract_services.contract_document_add(
        actor=users["purchaser"],
        contract=signed_contract,
        file=make_upload("pdf", "合同正本.pdf", PDF),
        title="合同正本",
        is_public=True,
    )


def test_upload_records_the_sha256_and_the_page_shows_it(public_document, signed_contract):
    assert public_document.sha256 == sha(PDF)
    page = Client().get(f"/contracts/{signed_contract.number}/").content.decode()
    assert sha(PDF) in page


def test_submission_and_complaint_files_are_fingerprinted(submitted_deliverable, organization):
    stored = SubmissionFile.objects.get(submission__deliverable=submitted_deliverable)
    assert stored.sha256 == sha(UPLOAD_SAMPLES["pdf"])
    attachment = UPLOAD_SAMPLES["png"]
    complaint = supervision_services.complaint_file(
        organization=organization,
        subject="服务未按约提供",
        text="上门服务多次未到。",
        attachment=make_upload("png", "照片.png", attachment),
    )
    assert complaint.attachment_sha256 == sha(attachment)


def test_download_checks_the_hash_and_refuses_a_changed_file(public_document, signed_contract, caplog):
    url = f"/contracts/{signed_contract.number}/documents/{public_document.pk}/"
    response = Client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    with open(public_document.file.path, "ab") as handle:
        handle.write(b"tampered")
    with caplog.at_level(logging.ERROR, logger="core.views"):
        response = Client().get(url)
    assert response.status_code == 409
    assert "SHA-256" in response.content.decode() and sha(PDF) in response.content.decode()
    assert b"tampered" not in response.content
    assert any(public_document.original_name in record.getMessage() for record in caplog.records)


def test_verify_page_finds_a_published_file_by_hash_and_by_upload(public_document, signed_contract):
    client = Client()
    page = client.get("/verify/", {"sha256": sha(PDF).upper()}).content.decode()
    assert 'data-testid="verify-found"' in page
    assert f"/contracts/{signed_contract.number}/" in page and "合同正本" in page
    page = client.post("/verify/", {"file": make_upload("pdf", "我收到的.pdf", PDF)}).content.decode()
    assert 'data-testid="verify-found"' in page and sha(PDF) in page
    page = client.post("/verify/", {"file": make_upload("pdf", "改过的.pdf", PDF + b" ")}).content.decode()
    assert 'data-testid="verify-not-found"' in page


def test_verify_page_does_not_name_private_files(submitted_deliverable):
    page = Client().get("/verify/", {"sha256": sha(UPLOAD_SAMPLES["pdf"])}).content.decode()
    assert 'data-testid="verify-not-found"' in page
    assert "submission" not in page


def test_verify_page_refuses_a_malformed_hash():
    page = Client().get("/verify/", {"sha256": "12345"}).content.decode()
    assert "64 位十六进制字符" in page
    page = Client().post("/verify/", {}).content.decode()
    assert "请选择文件或粘贴 SHA-256 指纹" in page


def test_backfill_records_hashes_of_files_stored_without_one(public_document):
    ContractDocument.objects.filter(pk=public_document.pk).update(sha256="")
    backfill_sha256(ContractDocument)
    public_document.refresh_from_db()
    assert public_document.sha256 == sha(PDF)
