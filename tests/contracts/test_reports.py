"""The purchase-list PDF and the contract summary PDF."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from contracts import services
from contracts.reports import contract_summary_pdf, purchase_list_pdf
from tests.factories import PublishedPurchaseListFactory, PurchaseItemFactory, make_upload

pytestmark = pytest.mark.django_db

MARKUP_NAME = "<b>青城</b>&社会工作服务中心"


def pages_text(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


class TestPurchaseListPdf:
    def test_title_items_and_totals(self, item):
        text = "\n".join(pages_text(purchase_list_pdf(item.purchase_list)))
        assert item.purchase_list.title in text
        assert item.code in text
        assert "300,000.00" in flat(text)
        assert "预算合计" in text

    def test_header_row_repeats_on_every_page(self, department):
        purchase_list = PublishedPurchaseListFactory(department=department, title="长目录")
        for index in range(60):
            PurchaseItemFactory(purchase_list=purchase_list, code=f"L{index:03d}")
        pages = pages_text(purchase_list_pdf(purchase_list))
        assert len(pages) > 2
        for page in pages[1:]:
            assert "项目编号" in flat(page) and "服务名称与内容" in flat(page)

    def test_markup_in_names_is_printed_literally(self, department):
        purchase_list = PublishedPurchaseListFactory(department=department, title=f"{MARKUP_NAME}目录")
        PurchaseItemFactory(purchase_list=purchase_list, service_name=MARKUP_NAME, description="a < b & c")
        text = flat("\n".join(pages_text(purchase_list_pdf(purchase_list))))
        assert flat(MARKUP_NAME) + "目录" in text
        assert "a<b&c" in text

    def test_view_serves_public_lists_only(self, client, item, department):
        response = client.get(reverse("contracts:purchase-list-pdf", args=[item.purchase_list.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert item.purchase_list.title in "".join(pages_text(response.content))
        draft = PublishedPurchaseListFactory(department=department, status="draft", published_on=None)
        assert client.get(reverse("contracts:purchase-list-pdf", args=[draft.pk])).status_code == 404


class TestContractSummaryPdf:
    def test_parties_amount_deliverables_payments_and_amendments(self, purchaser, signed_contract):
        contract = services.contract_start_performance(actor=purchaser, contract=signed_contract)
        services.payment_record(
            actor=purchaser, contract=contract, amount=Decimal("20000"), paid_on=datetime.date(2026, 3, 1)
        )
        services.contract_amend(
            actor=purchaser,
            contract=contract,
            reason="服务人次增加",
            amount=Decimal("120000"),
            amended_on=datetime.date(2026, 4, 1),
        )
        text = "\n".join(pages_text(contract_summary_pdf(contract)))
        compact = flat(text)
        assert "购买服务合同摘要" in text
        assert contract.title in text
        assert contract.number in text
        assert contract.organization.name in text
        assert contract.department.name in text
        assert "120,000.00" in compact
        assert "公开招标" in text
        assert "上半年服务" in text and "40.00%" in compact and "60.00%" in compact
        assert "20,000.00" in compact
        assert "服务人次增加" in text and "100000.00" in compact

    def test_markup_in_organization_name(self, purchaser, draft_contract):
        organization = draft_contract.organization
        organization.name = MARKUP_NAME
        organization.save()
        draft_contract.title = "<i>居家养老</i>&助餐"
        draft_contract.save()
        text = flat("\n".join(pages_text(contract_summary_pdf(draft_contract))))
        assert flat(MARKUP_NAME) in text
        assert "<i>居家养老</i>&助餐" in text

    def test_no_evidence_in_the_summary(self, purchaser, member, signed_contract):
        deliverable = signed_contract.deliverables.first()
        services.submission_create(
            actor=member, deliverable=deliverable, report="内部履约报告正文", files=[make_upload()]
        )
        text = "\n".join(pages_text(contract_summary_pdf(signed_contract)))
        assert "内部履约报告正文" not in text
        assert "已提交" in text

    def test_view(self, client, signed_contract):
        response = client.get(reverse("contracts:contract-summary-pdf", args=[signed_contract.number]))
        assert response.status_code == 200
        assert f'filename="{signed_contract.number}.pdf"' in response["Content-Disposition"]
        assert signed_contract.title in "".join(pages_text(response.content))
