"""/search/: one box across organizations, contracts, purchase-list items and evaluations; words in any order,
pinyin and initials, codes typed loosely, exact names first, drafts only for the officials whose region holds them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.search import pinyin_forms, pinyin_sort_key, search_words
from registry.models import Organization
from registry.selectors import organization_search
from tests.factories import (
    ContractFactory,
    OrganizationFactory,
    PublishedPurchaseListFactory,
    PurchaseItemFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def search(client, query):
    return client.get(reverse("portal:search"), {"q": query})


def hits(response) -> list[str]:
    return [hit.title for group in response.context["results"].groups for hit in group.hits]


def test_pinyin_helpers():
    assert pinyin_forms("阳光社会工作") == ("yangguangshehuigongzuo", "ygshgz")
    assert pinyin_sort_key("呼和浩特市") == "hu he hao te shi"
    assert search_words("  赛罕，阳光  ＹＧ ") == ["赛罕", "阳光", "yg"]


def test_columns_follow_the_name_when_saved():
    organization = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    assert organization.name_pinyin.startswith("hu he hao te shi sai han qu yang guang")
    organization.name = "包头市青山区阳光社会工作服务中心"
    organization.save(update_fields=["name"])
    organization.refresh_from_db()
    assert organization.name_pinyin.startswith("bao tou shi")
    assert "btsqsqygshgzfwzx" in organization.search_document


@pytest.mark.parametrize(
    "text",
    [
        "阳光社会工作",
        "ABC阳光社工123",
        "Ｈｅｌｌｏ世界！",
        "中国-北京(朝阳)2号",
        "重庆长乐",
        "绿色家园",
        "乐乐 music",
        "㐀㐁",
        "",
    ],
)
def test_one_conversion_gives_what_pypinyin_gives_in_each_style(text):
    """The syllables and the initials come from one pypinyin call; they are what its NORMAL and FIRST_LETTER styles
    give (runs without pinyin, such as Latin letters and digits, stay whole in both)."""
    import re

    from pypinyin import Style, lazy_pinyin

    from core.search import fold

    def latin(items):
        return [re.sub(r"[^0-9a-z]+", "", item) for item in items]

    syllables = latin(lazy_pinyin(fold(text), errors="default"))
    initials = "".join(latin(lazy_pinyin(fold(text), style=Style.FIRST_LETTER, errors="default")))
    assert pinyin_forms(text) == ("".join(syllables), initials)
    assert pinyin_sort_key(text) == " ".join(item for item in syllables if item)


def test_several_words_in_any_order_and_pinyin_find_the_organization():
    wanted = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    OrganizationFactory(name="呼和浩特市新城区夕阳红养老服务中心")
    client = Client()
    for query in ("赛罕 阳光", "阳光 赛罕", "ygshgz", "yangguang saihan", "阳光社工", "YGSHGZ"):
        assert hits(search(client, query)) == [wanted.name], query
    assert hits(search(client, "赛罕 夕阳红")) == []


def test_business_scope_legal_representative_and_address_are_searched():
    organization = OrganizationFactory(
        name="鄂尔多斯市东胜区助残服务中心", legal_representative="巴特尔", domicile="东胜区天骄路18号"
    )
    client = Client()
    assert organization.name in hits(search(client, "巴特尔"))
    assert organization.name in hits(search(client, "天骄路 助残"))


def test_exact_name_ranks_first():
    OrganizationFactory(name="阿拉善盟阳光社会工作服务中心分部")
    OrganizationFactory(name="包头市阳光社会工作服务中心")
    exact = OrganizationFactory(name="阳光社会工作服务中心")
    names = list(organization_search("阳光社会工作服务中心").values_list("name", flat=True))
    assert names[0] == exact.name
    assert len(names) == 3


def test_code_with_spaces_or_lower_case_goes_straight_to_the_page():
    organization = OrganizationFactory()
    spaced = " ".join([organization.uscc[:6], organization.uscc[6:12].lower(), organization.uscc[12:]])
    response = search(Client(), spaced)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:organization-detail", args=[organization.uscc])
    contract = SignedContractFactory(number="HHWJ-2026-0007")
    response = search(Client(), "hhwj 2026 0007")
    assert response["Location"] == reverse("contracts:contract-detail", args=[contract.number])


def test_drafts_only_for_officials_of_their_region():
    hohhot = PurchasingDepartmentFactory(region=region("150100"))
    draft = ContractFactory(title="社区矫正社会工作服务合同", department=hohhot)
    signed = SignedContractFactory(title="社区矫正心理辅导服务合同")
    assert hits(search(Client(), "社区矫正")) == [signed.title]
    # A draft's number leads nowhere for the public.
    assert search(Client(), draft.number).status_code == 200

    client = Client()
    client.force_login(PurchaserFactory(department=hohhot))
    assert set(hits(search(client, "社区矫正"))) == {draft.title, signed.title}

    elsewhere = Client()
    elsewhere.force_login(PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150200"))))
    assert hits(search(elsewhere, "社区矫正")) == [signed.title]


def test_results_grouped_by_kind_with_counts():
    supplier = OrganizationFactory(name="赤峰市红山区银龄互助养老服务中心")
    SignedContractFactory(title="红山区银龄助餐服务合同", organization=supplier)
    published = PublishedPurchaseListFactory()
    PurchaseItemFactory(purchase_list=published, service_name="银龄互助养老服务", code="HS-01")
    response = search(Client(), "银龄")
    counts = {group.kind: group.count for group in response.context["results"].groups}
    assert counts == {"organizations": 1, "contracts": 1, "purchase_items": 1, "evaluations": 0}
    assert b'data-testid="search-group-purchase_items"' in response.content


def test_directory_search_uses_the_same_matching():
    wanted = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    OrganizationFactory(name="包头市青山区社会工作者协会")
    response = Client().get(reverse("registry:organization-list"), {"q": "阳光 赛罕"})
    assert [row.record.name for row in response.context["table"].page.object_list] == [wanted.name]


def test_directory_sorts_by_region_then_pinyin():
    OrganizationFactory(name="呼和浩特市乌兰夫社会工作服务中心", region=region("150100"))
    OrganizationFactory(name="呼和浩特市二连社会工作服务中心", region=region("150100"))
    OrganizationFactory(name="呼和浩特市阿拉坦社会工作服务中心", region=region("150100"))
    OrganizationFactory(name="包头市阿尔丁社会工作服务中心", region=region("150200"))
    response = Client().get(reverse("registry:organization-list"))
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == [
        "呼和浩特市阿拉坦社会工作服务中心",
        "呼和浩特市二连社会工作服务中心",
        "呼和浩特市乌兰夫社会工作服务中心",
        "包头市阿尔丁社会工作服务中心",
    ]
    assert list(Organization.objects.order_by("name_pinyin").values_list("name", flat=True))[0].startswith("包头")


def test_the_queries_do_not_grow_with_the_organizations_found_in_other_cities():
    """Each hit shows its region with its city: read with the hits, not one query per hit."""

    def queries_for(codes):
        for code in codes:
            OrganizationFactory(name=f"{code}草原阳光社会工作服务中心", region=region(code))
        with CaptureQueriesContext(connection) as queries:
            assert search(Client(), "草原阳光").status_code == 200
        return len(queries)

    few = queries_for(["150102"])
    many = queries_for(["150202", "150302", "150402", "150502", "150602"])
    assert many == few


def _every_kind(count: int, word: str) -> None:
    """`count` hits of each kind for `word`, each with its own supplier, buyer, list and city."""
    from tests.factories import FinalizedEvaluationFactory

    cities = ["150102", "150202", "150302", "150402", "150502"]
    for index in range(count):
        supplier = OrganizationFactory(name=f"{word}社会工作服务中心{index}", region=region(cities[index]))
        buyer = PurchasingDepartmentFactory(name=f"{word}民政局{index}", region=region(cities[index]))
        contract = SignedContractFactory(title=f"{word}服务合同{index}", organization=supplier, department=buyer)
        FinalizedEvaluationFactory(contract=contract)
        PurchaseItemFactory(purchase_list=PublishedPurchaseListFactory(department=buyer), service_name=f"{word}{index}")


def test_each_hit_shows_its_details_and_the_queries_do_not_grow_with_the_hits():
    """The groups read only the columns their hits show, with their related rows: nothing is fetched per hit."""

    def page(count, word):
        _every_kind(count, word)
        with CaptureQueriesContext(connection) as queries:
            response = search(Client(), word)
        return response, len(queries)

    response, few = page(1, "青草原")
    groups = {group.kind: group for group in response.context["results"].groups}
    assert [group.count for group in groups.values()] == [1, 1, 1, 1]
    assert groups["organizations"].hits[0].detail.startswith("呼和浩特市新城区 · ")
    contract = groups["contracts"].hits[0]
    assert contract.detail == "青草原社会工作服务中心0 · 青草原民政局0 · 已签订"
    assert groups["purchase_items"].hits[0].detail.endswith(" · 青草原民政局0")
    assert groups["evaluations"].hits[0].title == "青草原服务合同0（2026）"
    assert groups["evaluations"].hits[0].detail == "青草原社会工作服务中心0 · 已定稿 · 良"
    response, many = page(5, "黄河湾")
    assert [group.count for group in response.context["results"].groups] == [5, 5, 5, 5]
    assert many == few
