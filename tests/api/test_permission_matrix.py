"""Endpoints × roles: the API answers each role as the pages do.

Public records are read by everyone; drafts only by the purchasers of their region (others get 404, as for a record
that does not exist). Writes without credentials get 401, with the wrong role 403, on a record outside the user's
reach 404 (public or draft alike: the apps' access helpers answer both pages and API); the right role succeeds through
the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from tests.api.conftest import ROLES, client_for

A, M, E, P, OTHER, R = ROLES  # anonymous, member, evaluator, purchaser, other_purchaser, registrar


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[dict], str]
    expected: dict[str, int]
    data: Callable[[dict], dict] | None = None


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


CASES = [
    # --- reads --------------------------------------------------------------------------------------------------
    Case("organization list", "get", lambda f: "/api/v1/organizations/", everyone(200)),
    Case("organization detail", "get", lambda f: f"/api/v1/organizations/{f['organization'].uscc}/", everyone(200)),
    Case("credit listings", "get", lambda f: "/api/v1/credit-listings/", everyone(200)),
    Case("purchase lists", "get", lambda f: "/api/v1/purchase-lists/", everyone(200)),
    Case(
        "published purchase list",
        "get",
        lambda f: f"/api/v1/purchase-lists/{f['item'].purchase_list_id}/",
        everyone(200),
    ),
    Case(
        "draft purchase list",
        "get",
        lambda f: f"/api/v1/purchase-lists/{f['draft_list'].pk}/",
        {A: 404, M: 404, E: 404, P: 200, OTHER: 404, R: 404},
    ),
    Case("contract list", "get", lambda f: "/api/v1/contracts/", everyone(200)),
    Case("signed contract", "get", lambda f: f"/api/v1/contracts/{f['signed_contract'].number}/", everyone(200)),
    Case(
        "draft contract",
        "get",
        lambda f: f"/api/v1/contracts/{f['draft_contract'].number}/",
        {A: 404, M: 404, E: 404, P: 200, OTHER: 404, R: 404},
    ),
    Case(
        "deliverable of a signed contract",
        "get",
        lambda f: f"/api/v1/deliverables/{f['submitted_deliverable'].pk}/",
        everyone(200),
    ),
    Case(
        "deliverable of a draft",
        "get",
        lambda f: f"/api/v1/deliverables/{f['draft_contract'].deliverables.first().pk}/",
        {A: 404, M: 404, E: 404, P: 200, OTHER: 404, R: 404},
    ),
    Case("evaluation results", "get", lambda f: "/api/v1/evaluations/", everyone(200)),
    Case("OCDS package", "get", lambda f: "/api/v1/ocds/releases/", everyone(200)),
    Case("contract OCDS", "get", lambda f: f"/contracts/{f['signed_contract'].number}/ocds.json", everyone(200)),
    Case("draft contract OCDS", "get", lambda f: f"/contracts/{f['draft_contract'].number}/ocds.json", everyone(404)),
    # --- registry writes ----------------------------------------------------------------------------------------
    Case(
        "register organization",
        "post",
        lambda f: "/api/v1/organizations/",
        {A: 401, M: 403, E: 403, P: 403, OTHER: 403, R: 201},
        data=lambda f: {
            "name": "呼和浩特市新城区邻里互助服务中心",
            "uscc": f["new_uscc"],
            "org_type": "service",
            "region": "150102",
            "legal_representative": "张三",
            "registered_funds": "30000.00",
            "established_on": "2020-05-01",
            "domicile": "呼和浩特市新城区中山东路 1 号",
        },
    ),
    Case(
        "update organization contact",
        "patch",
        lambda f: f"/api/v1/organizations/{f['organization'].uscc}/",
        {A: 401, M: 200, E: 403, P: 403, OTHER: 403, R: 200},
        data=lambda f: {"contact_phone": "0471-1234567"},
    ),
    Case(
        "list on credit list",
        "post",
        lambda f: "/api/v1/credit-listings/",
        {A: 401, M: 403, E: 403, P: 403, OTHER: 403, R: 201},
        data=lambda f: {
            "organization": f["organization"].uscc,
            "list_kind": "abnormal",
            "reason": "未按规定报送年度工作报告",
            "listed_on": "2026-07-01",
        },
    ),
    Case(
        "remove from credit list",
        "post",
        lambda f: f"/api/v1/credit-listings/{f['listing'].pk}/remove/",
        {A: 401, M: 403, E: 403, P: 403, OTHER: 403, R: 200},
        data=lambda f: {"removed_on": "2026-08-01", "reason": "已补报年度工作报告"},
    ),
    Case("penalties", "get", lambda f: "/api/v1/penalties/", everyone(200)),
    Case(
        "record a penalty",
        "post",
        lambda f: "/api/v1/penalties/",
        {A: 401, M: 403, E: 403, P: 403, OTHER: 403, R: 201},
        data=lambda f: {
            "organization": f["organization"].uscc,
            "decision_number": "呼民罚〔2026〕30号",
            "decided_on": "2026-07-01",
            "kind": "fine",
            "amount": "5000.00",
            "facts": "违规收费",
            "legal_basis": "《民办非企业单位登记管理暂行条例》第二十五条",
        },
    ),
    # --- purchase lists -----------------------------------------------------------------------------------------
    Case(
        "create purchase list",
        "post",
        lambda f: "/api/v1/purchase-lists/",
        {A: 401, M: 403, E: 403, P: 201, OTHER: 403, R: 403},
        data=lambda f: {"department": f["department"].code, "year": 2027, "title": "2027 年政府购买服务目录"},
    ),
    Case(
        "add purchase item",
        "post",
        lambda f: f"/api/v1/purchase-lists/{f['draft_list'].pk}/items/",
        {A: 401, M: 403, E: 403, P: 201, OTHER: 404, R: 403},
        data=lambda f: {
            "code": "B0001",
            "category": "basic_public",
            "service_name": "社区助餐服务",
            "quantity": "5000",
            "unit": "人次",
            "budget": "200000.00",
            "service_start_on": "2027-01-01",
            "service_end_on": "2027-12-31",
        },
    ),
    Case(
        "publish purchase list",
        "post",
        lambda f: f"/api/v1/purchase-lists/{f['draft_list_with_item'].pk}/publish/",
        {A: 401, M: 403, E: 403, P: 200, OTHER: 404, R: 403},
        data=lambda f: {},
    ),
    # --- contracts ----------------------------------------------------------------------------------------------
    Case(
        "create contract",
        "post",
        lambda f: "/api/v1/contracts/",
        {A: 401, M: 403, E: 403, P: 201, OTHER: 403, R: 403},
        data=lambda f: {
            "department": f["department"].code,
            "organization": f["organization"].uscc,
            "title": "社区心理健康服务项目",
            "method": "competitive_consultation",
            "amount": "80000.00",
            "start_on": "2026-04-01",
            "end_on": "2026-12-31",
        },
    ),
    Case(
        "sign contract",
        "post",
        lambda f: f"/api/v1/contracts/{f['draft_contract'].number}/sign/",
        {A: 401, M: 403, E: 403, P: 200, OTHER: 404, R: 403},
        data=lambda f: {"signed_on": "2026-02-20"},
    ),
    Case(
        "add deliverable to draft",
        "post",
        lambda f: f"/api/v1/contracts/{f['draft_contract'].number}/deliverables/",
        {A: 401, M: 403, E: 403, P: 201, OTHER: 404, R: 403},
        data=lambda f: {"title": "年度总结", "due_on": "2027-02-28", "payment_share": "10.00"},
    ),
    Case(
        "record payment",
        "post",
        lambda f: f"/api/v1/contracts/{f['signed_contract'].number}/payments/",
        {A: 401, M: 403, E: 403, P: 201, OTHER: 404, R: 403},
        data=lambda f: {"amount": "10000.00", "paid_on": "2026-03-01"},
    ),
    Case(
        "accept deliverable",
        "post",
        lambda f: f"/api/v1/deliverables/{f['submitted_deliverable'].pk}/accept/",
        {A: 401, M: 403, E: 403, P: 200, OTHER: 404, R: 403},
        data=lambda f: {"comment": "材料齐全"},
    ),
    Case(
        "return deliverable",
        "post",
        lambda f: f"/api/v1/deliverables/{f['submitted_deliverable'].pk}/return/",
        {A: 401, M: 403, E: 403, P: 200, OTHER: 404, R: 403},
        data=lambda f: {"comment": "缺少回访记录"},
    ),
    # --- complaints ---------------------------------------------------------------------------------------------
    Case(
        "file complaint",
        "post",
        lambda f: "/api/v1/complaints/",
        everyone(201),
        data=lambda f: {"organization": f["organization"].uscc, "subject": "服务未到岗", "text": "预约三次均未上门。"},
    ),
]


@pytest.fixture
def records(
    users, department, organization, item, draft_list, draft_contract, signed_contract, submitted_deliverable, listing
):
    from tests.factories import PurchaseItemFactory, PurchaseListFactory, next_uscc

    draft_with_item = PurchaseListFactory(department=department, title="2027 年补充目录", year=2027)
    PurchaseItemFactory(purchase_list=draft_with_item)
    return {
        "department": department,
        "organization": organization,
        "item": item,
        "draft_list": draft_list,
        "draft_list_with_item": draft_with_item,
        "draft_contract": draft_contract,
        "signed_contract": signed_contract,
        "submitted_deliverable": submitted_deliverable,
        "listing": listing,
        "new_uscc": next_uscc("2", "150100"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_endpoint_answers_role_as_the_pages_do(case, role, users, records):
    client = client_for(users[role])
    url = case.url(records)
    if case.method == "get":
        response = client.get(url)
    else:
        response = getattr(client, case.method)(url, case.data(records), format="json")
    assert response.status_code == case.expected[role], response.content.decode()
    if response.status_code >= 400:
        body = response.json()["error"]
        assert set(body) == {"code", "message", "message_zh", "message_en", "fields"}
