"""Finalized evaluation results in the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.common import DepartmentRefSerializer, OrganizationRefSerializer, RegionSerializer
from contracts.models import Contract
from evaluations.models import Evaluation

# --- evaluations ----------------------------------------------------------------------------------------------------


class ContractRefSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = Contract
        fields = ["number", "title", "department", "organization"]


class EvaluationSerializer(serializers.ModelSerializer):
    """A finalized evaluation's public result."""

    contract = ContractRefSerializer(read_only=True)
    region = RegionSerializer(source="contract.department.region", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    aggregation_label = serializers.CharField(source="get_aggregation_display", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    indicator_set = serializers.CharField(source="indicator_set.label", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "contract",
            "region",
            "kind",
            "kind_label",
            "year",
            "period_start_on",
            "period_end_on",
            "indicator_set",
            "aggregation",
            "aggregation_label",
            "trimmed",
            "evaluator_count",
            "score",
            "grade",
            "grade_label",
            "finalized_at",
        ]


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    parent = serializers.CharField(allow_null=True, help_text=_("上级指标编码"))
    name = serializers.CharField()
    level = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    mean_score = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    mean_points = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class EvaluatorTotalSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("专家姓名，或匿名编号"))
    total = serializers.DecimalField(max_digits=7, decimal_places=4)
    counted = serializers.BooleanField(help_text=_("计入综合得分（去掉最高分和最低分时为否）"))


class EvaluationDetailSerializer(EvaluationSerializer):
    indicators = IndicatorResultSerializer(many=True, read_only=True)
    evaluators = EvaluatorTotalSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "indicators", "evaluators"]


def evaluation_detail_data(results, context: dict) -> dict:
    """An EvaluationResults (evaluations.selectors.evaluation_results) as EvaluationDetailSerializer data."""
    by_id = {indicator.pk: indicator for indicator in results.indicators}
    indicators = [
        {
            "code": indicator.code,
            "parent": by_id[indicator.parent_id].code if indicator.parent_id in by_id else None,
            "name": indicator.name,
            "level": indicator.level,
            "weight": indicator.weight,
            "max_score": indicator.max_score if indicator.is_leaf else None,
            "mean_score": indicator.result.mean_score if indicator.result is not None else None,
            "mean_points": indicator.result.mean_points if indicator.result is not None else None,
        }
        for indicator in results.indicators
    ]
    evaluators = [{"label": row.label, "total": row.total, "counted": row.counted} for row in results.evaluators]
    data = dict(EvaluationSerializer(results.evaluation, context=context).data)
    data["indicators"] = IndicatorResultSerializer(indicators, many=True).data
    data["evaluators"] = EvaluatorTotalSerializer(evaluators, many=True).data
    return data
