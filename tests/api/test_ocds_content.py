"""What a careful reader of the OCDS export checks: identifiers under org-id.guide's CN-USCI for both parties, the
tender filled from the purchase-list item, the budget, related processes, the method always set, no empty arrays,
package metadata, and records compiled with ocdsmerge."""

from __future__ import annotations

import copy
import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from api import ocds
from api.ocds_validation import STANDARD_ZIP, cove_findings
from api.selectors import ocds_contract_get
from contracts import services as contract_services
from registry.uscc import make_uscc
from tests.factories import DeliverableFactory, PurchaseItemFactory, SignedContractFactory

pytestmark = pytest.mark.django_db

BASE = "https://qiyue.example.cn/"
SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(django_settings.BASE_DIR).parent / "shared" / "ocds-1.1")
STANDARD_ZIP_PATH = SCHEMA_DIR / STANDARD_ZIP


@pytest.fixture(autouse=True)
def open_data_settings(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    settings.OCDS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    settings.OCDS_PUBLICATION_POLICY = "https://qiyue.example.cn/open-data/policy/"


def releases_of(contract):
    return ocds.contract_releases(ocds_contract_get(number=contract.number), base_url=BASE)


def walk(value, path=""):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}/{index}")


def test_both_parties_are_identified_under_cn_usci(signed_contract):
    department = signed_contract.department
    department.uscc = make_uscc("1", "150100", "00000001", authority="1")
    department.contact_name = "规划财务科"
    department.contact_phone = "0471-6600000"
    department.save()
    release = releases_of(signed_contract)[0]
    buyer, supplier = release["parties"]
    assert buyer["identifier"] == {"scheme": "CN-USCI", "id": department.uscc, "legalName": department.name}
    assert buyer["id"] == release["buyer"]["id"] == f"CN-USCI-{department.uscc}"
    assert buyer["contactPoint"] == {"name": "规划财务科", "telephone": "0471-6600000"}
    assert supplier["identifier"]["scheme"] == "CN-USCI"
    assert "contactPoint" not in supplier  # an organization's contact data is not public
    schemes = {value for path, value in walk(release) if path.endswith("/scheme") and "identifier" in path}
    assert schemes == {"CN-USCI"}
    assert "CN-USCC" not in str(release)


def test_tender_comes_from_the_purchase_list_item(signed_contract, item):
    release = releases_of(signed_contract)[0]
    tender = release["tender"]
    assert tender["id"] == f"{item.purchase_list_id}-{item.code}"
    assert tender["title"] == item.service_name
    assert tender["status"] == "complete"
    assert tender["value"] == {"amount": 300000.0, "currency": "CNY"}
    (tender_item,) = tender["items"]
    assert tender_item["id"] == item.code
    assert tender_item["classification"] == {"scheme": "CN-GMFWML", "id": "basic_public", "description": "基本公共服务"}
    assert tender_item["quantity"] == 12000.0 and tender_item["unit"]["name"] == "人次"
    assert tender_item["unit"]["value"] == {"amount": 25.0, "currency": "CNY"}
    assert tender["contractPeriod"]["startDate"].startswith("2026-03-01")
    assert tender["documents"][0]["documentType"] == "procurementPlan"
    assert tender["documents"][0]["url"] == f"{BASE}purchase-lists/{item.purchase_list_id}/list.pdf"
    budget = release["planning"]["budget"]
    assert budget["amount"] == {"amount": 300000.0, "currency": "CNY"}
    assert budget["description"].startswith(f"资金来源：{signed_contract.department.name} 2026 年度部门预算")
    assert budget["projectID"] == item.code


@pytest.mark.parametrize(
    ("method", "expected", "details"),
    [("other", "limited", "其他"), ("single_source", "direct", "单一来源"), ("inquiry", "limited", "询价")],
)
def test_procurement_method_is_always_set(department, organization, method, expected, details):
    contract = SignedContractFactory(department=department, organization=organization, method=method)
    DeliverableFactory(contract=contract)
    release = releases_of(contract)[0]
    assert release["tender"]["procurementMethod"] == expected
    assert release["tender"]["procurementMethodDetails"] == details


def test_a_contract_under_a_revised_item_names_the_original_as_planning(department, organization, item):
    revised = PurchaseItemFactory(
        purchase_list__department=department, code=item.code, service_name=item.service_name, origin=item
    )
    contract = SignedContractFactory(department=department, organization=organization, purchase_item=revised)
    DeliverableFactory(contract=contract)
    release = releases_of(contract)[0]
    (related,) = release["relatedProcesses"]
    assert related["relationship"] == ["planning"]
    assert related["uri"] == f"{BASE}purchase-lists/{item.purchase_list_id}/"
    assert item.code in related["title"]


def test_no_empty_arrays_objects_or_strings(users, signed_contract):
    contract_services.contract_terminate(
        actor=users["purchaser"], contract=signed_contract, reason="协商解除", terminated_on=datetime.date(2026, 3, 1)
    )
    releases = releases_of(signed_contract)
    assert releases[-1]["tag"] == ["contractTermination"]
    empties = [path for release in releases for path, value in walk(release) if value in ([], {}, "", None)]
    assert empties == []


def test_package_carries_licence_and_publication_policy(signed_contract):
    package = APIClient().get("/api/v1/ocds/releases/").json()
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publicationPolicy"] == "https://qiyue.example.cn/open-data/policy/"


def test_records_are_compiled_with_ocdsmerge(users, signed_contract, submitted_deliverable):
    purchaser = users["purchaser"]
    contract_services.deliverable_accept(actor=purchaser, submission=submitted_deliverable.submissions.get())
    contract_services.payment_record(
        actor=purchaser, contract=signed_contract, amount=Decimal("30000.00"), paid_on=datetime.date(2026, 6, 10),
        deliverable=submitted_deliverable,
    )  # fmt: skip
    contract_services.contract_amend(
        actor=purchaser, contract=signed_contract, reason="服务对象增加", amended_on=datetime.date(2026, 4, 1),
        amount=Decimal("120000.00"),
    )  # fmt: skip
    response = APIClient().get("/api/v1/ocds/records/")
    assert response.status_code == 200 and response["X-Total-Count"] == "1"
    (record,) = response.json()["records"]
    releases = releases_of(signed_contract)
    assert record["ocid"] == f"ocds-test01-{signed_contract.number}"
    assert [linked["url"].rsplit("#", 1)[1] for linked in record["releases"]] == [r["id"] for r in releases]
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    (contract,) = compiled["contracts"]
    # The compiled release holds the latest state: the amended amount, the payment, the accepted milestone.
    assert contract["value"]["amount"] == 120000.0
    assert contract["implementation"]["transactions"][0]["value"]["amount"] == 30000.0
    assert {milestone["status"] for milestone in contract["implementation"]["milestones"]} >= {"met"}
    assert response.json()["packages"] == [f"http://testserver/contracts/{signed_contract.number}/ocds.json"]


@pytest.mark.skipif(not STANDARD_ZIP_PATH.is_file(), reason=f"{STANDARD_ZIP_PATH} is not beside the repository")
def test_libcoveocds_is_clean_for_the_export_and_catches_what_it_should(users, signed_contract, submitted_deliverable):
    contract_services.deliverable_accept(actor=users["purchaser"], submission=submitted_deliverable.submissions.get())
    releases = releases_of(signed_contract)
    package = ocds.release_package(releases, uri=f"{BASE}api/v1/ocds/releases/")
    local = ocds.local_extension_folders(BASE)
    assert cove_findings(package, STANDARD_ZIP_PATH, local_urls=local) == []
    records = ocds.record_package(
        [ocds.record(releases, package_url=f"{BASE}contracts/x/ocds.json")], uri=f"{BASE}api/v1/ocds/records/"
    )
    assert cove_findings(records, STANDARD_ZIP_PATH, local_urls=local) == []
    # What an earlier export did: an empty transactions array, an unknown field, a closed-codelist value.
    broken = copy.deepcopy(package)
    broken["releases"][-1]["contracts"][0]["implementation"]["transactions"] = []
    broken["releases"][0]["tender"]["status"] = "finished"
    broken["links"] = {"next": f"{BASE}api/v1/ocds/releases/?page=2"}
    findings = cove_findings(broken, STANDARD_ZIP_PATH, local_urls=local)
    assert any("empty_field" in finding and "transactions" in finding for finding in findings)
    assert any("tenderStatus" in finding or "finished" in finding for finding in findings)
    assert any("/links" in finding for finding in findings)
