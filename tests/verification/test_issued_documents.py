"""Every PDF is an issued document: issuing office, number, generation time, verification URL and QR code, seal area
where a seal is expected; the URL opens a public page with the key facts and the SHA-256 of the very file."""

from __future__ import annotations

import hashlib
import io
import logging
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from contracts import services as contract_services
from tests.factories import PurchaseItemFactory
from verification.models import IssuedDocument

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def verify_path(content: bytes) -> str:
    (url,) = set(re.findall(r"https?://[^\s]+/verify/[A-Z0-9-]+/", text_of(content)))
    return url.split("testserver", 1)[-1]


def test_contract_summary_leads_to_a_verification_page_that_matches_its_hash(signed_contract):
    response = Client().get(f"/contracts/{signed_contract.number}/summary.pdf")
    content = response.content
    text = text_of(content)
    document = IssuedDocument.objects.get(kind="contract_summary", subject=signed_contract.number)
    assert f"发文机关：{signed_contract.department.name}" in text
    assert f"文号：{document.number}" in text
    assert "生成时间：" in text
    assert re.fullmatch(r"QY\d{4}-\d{6}", document.number)
    page = Client().get(verify_path(content))
    assert page.status_code == 200
    html = page.content.decode()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.sha256 in html
    assert signed_contract.number in html and signed_contract.organization.name in html
    # The kept copy is the very file, and comparing a file on the page says so.
    kept = Client().get(f"/verify/{document.number}/document.pdf")
    assert b"".join(kept.streaming_content) == content
    compared = Client().post(f"/verify/{document.number}/", {"file": io.BytesIO(content)})
    assert 'data-testid="compare-match"' in compared.content.decode()
    changed = Client().post(f"/verify/{document.number}/", {"file": io.BytesIO(content + b"\n")})
    assert 'data-testid="compare-mismatch"' in changed.content.decode()


def test_same_content_gives_the_same_document_and_changed_content_a_new_number(users, signed_contract):
    first = Client().get(f"/contracts/{signed_contract.number}/summary.pdf").content
    again = Client().get(f"/contracts/{signed_contract.number}/summary.pdf").content
    assert again == first
    assert IssuedDocument.objects.filter(subject=signed_contract.number).count() == 1
    contract_services.contract_start_performance(actor=users["purchaser"], contract=signed_contract)
    changed = Client().get(f"/contracts/{signed_contract.number}/summary.pdf").content
    numbers = list(IssuedDocument.objects.filter(subject=signed_contract.number).values_list("number", flat=True))
    assert len(set(numbers)) == 2 and changed != first


def test_a_kept_copy_that_changed_is_not_given_out_again(signed_contract, caplog):
    Client().get(f"/contracts/{signed_contract.number}/summary.pdf")
    document = IssuedDocument.objects.get(subject=signed_contract.number)
    with open(document.file.path, "ab") as handle:
        handle.write(b"x")
    with caplog.at_level(logging.ERROR, logger="verification.services"):
        content = Client().get(f"/contracts/{signed_contract.number}/summary.pdf").content
    assert hashlib.sha256(content).hexdigest() != document.sha256
    assert IssuedDocument.objects.filter(subject=signed_contract.number).count() == 2
    assert any(document.number in record.getMessage() for record in caplog.records)
    assert Client().get(f"/verify/{document.number}/document.pdf").status_code == 409


def test_purchase_list_is_landscape_sealed_and_keeps_dates_whole(department):
    item = PurchaseItemFactory(purchase_list__department=department, code="HW2026-01")
    content = Client().get(f"/purchase-lists/{item.purchase_list_id}/list.pdf").content
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = text_of(content)
    assert "（盖章处）" in text and department.name in text
    assert "HW2026-01" in text and "2026-03-01" in text and "2026-12-31" in text


def test_credit_report_is_issued_by_the_registration_authority_with_a_seal_area(organization):
    content = Client().get(f"/organizations/{organization.uscc}/report.pdf").content
    text = text_of(content)
    assert f"发文机关：{organization.registration_authority.name}" in text
    assert "（盖章处）" in text
    document = IssuedDocument.objects.get(kind="credit_report", subject=organization.uscc)
    html = Client().get(f"/verify/{document.number}/").content.decode()
    assert organization.uscc in html and document.sha256 in html


def test_a_draft_contract_document_is_registered_without_its_facts(users, department, organization, item):
    from tests.factories import ContractFactory

    draft = ContractFactory(department=department, organization=organization, purchase_item=item)
    client = Client()
    client.force_login(users["purchaser"])
    client.get(f"/contracts/{draft.number}/summary.pdf")
    document = IssuedDocument.objects.get(subject=draft.number)
    assert not document.is_public
    html = Client().get(f"/verify/{document.number}/").content.decode()
    assert document.sha256 in html and draft.title not in html and organization.name not in html
    assert Client().get(f"/verify/{document.number}/document.pdf").status_code == 404


def test_numbers_follow_each_other_within_a_year(signed_contract, organization):
    Client().get(f"/contracts/{signed_contract.number}/summary.pdf")
    Client().get(f"/organizations/{organization.uscc}/report.pdf")
    sequences = sorted(IssuedDocument.objects.values_list("sequence", flat=True))
    assert sequences == [1, 2]
