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
