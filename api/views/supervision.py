"""Complaints: filing (rate-limited, anonymous) and tracking by code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import serializers as api
from api.exceptions import ApiError, call_service
from api.views.common import ERRORS, ApiViewSet, parse
from core.clients import client_address
from supervision import selectors as supervision_selectors
from supervision import services as supervision_services
from supervision.models import Complaint

# --- complaints --------------------------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("按查询码查看投诉举报的办理状态"),
        tags=["supervision"],
        responses={200: api.ComplaintStatusSerializer, **ERRORS},
    )
)
class ComplaintViewSet(ApiViewSet):
    """Anyone may file a complaint and follow it with its tracking code; the filing limit is the service's."""

    serializer_class = api.ComplaintStatusSerializer
    lookup_field = "tracking_code"
    lookup_value_regex = "[^/]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self):
        return [AllowAny()]

    def get_queryset(self):
        return Complaint.objects.none()

    def retrieve(self, request, tracking_code=None):
        try:
            complaint = supervision_selectors.complaint_lookup(tracking_code=tracking_code)
        except Complaint.DoesNotExist:
            raise ApiError.not_found(_("没有该查询码的投诉举报。")) from None
        return Response(api.ComplaintStatusSerializer(complaint).data)

    @extend_schema(
        summary=_("提交投诉举报（无需登录）"),
        tags=["supervision"],
        request={
            "application/json": api.ComplaintCreateSerializer,
            "multipart/form-data": api.ComplaintCreateSerializer,
        },
        responses={
            201: api.ComplaintStatusSerializer,
            400: ERRORS[400],
            429: OpenApiResponse(api.ErrorSerializer, _("同一来源提交过于频繁")),
        },
    )
    def create(self, request):
        data = parse(api.ComplaintCreateSerializer, request)
        client = client_address(request)
        complaint = call_service(lambda: supervision_services.complaint_file(client_key=client, **data))
        status_data = supervision_selectors.complaint_lookup(tracking_code=complaint.tracking_code)
        return Response(api.ComplaintStatusSerializer(status_data).data, status=status.HTTP_201_CREATED)
