"""`/api/v1/search/?q=`: the site's one search (organizations, contracts, purchase-list items, evaluations) for
programs, built from the same selectors as the /search/ page and showing the caller what the page would."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

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

PER_KIND = 20
# The columns each kind's results show (with their related rows'): the database then sorts and counts narrow rows.
ORGANIZATION_FIELDS = ("uscc", "name", "status", "region__name", "region__parent__name")
CONTRACT_FIELDS = ("number", "title", "status", "organization__name", "department__name")
ITEM_FIELDS = ("code", "service_name", "purchase_list__title", "purchase_list__department__name")
EVALUATION_FIELDS = ("year", "status", "grade", "contract__number", "contract__title")


def _group(queryset, row, tiers=()) -> dict:
    """The first PER_KIND hits, read rank by rank, and the number of all of them (as the /search/ page reads them)."""
    count = pagecache.count(queryset)
    rows = first_ranked(queryset, tiers, PER_KIND) if count else []
    return {"count": count, "results": [row(record) for record in rows]}


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("检索：社会组织、合同、购买服务项目、绩效评价"),
        description=_(
            "多个词以空格分开，须全部出现（顺序不限）；可用名称的全拼或拼音首字母。"
            "查询为统一社会信用代码或合同编号（可含空格、小写）时，`match` 给出该记录。"
            "公众只看到公开的记录，工作人员另可看到本辖区的草稿。每类最多 20 条。"
        ),
        tags=["search"],
        parameters=[OpenApiParameter("q", str, required=True, description=_("检索词"))],
        responses={200: OpenApiResponse(response=OpenApiTypes.OBJECT)},
    )
    def get(self, request):
        query = request.query_params.get("q", "").strip()
        user = request.user
        match = None
        organization = organization_by_code(query) if query else None
        contract = contract_by_number(query, user=user) if query and organization is None else None
        if organization is not None:
            match = {
                "kind": "organization",
                "code": organization.uscc,
                "name": organization.name,
                "url": reverse("registry:organization-detail", args=[organization.uscc]),
            }
        elif contract is not None:
            match = {
                "kind": "contract",
                "code": contract.number,
                "name": contract.title,
                "url": reverse("contracts:contract-detail", args=[contract.number]),
            }
        body = {"query": query, "words": search_words(query), "match": match}
        if not body["words"]:
            return Response(
                {**body, "organizations": None, "contracts": None, "purchase_items": None, "evaluations": None}
            )
        body["organizations"] = _group(
            organization_search(query).only(*ORGANIZATION_FIELDS),
            lambda o: {
                "uscc": o.uscc,
                "name": o.name,
                "region": o.region.name,
                "status": o.status,
                "url": reverse("registry:organization-detail", args=[o.uscc]),
            },
            organization_search_tiers(query),
        )
        body["contracts"] = _group(
            contract_search(query, user=user).only(*CONTRACT_FIELDS),
            lambda c: {
                "number": c.number,
                "title": c.title,
                "supplier": c.organization.name,
                "buyer": c.department.name,
                "status": c.status,
                "url": reverse("contracts:contract-detail", args=[c.number]),
            },
            contract_search_tiers(query),
        )
        body["purchase_items"] = _group(
            purchase_item_search(query, user=user).only(*ITEM_FIELDS),
            lambda i: {
                "code": i.code,
                "service_name": i.service_name,
                "purchase_list": i.purchase_list.title,
                "purchase_list_id": i.purchase_list_id,
                "url": reverse("contracts:purchase-list-detail", args=[i.purchase_list_id]),
            },
            purchase_item_search_tiers(query),
        )
        body["evaluations"] = _group(
            evaluation_search(query, user=user)
            .select_related(None)
            .select_related("contract")
            .only(*EVALUATION_FIELDS),
            lambda e: {
                "id": e.pk,
                "contract": e.contract.number,
                "title": e.contract.title,
                "year": e.year,
                "status": e.status,
                "grade": e.grade,
                "url": reverse("evaluations:evaluation-detail", args=[e.pk]),
            },
        )
        return Response(body)
