"""Finalized evaluation results."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from api import serializers as api
from api.filters import (
    EvaluationApiFilter,
)
from api.views.common import ApiViewSet
from evaluations import selectors as evaluation_selectors
from evaluations.access import access_evaluation_results

# --- evaluations -------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("绩效评价结果（已定稿）"), tags=["evaluations"]),
    retrieve=extend_schema(
        summary=_("绩效评价结果：指标平均得分与专家总分"),
        tags=["evaluations"],
        responses=api.EvaluationDetailSerializer,
    ),
)
class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.EvaluationSerializer
    filterset_class = EvaluationApiFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return evaluation_selectors.evaluation_list_public()

    def retrieve(self, request, pk=None):
        evaluation = access_evaluation_results(request.user, int(pk))
        results = evaluation_selectors.evaluation_results(evaluation, user=request.user)
        return Response(api.evaluation_detail_data(results, {"request": request}))
