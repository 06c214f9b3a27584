"""`/api/v1/statistics/`: the figures of /statistics/ (the same measures, dimensions and disclosure rules) as JSON."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.views.common import ERRORS
from contracts.models import PurchaseItem
from registry.models import Organization
from stats.scope import scope_from
from stats.selectors import OWN_LEVEL, statistics_table

API_DIMENSIONS = ["region", "year", "department", "category", "org_type"]


class MeasureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "amount", "percent", "score"])
    group = serializers.CharField()


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("区划代码、年度、部门 id、服务类别或组织类型；“=” 为本级，“-” 为未分类"))
    label = serializers.CharField()
    values = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text=_("各指标的值：计数为整数，金额（元）、比例（%）和得分为两位或一位小数的字符串；不适用为 null"),
    )


class StatisticsSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    dimension = serializers.ChoiceField(choices=API_DIMENSIONS)
    detailed = serializers.BooleanField(help_text=_("是否含监督指标（本地区的工作人员）"))
    measures = MeasureSerializer(many=True)
    rows = StatisticsRowSerializer(many=True)
    total = StatisticsRowSerializer()


def _values(values: dict) -> dict:
    return {
        key: (str(value) if value is not None and not isinstance(value, int) else value)
        for key, value in values.items()
    }


def _row(row) -> dict:
    return {"key": row.key, "label": row.label, "values": _values(row.values)}


@extend_schema(
    summary=_("统计数据"),
    description=_(
        "与统计分析页面相同的指标：购买服务目录与预算、合同与金额（变更过的合同按现行金额计一次）、付款、履约事项、"
        "绩效评价等级、社会组织，以及（本地区工作人员可见的）监督检查、整改通知和投诉举报。按地区（下一级区划）、"
        "年度、购买主体、服务类别或组织类型分组，并给出合计。只计入公开的信息。"
    ),
    tags=["statistics"],
    parameters=[
        OpenApiParameter("region", OpenApiTypes.STR, description=_("区划代码（本省及以下），默认本省")),
        OpenApiParameter("year", OpenApiTypes.INT, description=_("年度；留空为全部年度；省略时为当年")),
        OpenApiParameter("by", OpenApiTypes.STR, enum=API_DIMENSIONS, description=_("分组维度，默认 region")),
        OpenApiParameter("department", OpenApiTypes.INT, description=_("购买主体（部门 id）")),
        OpenApiParameter("category", OpenApiTypes.STR, enum=PurchaseItem.Category.values, description=_("服务类别")),
        OpenApiParameter("org_type", OpenApiTypes.STR, enum=Organization.Type.values, description=_("组织类型")),
    ],
    responses={200: StatisticsSerializer, 404: ERRORS[404]},
)
class StatisticsView(APIView):
    """The statistics of an area (the home province by default) for a year, grouped by one dimension."""

    permission_classes = [AllowAny]

    def get(self, request):
        params = request.query_params
        scope = scope_from(params, request.user, default_year=timezone.localdate().year)
        dimension = params.get("by") or "region"
        if dimension not in API_DIMENSIONS:
            raise Http404
        if dimension == "year":
            scope = scope.with_year(None)
        table = statistics_table(scope, dimension)
        return Response(
            {
                "region": scope.region.code,
                "region_name": scope.region.name,
                "year": scope.year,
                "dimension": dimension,
                "detailed": scope.detailed,
                "measures": [
                    {"key": m.key, "label": str(m.label), "kind": m.kind, "group": str(m.group)} for m in table.measures
                ],
                "rows": [_row(row) for row in table.rows if row.key != OWN_LEVEL or any(row.values.values())],
                "total": _row(table.total),
            }
        )
