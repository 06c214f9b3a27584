"""/api/v1/search/: the same search as the page, for programs."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ContractFactory, OrganizationFactory, PurchaserFactory, SignedContractFactory

pytestmark = pytest.mark.django_db


def test_search_by_pinyin_and_code_match():
    organization = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    client = APIClient()
    body = client.get("/api/v1/search/", {"q": "ygshgz"}).json()
    assert [row["name"] for row in body["organizations"]["results"]] == [organization.name]
    assert body["match"] is None
    body = client.get("/api/v1/search/", {"q": organization.uscc.lower()}).json()
    assert body["match"]["code"] == organization.uscc


def test_drafts_only_for_officials_in_scope():
    draft = ContractFactory(title="社区矫正社会工作服务合同")
    signed = SignedContractFactory(title="社区矫正心理辅导服务合同")
    public = APIClient().get("/api/v1/search/", {"q": "社区矫正"}).json()
    assert [row["number"] for row in public["contracts"]["results"]] == [signed.number]
    official = APIClient()
    official.force_authenticate(PurchaserFactory(department=draft.department))
    body = official.get("/api/v1/search/", {"q": "社区矫正"}).json()
    assert {row["number"] for row in body["contracts"]["results"]} == {draft.number, signed.number}


def test_every_kind_with_its_details_and_queries_that_do_not_grow_with_the_results():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import (
        FinalizedEvaluationFactory,
        PublishedPurchaseListFactory,
        PurchaseItemFactory,
        PurchasingDepartmentFactory,
    )

    def body(count, word):
        for index in range(count):
            supplier = OrganizationFactory(name=f"{word}社会工作服务中心{index}")
            buyer = PurchasingDepartmentFactory(name=f"{word}民政局{index}")
            contract = SignedContractFactory(title=f"{word}服务合同{index}", organization=supplier, department=buyer)
            FinalizedEvaluationFactory(contract=contract)
            items = PublishedPurchaseListFactory(department=buyer, title=f"{word}目录{index}")
            PurchaseItemFactory(purchase_list=items, service_name=f"{word}{index}")
        with CaptureQueriesContext(connection) as queries:
            found = APIClient().get("/api/v1/search/", {"q": word}).json()
        return found, len(queries)

    found, few = body(1, "青草原")
    assert found["contracts"]["results"][0]["supplier"] == "青草原社会工作服务中心0"
    assert found["contracts"]["results"][0]["buyer"] == "青草原民政局0"
    assert found["purchase_items"]["results"][0]["purchase_list"] == "青草原目录0"
    assert found["evaluations"]["results"][0]["title"] == "青草原服务合同0"
    assert found["organizations"]["results"][0]["region"]
    found, many = body(4, "黄河湾")
    assert [found[kind]["count"] for kind in ("organizations", "contracts", "purchase_items", "evaluations")] == [4] * 4
    assert many == few
