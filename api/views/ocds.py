"""Open Contracting Data Standard 1.1: the release package and one contract's releases."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import ocds
from api.exceptions import ApiError
from api.pagination import ApiPagination
from api.selectors import ocds_contract_get, ocds_contract_list
from api.views.common import ERRORS
from contracts.models import Contract

# --- OCDS --------------------------------------------------------------------------------------------------------


class OcdsDateRangeSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text=_("只含该日及以后的 release"))
    date_to = serializers.DateField(required=False, help_text=_("只含该日及以前的 release"))


OCDS_PACKAGE = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_(
        "OCDS 1.1 release package（https://standard.open-contracting.org/1.1/en/schema/release_package/）："
        "每份已签订合同一个 ocid（前缀 + 合同编号），承接主体以统一社会信用代码标识（scheme CN-USCC）。"
    ),
)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


class OcdsReleasePackageView(APIView):
    """Every signed contract's releases as one OCDS release package, page by page (contracts oldest first)."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination

    @extend_schema(
        summary=_("OCDS 发布包：全部已签订合同"),
        tags=["open data"],
        parameters=[
            OcdsDateRangeSerializer,
            OpenApiParameter("page", int, description=str(ApiPagination.page_query_description)),
            OpenApiParameter("page_size", int, description=str(ApiPagination.page_size_query_description)),
        ],
        responses={200: OCDS_PACKAGE, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request):
        dates = OcdsDateRangeSerializer(data=request.query_params)
        dates.is_valid(raise_exception=True)
        date_from: datetime.date | None = dates.validated_data.get("date_from")
        date_to: datetime.date | None = dates.validated_data.get("date_to")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(ocds_contract_list(date_from=date_from, date_to=date_to), request, view=self)
        base_url = _base_url(request)
        releases = []
        for contract in page:
            for release in ocds.contract_releases(contract, base_url=base_url):
                day = datetime.datetime.fromisoformat(release["date"]).date()
                if (date_from is None or day >= date_from) and (date_to is None or day <= date_to):
                    releases.append(release)
        links = {
            key: value
            for key, value in (("next", paginator.get_next_link()), ("prev", paginator.get_previous_link()))
            if value
        }
        package = ocds.release_package(releases, uri=request.build_absolute_uri(), links=links or None)
        return Response(package)


class OcdsContractReleasesView(APIView):
    """One contract's releases as an OCDS release package (`/contracts/<number>/ocds.json`)."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary=_("OCDS 发布包：一份合同的全部 release"),
        tags=["open data"],
        responses={200: OCDS_PACKAGE, 404: ERRORS[404]},
    )
    def get(self, request, number: str):
        try:
            contract = ocds_contract_get(number=number)
        except Contract.DoesNotExist:
            raise ApiError.not_found(_("没有该编号的已签订合同。")) from None
        releases = ocds.contract_releases(contract, base_url=_base_url(request))
        return Response(ocds.release_package(releases, uri=request.build_absolute_uri()))
