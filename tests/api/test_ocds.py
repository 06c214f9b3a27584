"""The OCDS 1.1 export: structure, required fields and codelist values (embedded here, so these tests need no schema
folder), and one validation against the official schema files when ../shared/ocds-1.1 is beside the repository."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from requests.utils import parse_header_links
from rest_framework.test import APIClient

from api import ocds
from api.ocds_validation import validate_package
from api.selectors import ocds_contract_get, ocds_contract_list
from contracts import services as contract_services
from tests.factories import make_upload

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")
TODAY = datetime.date(2026, 11, 1)

# The codes of the OCDS 1.1 codelists this export uses (from the standard's codelists/*.csv).
RELEASE_TAGS = {
    "planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation", "award",
    "awardUpdate", "awardCancellation", "contract", "contractUpdate", "contractAmendment", "implementation",
    "implementationUpdate", "contractTermination", "compiled",
}  # fmt: skip
CONTRACT_STATUSES = {"pending", "active", "cancelled", "terminated"}
AWARD_STATUSES = {"pending", "active", "cancelled", "unsuccessful"}
MILESTONE_STATUSES = {"scheduled", "met", "notMet", "partiallyMet"}
MILESTONE_TYPES = {
    "preProcurement",
    "approval",
    "engagement",
    "assessment",
    "delivery",
    "reporting",
    "financing",
    "payment",
}
PARTY_ROLES = {
    "buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee", "reviewBody",
    "interestedParty",
}  # fmt: skip
DOCUMENT_TYPES = {"contractSigned", "contractAnnexe", "contractSchedule", "completionCertificate"}
METHODS = {"open", "selective", "limited", "direct"}


def is_datetime(value: str) -> bool:
    parsed = datetime.datetime.fromisoformat(value)
    return "T" in value and parsed.tzinfo is not None


@pytest.fixture
def prefix(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    return "ocds-test01"


@pytest.fixture
def performed_contract(users, signed_contract, submitted_deliverable):
    """Signed 2026-02-20; first deliverable accepted; one payment; amount and term amended; two documents."""
    purchaser = users["purchaser"]
    contract_services.deliverable_accept(actor=purchaser, submission=submitted_deliverable.submissions.get())
    contract_services.payment_record(
        actor=purchaser, contract=signed_contract, amount=Decimal("30000.00"), paid_on=datetime.date(2026, 6, 10),
        deliverable=submitted_deliverable,
    )  # fmt: skip
    contract_services.contract_amend(
        actor=purchaser,
        contract=signed_contract,
        reason="服务对象增加",
        amended_on=datetime.date(2026, 4, 1),
        amount=Decimal("120000.00"),
        end_on=datetime.date(2027, 2, 27),
    )
    contract_services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf"), title="合同正本", is_public=True
    )
    contract_services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf"), title="内部审批单", kind="attachment"
    )
    return signed_contract


def releases_of(contract, today=TODAY):
    return ocds.contract_releases(
        ocds_contract_get(number=contract.number), base_url="https://qiyue.example.cn/", today=today
    )


def check_codelists(release: dict) -> None:
    assert set(release["tag"]) <= RELEASE_TAGS
    assert release["initiationType"] == "tender"
    for party in release["parties"]:
        assert set(party["roles"]) <= PARTY_ROLES
    for award in release["awards"]:
        assert award["status"] in AWARD_STATUSES
        assert award["value"]["currency"] == "CNY"
    assert release["tender"].get("procurementMethod", "open") in METHODS
    for contract in release["contracts"]:
        assert contract["status"] in CONTRACT_STATUSES
        assert contract["value"]["currency"] == "CNY"
        for document in contract.get("documents", []):
            assert document["documentType"] in DOCUMENT_TYPES
        for milestone in contract.get("implementation", {}).get("milestones", []):
            assert milestone["type"] in MILESTONE_TYPES
            assert milestone["status"] in MILESTONE_STATUSES
        for transaction in contract.get("implementation", {}).get("transactions", []):
            assert transaction["value"]["currency"] == "CNY"


def check_required(release: dict) -> None:
    for key in ("ocid", "id", "date", "tag", "initiationType"):
        assert release[key], key
    assert is_datetime(release["date"])
    award_ids = {award["id"] for award in release["awards"]}
    party_ids = {party["id"] for party in release["parties"]}
    assert release["buyer"]["id"] in party_ids
    for contract in release["contracts"]:
        assert contract["id"] and contract["awardID"] in award_ids
        assert is_datetime(contract["period"]["startDate"]) and is_datetime(contract["period"]["endDate"])
        for milestone in contract.get("implementation", {}).get("milestones", []):
            assert milestone["id"] and is_datetime(milestone["dueDate"])
        for transaction in contract.get("implementation", {}).get("transactions", []):
            assert transaction["id"] and is_datetime(transaction["date"])
            assert transaction["payer"]["id"] in party_ids and transaction["payee"]["id"] in party_ids


def test_signed_contract_gives_one_contract_release(prefix, signed_contract):
    (release,) = releases_of(signed_contract, today=datetime.date(2026, 3, 1))
    check_required(release)
    check_codelists(release)
    assert release["ocid"] == f"ocds-test01-{signed_contract.number}"
    assert release["tag"] == ["contract"]
    assert release["date"] == "2026-02-20T00:00:00+08:00"
    buyer, supplier = release["parties"]
    assert buyer["roles"] == ["buyer"] and buyer["name"] == signed_contract.department.name
    assert supplier["roles"] == ["supplier"]
    assert supplier["identifier"] == {
        "scheme": "CN-USCI",
        "id": signed_contract.organization.uscc,
        "legalName": signed_contract.organization.name,
    }
    (contract,) = release["contracts"]
    assert contract["status"] == "active"
    assert contract["value"] == {"amount": 100000.0, "currency": "CNY"}
    assert contract["dateSigned"] == "2026-02-20T00:00:00+08:00"
    assert contract["period"] == {"startDate": "2026-03-01T00:00:00+08:00", "endDate": "2027-02-28T23:59:59+08:00"}
    assert [m["status"] for m in contract["implementation"]["milestones"]] == ["scheduled", "scheduled"]
    assert release["awards"][0]["suppliers"] == [{"id": supplier["id"], "name": supplier["name"]}]


def test_performed_contract_releases(prefix, performed_contract):
    releases = releases_of(performed_contract)
    assert [release["tag"] for release in releases] == [["contract"], ["contractAmendment"], ["implementation"]]
    assert len({release["id"] for release in releases}) == len(releases)
    for release in releases:
        check_required(release)
        check_codelists(release)

    signed, amended, implementation = releases
    # The contract release shows the contract as signed; the amendment release the changed amount and term.
    assert signed["contracts"][0]["value"]["amount"] == 100000.0
    assert signed["awards"][0]["value"]["amount"] == 100000.0
    assert amended["date"] == "2026-04-01T00:00:00+08:00"
    assert amended["contracts"][0]["value"]["amount"] == 120000.0
    assert amended["contracts"][0]["period"]["endDate"] == "2027-02-27T23:59:59+08:00"
    (amendment,) = amended["contracts"][0]["amendments"]
    assert amendment["rationale"] == "服务对象增加"
    assert amendment["amendsReleaseID"] == signed["id"] and amendment["releaseID"] == amended["id"]
    assert "100000.00 → 120000.00" in amendment["description"]

    contract = implementation["contracts"][0]
    first, second = contract["implementation"]["milestones"]
    assert first["status"] == "met" and is_datetime(first["dateMet"])
    assert second["status"] == "scheduled" and "dateMet" not in second
    (transaction,) = contract["implementation"]["transactions"]
    assert transaction == {
        "id": "1",
        "date": "2026-06-10T00:00:00+08:00",
        "value": {"amount": 30000.0, "currency": "CNY"},
        "payer": implementation["buyer"],
        "payee": implementation["awards"][0]["suppliers"][0],
    }
    assert {role for party in implementation["parties"] for role in party["roles"]} == {
        "buyer",
        "payer",
        "supplier",
        "payee",
    }
    # The contract text Qiyue generates, then only the public uploaded document, with its download address.
    text, document = contract["documents"]
    assert text["id"] == "contract-text" and text["url"].endswith(
        f"/contracts/{performed_contract.number}/contract.pdf"
    )
    assert "示范文本第 1 版" in text["title"]
    assert document["title"] == "合同正本" and document["documentType"] == "contractSigned"
    assert document["url"].startswith(f"https://qiyue.example.cn/contracts/{performed_contract.number}/documents/")


def test_overdue_deliverable_is_not_met(prefix, signed_contract):
    releases = releases_of(signed_contract, today=datetime.date(2026, 6, 15))
    implementation = releases[-1]
    assert implementation["tag"] == ["implementation"]
    # The first deliverable (due 2026-05-31) fell overdue the next day.
    assert implementation["id"] == f"ocds-test01-{signed_contract.number}-implementation-2026-06-01"
    statuses = [m["status"] for m in implementation["contracts"][0]["implementation"]["milestones"]]
    assert statuses == ["notMet", "scheduled"]


def test_terminated_contract_ends_with_a_termination_release(prefix, users, signed_contract):
    contract_services.contract_terminate(
        actor=users["purchaser"],
        contract=signed_contract,
        reason="承接主体主动申请解除",
        terminated_on=datetime.date(2026, 9, 30),
    )
    releases = releases_of(signed_contract)
    termination = releases[-1]
    assert termination["tag"] == ["contractTermination"]
    assert termination["date"] == "2026-09-30T00:00:00+08:00"
    contract = termination["contracts"][0]
    assert contract["status"] == "terminated"
    assert "承接主体主动申请解除" in contract["description"]
    assert [m["status"] for m in contract["implementation"]["milestones"]] == ["notMet", "notMet"]
    check_codelists(termination)


def test_drafts_are_never_published(prefix, draft_contract, signed_contract):
    numbers = [contract.number for contract in ocds_contract_list()]
    assert numbers == [signed_contract.number]
    assert ocds.contract_releases(draft_contract, base_url="https://qiyue.example.cn/") == []
    assert APIClient().get(f"/contracts/{draft_contract.number}/ocds.json").status_code == 404


def test_release_package_endpoint(prefix, performed_contract, draft_contract):
    response = APIClient().get("/api/v1/ocds/releases/")
    assert response.status_code == 200
    package = response.json()
    assert package["version"] == "1.1"
    assert package["publisher"] == {"name": settings.OCDS_PUBLISHER_NAME}
    assert package["uri"] == "http://testserver/api/v1/ocds/releases/"
    assert is_datetime(package["publishedDate"])
    assert {release["ocid"] for release in package["releases"]} == {f"ocds-test01-{performed_contract.number}"}
    assert package["publishedDate"] == max(package["releases"], key=lambda r: r["date"])["date"]


def test_release_package_filters_by_date(prefix, performed_contract):
    def ids(**params):
        response = APIClient().get("/api/v1/ocds/releases/", params)
        assert response.status_code == 200
        return [release["tag"][0] for release in response.json()["releases"]]

    assert ids(date_to="2026-03-31") == ["contract"]
    assert ids(date_from="2026-03-01", date_to="2026-04-30") == ["contractAmendment"]
    assert ids(date_from="2030-01-01") == []
    assert APIClient().get("/api/v1/ocds/releases/", {"date_from": "2026-13-01"}).status_code == 400


def links(response) -> dict[str, str]:
    """rel -> URL of the response's RFC 8288 Link header."""
    return {link["rel"]: link["url"] for link in parse_header_links(response.get("Link", ""))}


def test_release_package_pages(prefix, users, department, organization):
    from tests.factories import DeliverableFactory, SignedContractFactory

    for _ in range(3):
        DeliverableFactory(contract=SignedContractFactory(department=department, organization=organization))
    first = APIClient().get("/api/v1/ocds/releases/", {"page_size": 2})
    assert len({release["ocid"] for release in first.json()["releases"]}) == 2
    # Paging lives in the headers: the body is a plain release package.
    assert "links" not in first.json()
    assert first["X-Total-Count"] == "3"
    assert "cursor=" in links(first)["next"] and "page_size=2" in links(first)["next"]
    assert "prev" not in links(first)
    second = APIClient().get(links(first)["next"])
    assert len({release["ocid"] for release in second.json()["releases"]}) == 1
    assert "next" not in links(second) and "prev" in links(second)
    back = APIClient().get(links(second)["prev"])
    assert [release["ocid"] for release in back.json()["releases"]] == [
        release["ocid"] for release in first.json()["releases"]
    ]


def test_contract_ocds_json(prefix, performed_contract):
    response = APIClient().get(f"/contracts/{performed_contract.number}/ocds.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = response.json()
    assert [release["id"].rsplit("-", 1)[-1] for release in package["releases"]][0] == "contract"
    assert {release["ocid"] for release in package["releases"]} == {f"ocds-test01-{performed_contract.number}"}


def test_release_package_query_count_does_not_grow(prefix, department, organization, django_assert_max_num_queries):
    from tests.factories import DeliverableFactory, PaymentFactory, SignedContractFactory

    for _ in range(12):
        contract = SignedContractFactory(department=department, organization=organization)
        DeliverableFactory(contract=contract)
        PaymentFactory(contract=contract)
    with django_assert_max_num_queries(10):
        response = APIClient().get("/api/v1/ocds/releases/")
    assert response.status_code == 200


@pytest.mark.skipif(not SCHEMA_DIR.is_dir(), reason=f"OCDS schema folder {SCHEMA_DIR} is not beside the repository")
def test_export_validates_against_the_official_schema(prefix, performed_contract, users, department, organization):
    from tests.factories import DeliverableFactory, SignedContractFactory

    terminated = SignedContractFactory(department=department, organization=organization)
    DeliverableFactory(contract=terminated, payment_share=100)
    contract_services.contract_terminate(
        actor=users["purchaser"], contract=terminated, reason="协商解除", terminated_on=datetime.date(2026, 5, 1)
    )
    releases = [
        release
        for contract in ocds_contract_list()
        for release in ocds.contract_releases(contract, base_url="https://qiyue.example.cn/")
    ]
    package = ocds.release_package(releases, uri="https://qiyue.example.cn/api/v1/ocds/releases/")
    assert validate_package(package, SCHEMA_DIR) == []
    broken = {**package, "releases": [{**releases[0], "tag": ["signed"], "initiationType": None}]}
    errors = validate_package(broken, SCHEMA_DIR)
    assert any("initiationType" in error for error in errors)
    assert any("releaseTag.csv" in error for error in errors)
    call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR))


def test_ocds_validate_refuses_a_missing_schema_folder(tmp_path, signed_contract):
    with pytest.raises(CommandError, match="missing"):
        call_command("ocds_validate", "--schema-dir", str(tmp_path / "nowhere"))
