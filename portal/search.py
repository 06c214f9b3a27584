"""One search across the public record (/search/ and /api/v1/search/ share the idea, each composing the apps'
search selectors): organizations, contracts, purchase-list items and evaluations, grouped by kind with counts.

A query that is an organization's 统一社会信用代码 or a contract's number (with spaces, dashes or lower case) leads
straight to that record's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts.selectors import (
    contract_by_number,
    contract_search,
    contract_search_tiers,
    purchase_item_search,
    purchase_item_search_tiers,
)
from core import pagecache
from core.search import first_ranked, search_words
from evaluations.selectors import evaluation_search
from registry.selectors import organization_by_code, organization_search, organization_search_tiers
from registry.tables import region_label

PER_GROUP = 20
# The columns each group's hits show (with their related rows'): the database then sorts and counts narrow rows, not
# every column of every match and of its joined rows.
ORGANIZATION_FIELDS = ("name", "uscc", "legal_representative", "region__level", "region__name", "region__parent__name")
CONTRACT_FIELDS = ("number", "title", "status", "organization__name", "department__name")
ITEM_FIELDS = ("code", "service_name", "purchase_list__title", "purchase_list__department__name")
EVALUATION_FIELDS = ("year", "status", "grade", "contract__number", "contract__title", "contract__organization__name")


@dataclass
class Hit:
    title: str
    url: str
    detail: str = ""
    code: str = ""


@dataclass
class Group:
    kind: str
    label: object
    count: int
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""


@dataclass
class SearchResults:
    query: str
    words: list[str]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def direct_hit(query: str, *, user=None) -> str | None:
    """The page of the organization or contract whose code or number the query is, if any."""
    organization = organization_by_code(query)
    if organization is not None:
        return reverse("registry:organization-detail", args=[organization.uscc])
    contract = contract_by_number(query, user=user)
    if contract is not None:
        return reverse("contracts:contract-detail", args=[contract.number])
    return None


def _group(kind, label, queryset, hit, more_url="", tiers=()) -> Group:
    """The first PER_GROUP hits, read rank by rank (`core.search.first_ranked`), and the number of all of them
    (remembered until the next write, as the directory's is: `core.pagecache.count`)."""
    count = pagecache.count(queryset)
    rows = first_ranked(queryset, tiers, PER_GROUP) if count else []
    return Group(kind, label, count, [hit(row) for row in rows], more_url if count > PER_GROUP else "")


def group_querysets(query: str, *, user=None) -> dict:
    """Each group's hits as the page reads them (what the user may see, narrowed to the columns a hit shows)."""
    return {
        "organizations": organization_search(query).only(*ORGANIZATION_FIELDS),
        "contracts": contract_search(query, user=user).only(*CONTRACT_FIELDS),
        "purchase_items": purchase_item_search(query, user=user).only(*ITEM_FIELDS),
        "evaluations": evaluation_search(query, user=user)
        .select_related(None)
        .select_related("contract__organization")
        .only(*EVALUATION_FIELDS),
    }


def site_search(query: str, *, user=None) -> SearchResults:
    words = search_words(query)
    if not words:
        return SearchResults(query, words, [])
    encoded = urlencode({"q": query})
    querysets = group_querysets(query, user=user)
    groups = [
        _group(
            "organizations",
            _("社会组织"),
            querysets["organizations"],
            lambda o: Hit(
                o.name,
                reverse("registry:organization-detail", args=[o.uscc]),
                f"{region_label(o.region)} · {o.legal_representative}",
                o.uscc,
            ),
            f"{reverse('registry:organization-list')}?{encoded}",
            organization_search_tiers(query),
        ),
        _group(
            "contracts",
            _("合同"),
            querysets["contracts"],
            lambda c: Hit(
                c.title,
                reverse("contracts:contract-detail", args=[c.number]),
                f"{c.organization.name} · {c.department.name} · {c.get_status_display()}",
                c.number,
            ),
            tiers=contract_search_tiers(query),
        ),
        _group(
            "purchase_items",
            _("购买服务项目"),
            querysets["purchase_items"],
            lambda i: Hit(
                i.service_name,
                reverse("contracts:purchase-list-detail", args=[i.purchase_list_id]),
                f"{i.purchase_list.title} · {i.purchase_list.department.name}",
                i.code,
            ),
            tiers=purchase_item_search_tiers(query),
        ),
        _group(
            "evaluations",
            _("绩效评价"),
            querysets["evaluations"],
            lambda e: Hit(
                f"{e.contract.title}（{e.year}）",
                reverse("evaluations:evaluation-detail", args=[e.pk]),
                f"{e.contract.organization.name} · {e.get_status_display()}"
                + (f" · {e.get_grade_display()}" if e.grade else ""),
                e.contract.number,
            ),
        ),
    ]
    return SearchResults(query, words, groups)
