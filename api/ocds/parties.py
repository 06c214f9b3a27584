"""The buyer (the purchasing department) and the supplier (the organization), identified by their unified social
credit code under org-id.guide's scheme "CN-USCI"."""

from __future__ import annotations

from api.ocds.values import USCC_SCHEME, filled
from contracts.models import Contract


def buyer_id(contract: Contract) -> str:
    department = contract.department
    return f"{USCC_SCHEME}-{department.uscc}" if department.uscc else f"department-{department.code}"


def supplier_id(contract: Contract) -> str:
    return f"{USCC_SCHEME}-{contract.organization.uscc}"


def buyer_party(contract: Contract, *, pays: bool) -> dict:
    department = contract.department
    party = {
        "id": buyer_id(contract),
        "name": department.name,
        "address": {"region": department.region.full_name, "countryName": "中国"},
        "roles": ["buyer", "payer"] if pays else ["buyer"],
    }
    if department.uscc:
        party["identifier"] = {"scheme": USCC_SCHEME, "id": department.uscc, "legalName": department.name}
    # The department's public contact (an organization's contact data is not public, so suppliers have none).
    contact = {
        "name": department.contact_name,
        "telephone": department.contact_phone,
        "email": department.contact_email,
    }
    if any(contact.values()):
        party["contactPoint"] = {key: value for key, value in contact.items() if value}
    return party


def supplier_party(contract: Contract, *, paid: bool) -> dict:
    organization = contract.organization
    return {
        "id": supplier_id(contract),
        "name": organization.name,
        "identifier": {"scheme": USCC_SCHEME, "id": organization.uscc, "legalName": organization.name},
        "address": {
            "streetAddress": organization.domicile,
            "region": organization.region.full_name,
            "countryName": "中国",
        },
        "roles": ["supplier", "payee"] if paid else ["supplier"],
    }


def buyer_reference(contract: Contract) -> dict:
    return filled({"id": buyer_id(contract), "name": contract.department.name})


def supplier_reference(contract: Contract) -> dict:
    return filled({"id": supplier_id(contract), "name": contract.organization.name})
