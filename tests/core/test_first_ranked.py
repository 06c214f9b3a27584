"""core.search.first_ranked: a search's first rows read rank by rank are the rows the ranked query gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from contracts.selectors import contract_search, contract_search_tiers
from core.search import first_ranked, rank_by
from registry.models import Organization
from registry.selectors import organization_search, organization_search_tiers
from tests.factories import OrganizationFactory, SignedContractFactory, region

pytestmark = pytest.mark.django_db

NAMES = [
    "阳光",  # the exact name of the query 阳光
    "阳光社会工作服务中心",
    "阳光养老服务中心",
    "呼和浩特市阳光社会工作服务中心",
    "包头市阳光志愿服务协会",
    "赤峰市红山区阳光老年协会",
    "通辽市阳光青少年服务中心",
    "鄂尔多斯市阳光助残服务中心",
    "乌海市晨曦养老院",
]


@pytest.fixture
def organizations():
    return [OrganizationFactory(name=name, region=region("150102")) for name in NAMES]


@pytest.mark.parametrize("query", ["阳光", "阳光社会工作服务中心", "服务中心", "社工", "ygshgz", "包头 阳光", "没有"])
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 20])
def test_organizations_read_rank_by_rank_are_the_ranked_rows(organizations, query, limit):
    ranked = organization_search(query)
    assert first_ranked(ranked, organization_search_tiers(query), limit) == list(ranked[:limit])


def test_an_exact_name_comes_first_then_names_starting_with_the_word(organizations):
    rows = first_ranked(organization_search("阳光"), organization_search_tiers("阳光"), 4)
    assert rows[0].name == "阳光"
    assert {row.name for row in rows[1:3]} == {"阳光社会工作服务中心", "阳光养老服务中心"}
    assert not rows[3].name.startswith("阳光")


def test_contracts_read_rank_by_rank_are_the_ranked_rows():
    organization = OrganizationFactory(name="阳光社会工作服务中心")
    contracts = [SignedContractFactory(organization=organization, title=f"社区养老服务{n}") for n in range(4)]
    contracts.append(SignedContractFactory(organization=organization, title="社区养老服务"))
    for query in ("社区养老服务", "阳光", contracts[2].number.lower(), "养老"):
        ranked = contract_search(query)
        for limit in (1, 2, 5, 20):
            assert first_ranked(ranked, contract_search_tiers(query), limit) == list(ranked[:limit])
    assert (
        first_ranked(contract_search("社区养老服务"), contract_search_tiers("社区养老服务"), 1)[0].title
        == "社区养老服务"
    )


def test_rank_by_numbers_the_tiers_in_order(organizations):
    tiers = [Q(name="阳光"), Q(name__startswith="阳光")]
    ranks = dict(Organization.objects.annotate(rank=rank_by(tiers)).values_list("name", "rank"))
    assert ranks["阳光"] == 0
    assert ranks["阳光社会工作服务中心"] == 1
    assert ranks["包头市阳光志愿服务协会"] == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_parallel_workers_are_left_off_only_while_the_rows_are_read(organizations):
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        before = cursor.fetchone()[0]
    first_ranked(organization_search("阳光"), organization_search_tiers("阳光"), 5)
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == before
