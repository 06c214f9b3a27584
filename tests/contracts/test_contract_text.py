"""The contract text from the model contract: the PDF (read back with pypdf) holds the parties, amounts, deliverables
and term of the contract it was made for; the Word file the same; the model contract is versioned, edited only by
the officials who keep it, refuses unknown placeholders by name; signing records the version signed."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from contracts import services
from contracts.contract_text import rmb_upper
from contracts.models import ContractTemplate
from registry.models import Department
from tests.errors import all_codes
from tests.factories import DepartmentFactory, PurchaserFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def keeper(db):
    """An official of the province's civil-affairs department: keeps the model contract."""
    return RegistrarFactory(department=DepartmentFactory(region=region("150000"), kind=Department.Kind.CIVIL_AFFAIRS))


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("100000.00", "壹拾万元整"),
        ("120000.50", "壹拾贰万元伍角"),
        ("10050.03", "壹万零伍拾元零叁分"),
        ("100000001.00", "壹亿零壹元整"),
        ("0.00", "零元整"),
        ("3600.10", "叁仟陆佰元壹角"),
    ],
)
def test_amounts_in_chinese_capitals(amount, text):
    assert rmb_upper(Decimal(amount)) == text


def test_contract_pdf_holds_the_parties_amounts_deliverables_and_term(signed_contract):
    content = Client().get(f"/contracts/{signed_contract.number}/contract.pdf").content
    text = pdf_text(content).replace("\n", "")
    organization = signed_contract.organization
    for value in (
        signed_contract.number,
        signed_contract.department.name,
        organization.name,
        organization.uscc,
        organization.legal_representative,
        "100,000.00",
        "壹拾万元整",
        "上半年服务",
        "全年服务",
        "2026-08-31",
        "40,000.00",
        "60,000.00",
        "2026-03-01 至 2027-02-28",
        "甲方（盖章）",
        "乙方（盖章）",
        "示范文本第 1 版",
    ):
        assert value in text, value
    assert "{{" not in text


def test_signing_records_the_version_and_later_revisions_do_not_change_the_signed_text(
    keeper, signed_contract, draft_contract
):
    first = ContractTemplate.objects.get(version=1)
    assert signed_contract.text_version == first
    revised = services.contract_template_save(
        actor=keeper,
        title="政府购买服务合同",
        body=first.body.replace(
            "# 第十条　其他", "# 第十条　个人信息保护\n乙方应保护服务对象的个人信息。\n\n# 第十一条　其他"
        ),
        note="增加个人信息保护条款",
    )
    assert revised.version == 2
    assert ContractTemplate.objects.get(version=1).body == first.body  # the earlier version stays as it was
    signed_text = pdf_text(Client().get(f"/contracts/{signed_contract.number}/contract.pdf").content)
    assert "个人信息保护" not in signed_text and "示范文本第 1 版" in signed_text


def test_a_draft_uses_the_current_version(keeper, purchaser, draft_contract):
    first = ContractTemplate.objects.get(version=1)
    services.contract_template_save(actor=keeper, title="政府购买服务合同（2027 年版）", body=first.body)
    client = Client()
    client.force_login(purchaser)
    text = pdf_text(client.get(f"/contracts/{draft_contract.number}/contract.pdf").content)
    assert "政府购买服务合同（2027 年版）" in text and "示范文本第 2 版" in text
    assert "　　　　年　　月　　日" in text or "年" in text


def test_unknown_placeholder_is_refused_naming_it(keeper):
    with pytest.raises(ValidationError) as refused:
        services.contract_template_save(actor=keeper, title="合同", body="甲方：{{甲方}}\n乙方电话：{{乙方电话}}")
    assert all_codes(refused.value) == {"unknown_placeholder"}
    assert "{{乙方电话}}" in refused.value.message_dict["body"][0]
    assert ContractTemplate.objects.count() == 1


def test_only_the_keepers_of_the_model_contract_may_revise_it(purchaser):
    with pytest.raises(PermissionDenied):
        services.contract_template_save(actor=purchaser, title="合同", body="{{甲方}}")
    client = Client()
    client.force_login(purchaser)
    assert client.get("/contract-template/edit/").status_code == 403


def test_the_edit_page_saves_a_new_version_and_shows_refusals(keeper):
    client = Client()
    client.force_login(keeper)
    page = client.post("/contract-template/edit/", {"title": "合同", "body": "{{不存在}}", "note": ""})
    assert page.status_code == 200 and "{{不存在}}" in page.content.decode()
    response = client.post("/contract-template/edit/", {"title": "合同", "body": "甲方：{{甲方}}", "note": "精简"})
    assert response.status_code == 302
    page = Client().get("/contract-template/").content.decode()
    assert "甲方：{{甲方}}" in page and "精简" in page and "第 2 版" in page
    assert "首版示范文本" in Client().get("/contract-template/1/").content.decode()


def test_word_file_for_the_purchasers(purchaser, draft_contract):
    client = Client()
    client.force_login(purchaser)
    response = client.get(f"/contracts/{draft_contract.number}/contract.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert draft_contract.organization.name in text and "壹拾万元整" in text
    assert "上半年服务" in cells and "2026-08-31" in cells
    other = Client()
    other.force_login(PurchaserFactory(department=DepartmentFactory(region=region("150400"))))
    assert other.get(f"/contracts/{draft_contract.number}/contract.docx").status_code == 404
    assert Client().get(f"/contracts/{draft_contract.number}/contract.pdf").status_code == 404


def test_the_first_version_comes_back_when_the_rows_are_gone(purchaser, draft_contract):
    """A database whose template rows were emptied after the migration still serves the model contract and a
    contract's text (the first version is written again), never a 404 or a 500."""
    ContractTemplate.objects.all().delete()
    client = Client()
    client.force_login(purchaser)

    assert client.get("/contract-template/").status_code == 200
    assert client.get("/contract-template/1/").status_code == 200
    response = client.get(f"/contracts/{draft_contract.number}/contract.pdf")

    assert response.status_code == 200
    assert draft_contract.organization.name in pdf_text(response.content).replace("\n", "")
    assert ContractTemplate.objects.get().version == 1
