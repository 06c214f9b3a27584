"""Contracts, purchase-list items and evaluations are searched through stored columns kept by the database (contracts
migration 0010): each is found by every one of its texts, words in any order, one- and two-character Chinese words
included; a renamed department, list, contract or supplier is found by its new text and no longer by the old one,
whichever code wrote the rename; and the search finds exactly what the former per-column matching found, in the same
order."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

from contracts.models import Contract, PurchaseItem, PurchaseList
from contracts.selectors import contract_search, purchase_item_search
from core.search import search_condition, search_tokens, search_words
from evaluations.models import Evaluation
from evaluations.selectors import evaluation_search
from registry.models import Department, Organization
from tests.factories import (
    FinalizedEvaluationFactory,
    OrganizationFactory,
    PublishedPurchaseListFactory,
    PurchaseItemFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


def contracts(query, user=None) -> list[str]:
    return list(contract_search(query, user=user).values_list("number", flat=True))


def items(query, user=None) -> list[str]:
    return list(purchase_item_search(query, user=user).values_list("code", flat=True))


def evaluations(query, user=None) -> list[int]:
    return list(evaluation_search(query, user=user).values_list("pk", flat=True))


@pytest.fixture
def world():
    chifeng = PurchasingDepartmentFactory(name="赤峰市民政局")
    saihan = PurchasingDepartmentFactory(name="赛罕区卫生健康委员会")
    sunshine = OrganizationFactory(
        name="呼和浩特市赛罕区阳光社会工作服务中心", legal_representative="巴特尔", domicile="赛罕区大学西街"
    )
    silver = OrganizationFactory(name="赤峰市红山区银龄互助养老服务中心", legal_representative="乌云")
    one = SignedContractFactory(
        number="HT-2026-0001", title="社区矫正社会工作服务合同", department=saihan, organization=sunshine
    )
    two = SignedContractFactory(
        number="CF-2025-0002", title="居家养老助餐服务合同", department=chifeng, organization=silver
    )
    three = SignedContractFactory(
        number="CF-2026-0003", title="Elder Care 智慧养老平台运维", department=chifeng, organization=sunshine
    )
    autumn = PublishedPurchaseListFactory(department=chifeng, title="2026 年赤峰市民政局购买服务目录")
    spring = PublishedPurchaseListFactory(department=saihan, title="赛罕区健康服务指导目录")
    PurchaseItemFactory(purchase_list=autumn, code="CFMZ-01", service_name="银龄互助养老服务")
    PurchaseItemFactory(purchase_list=autumn, code="CFMZ-02", service_name="困境儿童关爱服务")
    PurchaseItemFactory(purchase_list=spring, code="SH-01", service_name="社区健康讲座")
    first = FinalizedEvaluationFactory(contract=one)
    second = FinalizedEvaluationFactory(contract=two)
    return {
        "departments": (chifeng, saihan),
        "organizations": (sunshine, silver),
        "contracts": (one, two, three),
        "lists": (autumn, spring),
        "evaluations": (first, second),
    }


def test_a_contract_is_found_by_each_of_its_texts(world):
    one, two, three = world["contracts"]
    sunshine = world["organizations"][0]
    for query in (
        "HT-2026-0001",  # number
        "ht-2026",  # number, lower case
        "社区矫正",  # title
        "卫生健康",  # buyer
        "阳光社会工作",  # supplier's name
        "ygshgz",  # supplier's initials
        "yangguang",  # supplier's pinyin
        sunshine.uscc,  # supplier's code
        "巴特尔",  # supplier's legal representative
        "矫正 赛罕",  # two words, in any order
        "卫生 社区矫正 阳光",
    ):
        assert one.number in contracts(query), query
    assert contracts("elder care") == [three.number]
    assert contracts("养老 赤峰") == [three.number, two.number]  # newest signed first, then the number
    assert contracts("矫正 赤峰") == []


def test_one_and_two_character_words_find_contracts_items_and_evaluations(world):
    one, two, _three = world["contracts"]
    first, second = world["evaluations"]
    assert contracts("矫") == [one.number]
    assert contracts("银龄") == [two.number]
    assert contracts("银 乌云") == [two.number]
    assert items("银龄") == ["CFMZ-01"]
    assert items("讲座") == ["SH-01"]
    assert items("儿 民政") == ["CFMZ-02"]
    assert evaluations("矫正") == [first.pk]
    assert evaluations("银龄") == [second.pk]
    assert evaluations("巴特尔") == [first.pk]


def test_an_item_is_found_by_each_of_its_texts(world):
    for query, codes in (
        ("cfmz-01", ["CFMZ-01"]),  # code
        ("互助养老", ["CFMZ-01"]),  # service name
        ("购买服务目录", ["CFMZ-01", "CFMZ-02"]),  # list title
        ("赤峰市民政局", ["CFMZ-01", "CFMZ-02"]),  # department
        ("关爱 赤峰", ["CFMZ-02"]),
        ("卫生健康委员会 讲座", ["SH-01"]),
        ("讲座 民政", []),
    ):
        assert items(query) == codes, query


def test_an_evaluation_is_found_by_its_contracts_texts(world):
    first, second = world["evaluations"]
    for query in ("HT-2026-0001", "社区矫正", "卫生健康", "阳光社会工作", "ygshgz", "矫正 赛罕"):
        assert evaluations(query) == [first.pk], query
    assert evaluations("cf-2025 助餐 乌云") == [second.pk]


def test_renames_are_found_by_the_new_text_only(world):
    chifeng, saihan = world["departments"]
    sunshine, _silver = world["organizations"]
    one, _two, three = world["contracts"]
    autumn, _spring = world["lists"]
    first, _second = world["evaluations"]

    chifeng.name = "赤峰市民政事务局"
    chifeng.save()
    assert items("民政事务") == ["CFMZ-01", "CFMZ-02"]
    assert contracts("民政事务") == [three.number, "CF-2025-0002"]
    assert Department.objects.filter(pk=chifeng.pk).update(name="赤峰市社会事务局") == 1  # no save(), no signal
    assert contracts("民政事务") == [] and items("民政事务") == []
    assert contracts("社会事务局") == [three.number, "CF-2025-0002"]

    PurchaseList.objects.filter(pk=autumn.pk).update(title="赤峰市第二批服务清单")
    assert items("购买服务目录") == [] and items("第二批") == ["CFMZ-01", "CFMZ-02"]

    one.title = "社区戒毒康复社会工作服务合同"
    one.save()
    assert contracts("矫正") == [] and evaluations("矫正") == []
    assert contracts("戒毒") == [one.number] and evaluations("戒毒") == [first.pk]

    sunshine.name = "呼和浩特市赛罕区朝阳社会工作服务中心"
    sunshine.save()
    assert contracts("阳光社会工作") == [] and contracts("ygshgz") == []
    assert contracts("朝阳社会工作") == [one.number, three.number]
    assert contracts("zyshgz") == [one.number, three.number]
    assert evaluations("朝阳") == [first.pk]

    saihan_item = PurchaseItem.objects.get(code="SH-01")
    saihan_item.service_name = "社区健康义诊"
    saihan_item.save()
    assert items("讲座") == [] and items("义诊") == ["SH-01"]


def test_a_copy_loaded_before_a_rename_does_not_bring_the_old_text_back(world):
    chifeng, _saihan = world["departments"]
    stale = Contract.objects.get(number="CF-2025-0002")
    stale_item = PurchaseItem.objects.get(code="CFMZ-01")
    chifeng.name = "赤峰市民政事务局"
    chifeng.save()
    stale.status = Contract.Status.PERFORMING
    stale.save()
    stale_item.budget = stale_item.budget + 1
    stale_item.save()
    assert contracts("民政事务") == ["CF-2026-0003", "CF-2025-0002"]
    assert contracts("赤峰市民政局") == []
    assert items("民政事务") == ["CFMZ-01", "CFMZ-02"]


def test_a_contract_moved_to_another_department_or_supplier_follows_it(world):
    _chifeng, saihan = world["departments"]
    _sunshine, silver = world["organizations"]
    one, _two, _three = world["contracts"]
    Contract.objects.filter(pk=one.pk).update(organization=silver)
    assert contracts("阳光社会工作") == ["CF-2026-0003"]
    assert one.number in contracts("银龄")
    autumn = world["lists"][0]
    autumn.department = saihan
    autumn.save()
    assert items("卫生健康") == ["CFMZ-01", "CFMZ-02", "SH-01"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tokens are PostgreSQL's (SQLite scans)")
def test_the_database_segments_as_core_search_does(world):
    for model in (Contract, PurchaseItem):
        for document, vector in model.objects.values_list("search_document", "search_vector"):
            assert document
            assert set(re.findall(r"'([^']+)'", vector)) == set(search_tokens(document).split())


# The matching before the stored columns, kept here to compare: each word in one of the columns or in the supplier's
# search document.


def _former(word, fields, supplier=None) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    if supplier is not None:
        suppliers = Organization.objects.filter(search_condition([word], tokens_field="search_tokens")).values("pk")
        condition |= Q(**{f"{supplier}__in": suppliers})
    return condition


def former_contracts(query) -> list[str]:
    queryset = Contract.objects.all()
    for word in search_words(query):
        queryset = queryset.filter(_former(word, ("number", "title", "department__name"), "organization_id"))
    exact = Q(number__iexact=query.strip()) | Q(title=query.strip())
    rank = Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    ordered = queryset.annotate(rank=rank).order_by("rank", F("signed_on").desc(nulls_last=True), "-number")
    return list(ordered.values_list("number", flat=True))


def former_items(query) -> list[str]:
    queryset = PurchaseItem.objects.all()
    fields = ("code", "service_name", "purchase_list__title", "purchase_list__department__name")
    for word in search_words(query):
        queryset = queryset.filter(_former(word, fields))
    exact = Q(code__iexact=query.strip()) | Q(service_name=query.strip())
    rank = Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    ordered = queryset.annotate(rank=rank).order_by("rank", "-purchase_list__year", "code", "pk")
    return list(ordered.values_list("code", flat=True))


def former_evaluations(query) -> list[int]:
    queryset = Evaluation.objects.all()
    fields = ("contract__number", "contract__title", "contract__department__name")
    for word in search_words(query):
        queryset = queryset.filter(_former(word, fields, "contract__organization_id"))
    return list(queryset.order_by("-created_at", "-pk").values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        "阳光",
        "赛罕 阳光",
        "养老",
        "银",
        "服务",
        "服务合同",
        "社区矫正社会工作服务合同",
        "ht-2026-0001",
        "CF",
        "cf 2026",
        "ygshgz",
        "yangguang",
        "hs",
        "巴特尔",
        "赤峰市民政局",
        "目录 民政",
        "cfmz",
        "elder",
        "Care 运维",
        "卫生 社区",
        "不存在的词",
    ],
)
def test_the_same_hits_in_the_same_order_as_the_former_matching(world, query):
    OrganizationFactory(name="包头市青山区阳光志愿服务协会")  # a namesake without contracts
    SignedContractFactory(title="青少年社会工作服务合同")  # the factories' own departments and suppliers
    PurchaseItemFactory(service_name="社区养老服务")
    admin = SuperuserFactory()
    assert contracts(query, admin) == former_contracts(query)
    assert items(query, admin) == former_items(query)
    assert evaluations(query, admin) == former_evaluations(query)
