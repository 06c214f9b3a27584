"""The sections of a release that describe the process: the contract (with its documents), the tender (the
purchase-list item), the planning budget and related processes."""

from __future__ import annotations

from decimal import Decimal

from api.ocds.values import (
    CLASSIFICATION_SCHEME,
    DOCUMENT_TYPE,
    LANGUAGE,
    PROCUREMENT_METHOD,
    day_start,
    moment,
    money,
    path_to,
    period,
    rows,
    zh_display,
)
from contracts.models import Contract, ContractDocument, PurchaseItem


def document_path(doc: ContractDocument) -> str:
    """The contract page's download address of a document (the view checks who may download it)."""
    return path_to("contracts:document-download", doc.contract.number, doc.pk)


def document(doc: ContractDocument, base_url: str) -> dict:
    return {
        "id": str(doc.pk),
        "documentType": DOCUMENT_TYPE.get(doc.kind, "contractAnnexe"),
        "title": doc.title,
        "url": base_url.rstrip("/") + document_path(doc),
        "datePublished": moment(doc.uploaded_at),
        "format": doc.content_type or None,
        "language": LANGUAGE,
        "sha256": doc.sha256 or None,
    }


def contract_documents(contract: Contract, base_url: str) -> list[dict]:
    """The contract's public documents: the generated contract text, then the public uploads."""
    return [
        *contract_text_documents(contract, base_url),
        *(document(doc, base_url) for doc in rows(contract, "documents") if doc.is_public and contract.is_public),
    ]


def contract_section(
    contract: Contract, state: dict, *, status: str, base_url: str, documents: list[dict] | None = None
) -> dict:
    """The contract in `state` (amount and term); `documents` when the caller already made contract_documents."""
    section = {
        "id": contract.number,
        "awardID": contract.number,
        "title": contract.title,
        "description": contract.description or None,
        "status": status,
        "period": period(state["start_on"], state["end_on"]),
        "value": money(state["amount"]),
        "dateSigned": day_start(contract.signed_on) if contract.signed_on else None,
        "documents": contract_documents(contract, base_url) if documents is None else list(documents),
    }
    return {key: value for key, value in section.items() if value not in (None, [])}


def contract_text_documents(contract: Contract, base_url: str) -> list[dict]:
    """The contract text Qiyue generates from the model-contract version the contract was signed on."""
    if contract.text_version is None or contract.signed_on is None:
        return []
    return [
        {
            "id": "contract-text",
            "documentType": "contractSigned",
            "title": f"合同文本（依据示范文本第 {contract.text_version.version} 版生成）",
            "url": base_url.rstrip("/") + path_to("contracts:contract-pdf", contract.number),
            "datePublished": day_start(contract.signed_on),
            "format": "application/pdf",
            "language": LANGUAGE,
        }
    ]


def purchase_list_path(purchase_list_id: int) -> str:
    return path_to("contracts:purchase-list-detail", purchase_list_id)


def _item(item: PurchaseItem) -> dict:
    """The purchase-list item as an OCDS item: catalogue classification, quantity and unit (with the unit price)."""
    description = item.service_name
    if item.subcategory:
        description = f"{item.service_name}（{item.subcategory}）"
    return {
        "id": item.code,
        "description": description,
        "classification": {
            "scheme": CLASSIFICATION_SCHEME,
            "id": item.category,
            "description": zh_display(item, "category"),
        },
        "quantity": float(item.quantity),
        "unit": {"name": item.unit, "value": money((item.budget / item.quantity).quantize(Decimal("0.01")))},
    }


def tender(contract: Contract, *, base_url: str) -> dict:
    """The tender: the purchase-list item the contract was bought under (a contract without one: the contract)."""
    section = {
        "id": contract.number,
        "title": contract.title,
        "status": "complete",
        "mainProcurementCategory": "services",
        "procurementMethod": PROCUREMENT_METHOD[contract.method],
        "procurementMethodDetails": zh_display(contract, "method"),
    }
    item = contract.purchase_item
    if item is None:
        return section
    purchase_list = item.purchase_list
    section.update(
        {
            "id": f"{purchase_list.pk}-{item.code}",
            "title": item.service_name,
            "description": item.description,
            "value": money(item.budget),
            "items": [_item(item)],
            "contractPeriod": period(item.service_start_on, item.service_end_on),
            "eligibilityCriteria": item.provider_requirements,
        }
    )
    if purchase_list.published_on is not None:
        section["documents"] = [
            {
                "id": f"purchase-list-{purchase_list.pk}",
                "documentType": "procurementPlan",
                "title": purchase_list.title,
                "url": base_url.rstrip("/") + path_to("contracts:purchase-list-pdf", purchase_list.pk),
                "datePublished": day_start(purchase_list.published_on),
                "format": "application/pdf",
                "language": LANGUAGE,
            }
        ]
    return section


def planning(contract: Contract) -> dict | None:
    """The budget the contract is paid from: the item's budget within the department's budget of the list's year."""
    item = contract.purchase_item
    if item is None:
        return None
    purchase_list = item.purchase_list
    return {
        "budget": {
            "id": str(item.pk),
            "description": (
                f"资金来源：{contract.department.name} {purchase_list.year} 年度部门预算"
                f"（{purchase_list.title}：{item.code} {item.service_name}）"
            ),
            "amount": money(item.budget),
            "project": item.service_name,
            "projectID": item.code,
        }
    }


def related_processes(contract: Contract, *, base_url: str) -> list[dict]:
    """A contract under a revised item names the original item's purchase list as its planning process."""
    item = contract.purchase_item
    if item is None or item.origin_id is None or item.origin is None:
        return []
    origin = item.origin
    return [
        {
            "id": f"purchase-item-{origin.pk}",
            "relationship": ["planning"],
            "title": f"修订前的购买项目：{origin.purchase_list.title} {origin.code} {origin.service_name}",
            "uri": base_url.rstrip("/") + purchase_list_path(origin.purchase_list_id),
        }
    ]
