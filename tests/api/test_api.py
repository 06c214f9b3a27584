"""What the API shows and does: the same disclosure as the pages, filters, writes through the services, complaints."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from contracts import services as contract_services
from contracts.models import Contract, Deliverable, PurchaseList
from supervision.models import Complaint
from tests.api.conftest import client_for, finalized_evaluation
from tests.factories import (
    CreditListingFactory,
    DeliverableFactory,
    OrganizationFactory,
    RatingFactory,
    SignedContractFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- organizations -------------------------------------------------------------------------------------------------


def test_organization_filters(organization, listing):
    chifeng = OrganizationFactory(region=region("150404"), org_type="association", name="赤峰市松山区志愿者协会")
    RatingFactory(organization=chifeng, grade="5A")
    CreditListingFactory(organization=chifeng, list_kind="serious", reason="被撤销登记")
    client = APIClient()

    def usccs(**params):
        return {row["uscc"] for row in results(client.get("/api/v1/organizations/", params))}

    assert usccs(uscc=organization.uscc.lower()) == {organization.uscc}
    assert usccs(name="松山区志愿") == {chifeng.uscc}
    assert usccs(org_type="association") == {chifeng.uscc}
    assert usccs(region="150400") == {chifeng.uscc}  # the city includes its counties
    assert usccs(region="150100") == {organization.uscc, listing.organization.uscc}
    assert usccs(grade="5A") == {chifeng.uscc}
    assert usccs(on_credit_list="true") == {chifeng.uscc, listing.organization.uscc}
    assert usccs(on_serious_list="true") == {chifeng.uscc}


def test_contact_data_only_for_those_the_registry_shows_it_to(users, organization):
    url = f"/api/v1/organizations/{organization.uscc}/"
    expected = {
        "anonymous": False,
        "member": True,
        "evaluator": False,
        "purchaser": True,
        "other_purchaser": False,
        "registrar": True,
    }
    for role, visible in expected.items():
        contact = client_for(users[role]).get(url).json()["contact"]
        assert (contact is not None) is visible, role
        if visible:
            assert contact["phone"] == organization.contact_phone


def test_organization_detail_shows_the_registry_record(organization, listing):
    data = APIClient().get(f"/api/v1/organizations/{organization.uscc}/").json()
    assert data["current_grade"] == "4A"
    assert [rating["grade"] for rating in data["ratings"]] == ["4A"]
    assert data["page_url"].endswith(f"/organizations/{organization.uscc}/")
    listed = APIClient().get(f"/api/v1/organizations/{listing.organization.uscc}/").json()
    assert listed["on_credit_list"] is True
    assert listed["credit_listings"][0]["reason"] == listing.reason


def test_penalties_are_public_and_refusals_name_the_field(users, organization):
    from registry.models import Penalty
    from tests.factories import PenaltyFactory

    PenaltyFactory(organization=organization, decision_number="呼民罚〔2026〕31号")
    data = APIClient().get(f"/api/v1/organizations/{organization.uscc}/").json()
    assert [p["decision_number"] for p in data["penalties"]] == ["呼民罚〔2026〕31号"]
    assert data["annual_reports"] == []
    listed = results(APIClient().get("/api/v1/penalties/", {"organization": organization.uscc}))
    assert listed[0]["kind_label"] == "警告"
    refused = client_for(users["registrar"]).post(
        "/api/v1/penalties/",
        {
            "organization": organization.uscc,
            "decision_number": "呼民罚〔2026〕32号",
            "decided_on": "2026-07-01",
            "kind": "fine",
            "facts": "违规收费",
            "legal_basis": "条例",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "amount" in str(refused.json())
    assert Penalty.objects.count() == 1


def test_list_query_counts_do_not_grow(users, department, organization, django_assert_max_num_queries):
    for _ in range(15):
        DeliverableFactory(contract=SignedContractFactory(department=department, organization=OrganizationFactory()))
    client = client_for(users["purchaser"])
    with django_assert_max_num_queries(8):
        assert len(results(client.get("/api/v1/organizations/"))) == 16
    with django_assert_max_num_queries(8):
        assert len(results(client.get("/api/v1/contracts/"))) == 15


# --- contracts -----------------------------------------------------------------------------------------------------


def test_contract_detail_discloses_what_the_page_does(users, signed_contract, submitted_deliverable):
    purchaser = users["purchaser"]
    contract_services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf"), title="合同正本", is_public=True
    )
    contract_services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf"), title="内部审批单", kind="attachment"
    )
    url = f"/api/v1/contracts/{signed_contract.number}/"
    public = APIClient().get(url).json()
    assert public["status"] == "signed" and public["organization"]["uscc"] == signed_contract.organization.uscc
    assert [document["title"] for document in public["documents"]] == ["合同正本"]
    assert public["documents"][0]["url"].endswith(
        f"/contracts/{signed_contract.number}/documents/{public['documents'][0]['id']}/"
    )
    assert [d["status"] for d in public["deliverables"]] == ["submitted", "pending"]
    assert all("submissions" not in d and "report" not in d for d in public["deliverables"])
    assert public["ocds_url"].endswith(f"/contracts/{signed_contract.number}/ocds.json")
    insider = client_for(purchaser).get(url).json()
    assert {document["title"] for document in insider["documents"]} == {"合同正本", "内部审批单"}


def test_contract_filters(users, signed_contract, draft_contract):
    chifeng = SignedContractFactory(department=users["other_purchaser"].department)
    overdue = SignedContractFactory(department=signed_contract.department)
    DeliverableFactory(contract=overdue, due_on=datetime.date(2026, 1, 31))
    client = APIClient()

    def numbers(client=client, **params):
        return {row["number"] for row in results(client.get("/api/v1/contracts/", params))}

    assert numbers(region="150400") == {chifeng.number}
    # The signed contract's first deliverable is due 2026-05-31: overdue from the day after.
    late = {overdue.number} | ({signed_contract.number} if timezone.localdate() > datetime.date(2026, 5, 31) else set())
    assert numbers(overdue="true") == late
    assert chifeng.number in numbers(overdue="false")
    assert numbers(organization_uscc=signed_contract.organization.uscc) == {signed_contract.number}
    assert numbers(department=signed_contract.department.code) == {signed_contract.number, overdue.number}
    assert numbers(signed_from="2026-02-20", signed_to="2026-02-20") == {
        signed_contract.number,
        chifeng.number,
        overdue.number,
    }
    assert draft_contract.number not in numbers()
    assert numbers(client=client_for(users["purchaser"]), status="draft") == {draft_contract.number}


def test_purchaser_runs_a_contract_through_the_api(users, department, organization, item):
    client = client_for(users["purchaser"])
    created = client.post(
        "/api/v1/contracts/",
        {
            "department": department.code,
            "organization": organization.uscc,
            "purchase_item": item.pk,
            "title": "社区助餐服务项目",
            "method": "public_tender",
            "amount": "50000.00",
            "start_on": "2026-03-01",
            "end_on": "2026-12-31",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert number.startswith(f"{department.code}-2026-")
    refused = client.post(f"/api/v1/contracts/{number}/sign/", {"signed_on": "2026-02-20"}, format="json")
    assert refused.status_code == 400
    assert "履约事项" in refused.json()["error"]["message_zh"]

    added = client.post(
        f"/api/v1/contracts/{number}/deliverables/",
        {"title": "全年服务", "due_on": "2026-12-31", "payment_share": "100.00"},
        format="json",
    )
    assert added.status_code == 201 and len(added.json()["deliverables"]) == 1
    signed = client.post(f"/api/v1/contracts/{number}/sign/", {"signed_on": "2026-02-20"}, format="json")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"

    paid = client.post(
        f"/api/v1/contracts/{number}/payments/", {"amount": "20000.00", "paid_on": "2026-03-15"}, format="json"
    )
    assert paid.status_code == 201
    assert paid.json()["paid_amount"] == "20000.00"
    too_much = client.post(
        f"/api/v1/contracts/{number}/payments/", {"amount": "40000.00", "paid_on": "2026-03-16"}, format="json"
    )
    assert too_much.status_code == 400
    assert "30,000.00" in too_much.json()["error"]["message_zh"]
    wrong_deliverable = client.post(
        f"/api/v1/contracts/{number}/payments/",
        {"amount": "1.00", "paid_on": "2026-03-16", "deliverable": 999999},
        format="json",
    )
    assert wrong_deliverable.status_code == 400
    assert list(wrong_deliverable.json()["error"]["fields"]) == ["deliverable"]
    assert Contract.objects.get(number=number).payments.count() == 1


def test_signing_needs_acknowledged_warnings(users, draft_contract):
    CreditListingFactory(organization=draft_contract.organization, listed_on=datetime.date(2026, 1, 10))
    client = client_for(users["purchaser"])
    url = f"/api/v1/contracts/{draft_contract.number}/sign/"
    refused = client.post(url, {"signed_on": "2026-02-20"}, format="json")
    assert refused.status_code == 400
    assert "资格提示" in refused.json()["error"]["message_zh"]
    signed = client.post(url, {"signed_on": "2026-02-20", "acknowledge_warnings": True}, format="json")
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed"


def test_accept_and_return_decide_the_open_submission(users, signed_contract, submitted_deliverable):
    client = client_for(users["purchaser"])
    returned = client.post(f"/api/v1/deliverables/{submitted_deliverable.pk}/return/", {"comment": ""}, format="json")
    assert returned.status_code == 400
    assert list(returned.json()["error"]["fields"]) == ["comment"]
    returned = client.post(
        f"/api/v1/deliverables/{submitted_deliverable.pk}/return/", {"comment": "缺少回访记录"}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    nothing_open = client.post(f"/api/v1/deliverables/{submitted_deliverable.pk}/accept/", {}, format="json")
    assert nothing_open.status_code == 400
    assert nothing_open.json()["error"]["message_zh"] == "该履约事项没有等待验收的提交。"
    contract_services.submission_create(
        actor=users["member"], deliverable=Deliverable.objects.get(pk=submitted_deliverable.pk), report="补充回访记录",
        files=[make_upload("pdf")],
    )  # fmt: skip
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = client.post(
        f"/api/v1/deliverables/{submitted_deliverable.pk}/accept/", {"accepted_on": tomorrow}, format="json"
    )
    assert future.status_code == 400
    assert future.json()["error"]["code"] == "date_in_future"
    assert list(future.json()["error"]["fields"]) == ["accepted_on"]
    accepted = client.post(
        f"/api/v1/deliverables/{submitted_deliverable.pk}/accept/", {"comment": "同意"}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted" and accepted.json()["accepted_at"]


def test_purchase_list_create_add_items_and_publish(users, department):
    client = client_for(users["purchaser"])
    created = client.post(
        "/api/v1/purchase-lists/", {"department": department.code, "year": 2027, "title": "2027 年目录"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    empty = client.post(f"/api/v1/purchase-lists/{pk}/publish/", {}, format="json")
    assert empty.status_code == 400
    item = client.post(
        f"/api/v1/purchase-lists/{pk}/items/",
        {
            "code": "C01",
            "category": "social_management",
            "service_name": "社区矫正帮扶",
            "quantity": "200",
            "unit": "人",
            "budget": "150000.00",
            "service_start_on": "2027-01-01",
            "service_end_on": "2027-12-31",
        },
        format="json",
    )
    assert item.status_code == 201
    assert item.json()["items"][0]["remaining_budget"] == "150000.00"
    published = client.post(f"/api/v1/purchase-lists/{pk}/publish/", {"published_on": "2026-11-01"}, format="json")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert PurchaseList.objects.get(pk=pk).published_on == datetime.date(2026, 11, 1)
    public = APIClient().get("/api/v1/purchase-lists/", {"year": 2027, "region": "150102"})
    assert results(public) == []  # a Hohhot city department's list is not in a county
    assert [row["id"] for row in results(APIClient().get("/api/v1/purchase-lists/", {"region": "150100"}))] == [pk]


def test_registrar_registers_and_lists(users, organization):
    from tests.factories import next_uscc

    client = client_for(users["registrar"])
    code = next_uscc("1", "150100")
    created = client.post(
        "/api/v1/organizations/",
        {
            "name": "呼和浩特市社会工作协会",
            "uscc": code,
            "org_type": "association",
            "region": "150100",
            "legal_representative": "李四",
            "registered_funds": "50000.00",
            "established_on": "2019-03-01",
            "domicile": "呼和浩特市新城区",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["registration_authority"]["code"] == users["registrar"].department.code
    mismatch = client.post(
        "/api/v1/organizations/",
        {**created.json(), "uscc": next_uscc("1", "150100"), "org_type": "foundation", "region": "150100",
         "registration_authority": None, "registered_funds": "1.00"},
        format="json",
    )  # fmt: skip
    assert mismatch.status_code == 400
    assert "uscc" in mismatch.json()["error"]["fields"]

    listed = client.post(
        "/api/v1/credit-listings/",
        {"organization": code, "list_kind": "abnormal", "reason": "住所无法联系", "listed_on": "2026-06-01"},
        format="json",
    )
    assert listed.status_code == 201
    again = client.post(
        "/api/v1/credit-listings/",
        {"organization": code, "list_kind": "abnormal", "reason": "重复", "listed_on": "2026-06-02"},
        format="json",
    )
    assert again.status_code == 400 and "list_kind" in again.json()["error"]["fields"]
    removed = client.post(
        f"/api/v1/credit-listings/{listed.json()['id']}/remove/",
        {"removed_on": "2026-07-01", "reason": "已取得联系"},
        format="json",
    )
    assert removed.status_code == 200 and removed.json()["is_open"] is False
    assert (
        results(APIClient().get("/api/v1/credit-listings/", {"organization": code, "open": "false"}))[0]["removed_on"]
        == "2026-07-01"
    )


# --- evaluations ---------------------------------------------------------------------------------------------------


def test_only_finalized_evaluations_are_listed(signed_contract):
    finalized = finalized_evaluation(signed_contract, grade="good", score="85.50")
    from evaluations.models import Evaluation

    Evaluation.objects.create(
        contract=signed_contract, kind="mid_term", year=2026, indicator_set=finalized.indicator_set,
        period_start_on=signed_contract.start_on, period_end_on=signed_contract.end_on, due_on=signed_contract.end_on,
    )  # fmt: skip
    rows = results(APIClient().get("/api/v1/evaluations/"))
    assert [(row["id"], row["grade"], row["score"]) for row in rows] == [(finalized.pk, "good", "85.50")]
    assert results(APIClient().get("/api/v1/evaluations/", {"grade": "poor"})) == []
    assert len(results(APIClient().get("/api/v1/evaluations/", {"region": "150100", "year": 2026}))) == 1
    detail = APIClient().get(f"/api/v1/evaluations/{finalized.pk}/").json()
    assert detail["grade_label"] == "良" and detail["indicators"] == [] and detail["evaluators"] == []
    draft = Evaluation.objects.exclude(pk=finalized.pk).get()
    assert APIClient().get(f"/api/v1/evaluations/{draft.pk}/").status_code == 404


# --- complaints ----------------------------------------------------------------------------------------------------


def test_complaint_filing_and_tracking(signed_contract):
    client = APIClient()
    filed = client.post(
        "/api/v1/complaints/",
        {
            "contract": signed_contract.number,
            "subject": "服务人员未上门",
            "text": "十月预约的三次上门服务均未到岗。",
            "contact_phone": "13800000000",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    code = filed.json()["tracking_code"]
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.organization == signed_contract.organization
    status = client.get(f"/api/v1/complaints/{code.lower()}/").json()
    assert status["status"] == "received" and status["contract_number"] == signed_contract.number
    assert "contact_phone" not in status and "text" not in status
    assert client.get("/api/v1/complaints/NOSUCHCODE00/").status_code == 404


def test_complaint_with_attachment(organization):
    filed = APIClient().post(
        "/api/v1/complaints/",
        {
            "organization": organization.uscc,
            "subject": "账目不清",
            "text": "收费无票据。",
            "attachment": make_upload("jpg"),
        },
        format="multipart",
    )
    assert filed.status_code == 201
    assert Complaint.objects.get().attachment_name == "服务报告.jpg"


def test_complaints_are_rate_limited_by_the_service(settings, organization):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 2
    client = APIClient()
    data = {"organization": organization.uscc, "subject": "投诉", "text": "内容"}
    assert [client.post("/api/v1/complaints/", data, format="json").status_code for _ in range(2)] == [201, 201]
    limited = client.post("/api/v1/complaints/", data, format="json")
    assert limited.status_code == 429
    error = limited.json()["error"]
    assert error["code"] == "rate_limited"
    assert "每小时最多提交 2 件" in error["message_zh"]
    assert Complaint.objects.count() == 2


def test_impossible_years_are_refused_not_crashing():
    response = APIClient().get("/api/v1/organizations/", {"established_from": 0, "established_to": 99999})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"established_from", "established_to"}
    assert results(APIClient().get("/api/v1/organizations/", {"established_from": 1949})) == []


def test_api_root_links_every_collection():
    links = APIClient().get("/api/v1/").json()
    assert set(links) == {
        "organizations",
        "credit-listings",
        "purchase-lists",
        "contracts",
        "evaluations",
        "complaints",
        "penalties",
        "statistics",
        "ocds/releases",
        "search",
        "ocds/records",
    }
    assert links["ocds/releases"].endswith("/api/v1/ocds/releases/")
