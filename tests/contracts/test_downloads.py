"""File downloads: contract documents and submission files.

The rule: whoever may not download a file gets 404, signed in or not, exactly as for a file that does not exist;
nothing tells an outsider that a private file is there. A public document of a signed contract is for everyone.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts import services
from tests.factories import UPLOAD_SAMPLES, ContractFactory, RegistrarFactory, SuperuserFactory, make_upload, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(purchaser, member, other_member, chifeng_purchaser):
    return {
        "anonymous": None,
        "registrar": RegistrarFactory(department__region=region("150100")),
        "other_member": other_member,
        "other_purchaser": chifeng_purchaser,
        "member": member,
        "purchaser": purchaser,
        "superuser": SuperuserFactory(),
    }


def download(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def private_document(purchaser, signed_contract):
    return services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf", "合同扫描件.pdf"), title="合同文本"
    )


@pytest.fixture
def public_document(purchaser, signed_contract):
    return services.contract_document_add(
        actor=purchaser,
        contract=signed_contract,
        file=make_upload("pdf", "公开文本.pdf"),
        title="公开文本",
        is_public=True,
    )


@pytest.fixture
def draft_public_document(purchaser, draft_contract):
    return services.contract_document_add(
        actor=purchaser, contract=draft_contract, file=make_upload("pdf", "草稿.pdf"), title="草稿", is_public=True
    )


@pytest.fixture
def submission_file(purchaser, member, signed_contract):
    deliverable = signed_contract.deliverables.first()
    submission = services.submission_create(
        actor=member, deliverable=deliverable, report="服务台账", files=[make_upload("xlsx", "台账.xlsx")]
    )
    return submission.files.get()


def document_url(document):
    return reverse("contracts:document-download", args=[document.contract.number, document.pk])


def file_url(stored):
    return reverse("contracts:submission-file", args=[stored.submission.deliverable.contract.number, stored.pk])


INSIDERS_ONLY = {
    "anonymous": 404,
    "registrar": 404,
    "other_member": 404,
    "other_purchaser": 404,
    "member": 200,
    "purchaser": 200,
    "superuser": 200,
}


@pytest.mark.parametrize(("who", "expected"), INSIDERS_ONLY.items())
def test_private_document(client, users, private_document, who, expected):
    response = download(client, users[who], document_url(private_document))
    assert response.status_code == expected
    if expected == 200:
        assert body(response) == UPLOAD_SAMPLES["pdf"]
        assert "attachment" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", INSIDERS_ONLY)
def test_public_document_of_a_signed_contract(client, users, public_document, who):
    assert download(client, users[who], document_url(public_document)).status_code == 200


@pytest.mark.parametrize(("who", "expected"), INSIDERS_ONLY.items())
def test_public_flag_does_not_publish_a_draft(client, users, draft_public_document, who, expected):
    assert download(client, users[who], document_url(draft_public_document)).status_code == expected


@pytest.mark.parametrize(("who", "expected"), INSIDERS_ONLY.items())
def test_submission_file(client, users, submission_file, who, expected):
    response = download(client, users[who], file_url(submission_file))
    assert response.status_code == expected
    if expected == 200:
        assert body(response) == UPLOAD_SAMPLES["xlsx"]
        assert "%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]  # 台账.xlsx, the uploader's name


def test_a_file_under_another_contract_number_is_not_found(client, purchaser, private_document, department):
    other = ContractFactory(department=department)
    url = reverse("contracts:document-download", args=[other.number, private_document.pk])
    assert download(client, purchaser, url).status_code == 404


def test_missing_files(client, purchaser, signed_contract):
    client.force_login(purchaser)
    assert client.get(reverse("contracts:document-download", args=[signed_contract.number, 999])).status_code == 404
    assert client.get(reverse("contracts:submission-file", args=[signed_contract.number, 999])).status_code == 404


def test_stored_name_is_generated(private_document):
    assert "合同扫描件" not in private_document.file.name
    assert private_document.file.name.startswith("contracts/")
    assert private_document.original_name == "合同扫描件.pdf"


def test_evidence_downloads_are_never_cached(client, users, submission_file, public_document):
    response = download(client, users["purchaser"], file_url(submission_file))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    client.logout()
    public = client.get(document_url(public_document))
    assert public.status_code == 200 and public["Cache-Control"] == "no-store"
