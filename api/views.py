"""The REST API (`/api/v1/`): thin views over the apps' selectors and services.

Each read calls the app's selector for the requesting user, so the API shows what the pages show. Each write parses
its input, fetches the object through the same visibility rules (404 when the user may not see it), lets the
permission classes ask the apps' predicates (401 without credentials, 403 for a wrong role or region), then calls
exactly one service through `call_service`, which turns a refusal into the API's error body in both languages.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from api import ocds
from api import permissions as api_permissions
from api import serializers as api
from api.exceptions import ApiError, call_service
from api.filters import (
    ContractApiFilter,
    CreditListingApiFilter,
    EvaluationApiFilter,
    FilterBackend,
    OrganizationApiFilter,
    PurchaseListApiFilter,
)
from api.pagination import ApiPagination
from api.selectors import ocds_contract_get, ocds_contract_list
from contracts import selectors as contract_selectors
from contracts import services as contract_services
from contracts.models import Contract, Deliverable, PurchaseList, Submission
from evaluations import selectors as evaluation_selectors
from registry import selectors as registry_selectors
from registry import services as registry_services
from registry.models import CreditListing, Organization, Rating
from registry.uscc import normalize_uscc
from supervision import selectors as supervision_selectors
from supervision import services as supervision_services
from supervision.models import Complaint

ERRORS = {
    400: OpenApiResponse(api.ErrorSerializer, _("输入有误或被业务规则拒绝（见 error.message 与 error.fields）")),
    401: OpenApiResponse(api.ErrorSerializer, _("未提供身份凭证")),
    403: OpenApiResponse(api.ErrorSerializer, _("无权执行该操作")),
    404: OpenApiResponse(api.ErrorSerializer, _("不存在或无权查看")),
}


def parse(serializer_class: type[serializers.Serializer], request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ApiViewSet(viewsets.GenericViewSet):
    filter_backends = [FilterBackend]
    pagination_class = ApiPagination
    # Per action: the permission classes that apply (reads are public unless stated).
    action_permissions: dict[str, list] = {}

    def get_permissions(self):
        classes = self.action_permissions.get(self.action, [])
        return [permission() for permission in classes]


# --- organizations -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("社会组织名录"), tags=["registry"]),
    retrieve=extend_schema(
        summary=_("社会组织详情（按统一社会信用代码）"), tags=["registry"], responses=api.OrganizationDetailSerializer
    ),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.OrganizationSerializer
    filterset_class = OrganizationApiFilter
    lookup_field = "uscc"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {
        "create": [api_permissions.IsRegistrar],
        "partial_update": [api_permissions.IsRegistrarOrMember, api_permissions.CanEditOrganization],
    }

    def get_queryset(self):
        queryset = registry_selectors.organization_list(user=self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("ratings", queryset=Rating.objects.select_related("awarding_authority")),
                "inspections",
                Prefetch(
                    "credit_listings",
                    queryset=CreditListing.objects.select_related("organization", "deciding_authority", "removed_by"),
                ),
            )
        return queryset

    def get_object(self) -> Organization:
        organization = self.get_queryset().filter(uscc=normalize_uscc(self.kwargs["uscc"])).first()
        if organization is None:
            raise ApiError.not_found(_("没有该统一社会信用代码的社会组织。"))
        self.check_object_permissions(self.request, organization)
        return organization

    def get_serializer_class(self):
        return api.OrganizationDetailSerializer if self.action != "list" else api.OrganizationSerializer

    def _detail(self, uscc: str, *, created: bool = False) -> Response:
        data = api.OrganizationDetailSerializer(self.get_queryset().get(uscc=uscc), context={"request": self.request})
        return Response(data.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary=_("登记社会组织"),
        tags=["registry"],
        request=api.OrganizationRegisterSerializer,
        responses={201: api.OrganizationDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = parse(api.OrganizationRegisterSerializer, request)
        organization = call_service(lambda: registry_services.organization_register(actor=request.user, **data))
        return self._detail(organization.uscc, created=True)

    @extend_schema(
        summary=_("修改登记信息或联系方式"),
        tags=["registry"],
        request=api.OrganizationUpdateSerializer,
        responses={200: api.OrganizationDetailSerializer, **ERRORS},
    )
    def partial_update(self, request, uscc=None):
        data = parse(api.OrganizationUpdateSerializer, request)
        organization = self.get_object()
        organization = call_service(
            lambda: registry_services.organization_update(
                actor=request.user, organization=Organization.objects.get(pk=organization.pk), **data
            )
        )
        return self._detail(organization.uscc)


# --- credit listings ---------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("信用名单记录"), tags=["registry"]),
    retrieve=extend_schema(summary=_("信用名单记录详情"), tags=["registry"]),
)
class CreditListingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.CreditListingSerializer
    filterset_class = CreditListingApiFilter
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": [api_permissions.IsRegistrar],
        "remove": [api_permissions.IsRegistrar, api_permissions.CanManageListing],
    }

    def get_queryset(self):
        return CreditListing.objects.select_related(
            "organization__region", "deciding_authority", "removed_by"
        ).order_by("-listed_on", "-pk")

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        listing = self.get_queryset().get(pk=pk)
        return Response(api.CreditListingSerializer(listing, context={"request": self.request}).data, status=code)

    @extend_schema(
        summary=_("列入信用名单"),
        tags=["registry"],
        request=api.CreditListingCreateSerializer,
        responses={201: api.CreditListingSerializer, **ERRORS},
    )
    def create(self, request):
        data = parse(api.CreditListingCreateSerializer, request)
        listing = call_service(lambda: registry_services.credit_listing_add(actor=request.user, **data))
        return self._answer(listing.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("移出信用名单"),
        tags=["registry"],
        request=api.CreditListingRemoveSerializer,
        responses={200: api.CreditListingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        data = parse(api.CreditListingRemoveSerializer, request)
        listing = self.get_object()
        call_service(
            lambda: registry_services.credit_listing_remove(
                actor=request.user, listing=self.get_queryset().get(pk=listing.pk), **data
            )
        )
        return self._answer(listing.pk)


# --- purchase lists ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("购买服务目录"), tags=["contracts"]),
    retrieve=extend_schema(
        summary=_("购买服务目录详情（含项目）"), tags=["contracts"], responses=api.PurchaseListDetailSerializer
    ),
)
class PurchaseListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.PurchaseListSerializer
    filterset_class = PurchaseListApiFilter
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": [api_permissions.IsPurchaser],
        "publish": [api_permissions.IsPurchaser, api_permissions.CanEditPurchaseList],
        "items": [api_permissions.IsPurchaser, api_permissions.CanEditPurchaseList],
    }

    def get_queryset(self):
        return contract_selectors.purchase_list_list(user=self.request.user)

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        try:
            purchase_list = contract_selectors.purchase_list_get(pk=pk, user=self.request.user)
        except PurchaseList.DoesNotExist:
            raise ApiError.not_found() from None
        data = api.PurchaseListDetailSerializer(purchase_list, context={"request": self.request}).data
        return Response(data, status=code)

    def retrieve(self, request, pk=None):
        return self._detail(int(pk))

    @extend_schema(
        summary=_("新建购买服务目录（草稿）"),
        tags=["contracts"],
        request=api.PurchaseListCreateSerializer,
        responses={201: api.PurchaseListDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = parse(api.PurchaseListCreateSerializer, request)
        purchase_list = call_service(lambda: contract_services.purchase_list_create(actor=request.user, **data))
        return self._detail(purchase_list.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("发布购买服务目录"),
        tags=["contracts"],
        request=api.PurchaseListPublishSerializer,
        responses={200: api.PurchaseListDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = parse(api.PurchaseListPublishSerializer, request)
        purchase_list = self.get_object()
        call_service(
            lambda: contract_services.purchase_list_publish(
                actor=request.user, purchase_list=PurchaseList.objects.get(pk=purchase_list.pk), **data
            )
        )
        return self._detail(purchase_list.pk)

    @extend_schema(
        summary=_("向草稿目录添加项目"),
        tags=["contracts"],
        request=api.PurchaseItemCreateSerializer,
        responses={201: api.PurchaseListDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        data = parse(api.PurchaseItemCreateSerializer, request)
        purchase_list = self.get_object()
        call_service(
            lambda: contract_services.purchase_item_add(
                actor=request.user, purchase_list=PurchaseList.objects.get(pk=purchase_list.pk), **data
            )
        )
        return self._detail(purchase_list.pk, status.HTTP_201_CREATED)


# --- contracts ---------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("合同（已签订及以后；购买主体人员另见本辖区草稿）"), tags=["contracts"]),
    retrieve=extend_schema(
        summary=_("合同详情：履约事项、付款、变更、可下载的文件"),
        tags=["contracts"],
        responses=api.ContractDetailSerializer,
    ),
)
class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.ContractSerializer
    filterset_class = ContractApiFilter
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    manager = [api_permissions.IsPurchaser, api_permissions.CanManageContract]
    action_permissions = {
        "create": [api_permissions.IsPurchaser],
        "sign": manager,
        "deliverables": manager,
        "payments": [api_permissions.IsPurchaser, api_permissions.CanRecordPayment],
    }

    def get_queryset(self):
        return contract_selectors.contract_list_for(user=self.request.user)

    def _detail(self, number: str, code: int = status.HTTP_200_OK) -> Response:
        try:
            contract = contract_selectors.contract_get_by_number(number=number, user=self.request.user)
        except Contract.DoesNotExist:
            raise ApiError.not_found(_("没有该编号的合同。")) from None
        return Response(api.ContractDetailSerializer(contract, context={"request": self.request}).data, status=code)

    def _fresh(self, contract: Contract) -> Contract:
        return Contract.objects.select_related("department__region", "organization", "purchase_item").get(
            pk=contract.pk
        )

    def retrieve(self, request, number=None):
        return self._detail(number)

    @extend_schema(
        summary=_("登记合同（草稿）"),
        tags=["contracts"],
        request=api.ContractCreateSerializer,
        responses={201: api.ContractDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = parse(api.ContractCreateSerializer, request)
        contract = call_service(lambda: contract_services.contract_create(actor=request.user, **data))
        return self._detail(contract.number, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("签订合同（草稿 → 已签订，公开）"),
        tags=["contracts"],
        request=api.ContractSignSerializer,
        responses={200: api.ContractDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, number=None):
        data = parse(api.ContractSignSerializer, request)
        contract = self.get_object()
        call_service(
            lambda: contract_services.contract_sign(actor=request.user, contract=self._fresh(contract), **data)
        )
        return self._detail(contract.number)

    @extend_schema(
        summary=_("为草稿合同添加履约事项"),
        tags=["contracts"],
        request=api.DeliverableCreateSerializer,
        responses={201: api.ContractDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def deliverables(self, request, number=None):
        data = parse(api.DeliverableCreateSerializer, request)
        contract = self.get_object()
        call_service(
            lambda: contract_services.deliverable_add(actor=request.user, contract=self._fresh(contract), **data)
        )
        return self._detail(contract.number, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("登记付款"),
        tags=["contracts"],
        request=api.PaymentCreateSerializer,
        responses={201: api.ContractDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def payments(self, request, number=None):
        data = parse(api.PaymentCreateSerializer, request)
        contract = self.get_object()
        deliverable = None
        if data["deliverable"] is not None:
            deliverable = Deliverable.objects.filter(contract=contract, pk=data["deliverable"]).first()
            if deliverable is None:
                raise ApiError.invalid({"deliverable": [str(_("该合同没有这一履约事项。"))]})
        call_service(
            lambda: contract_services.payment_record(
                actor=request.user,
                contract=self._fresh(contract),
                amount=data["amount"],
                paid_on=data["paid_on"],
                deliverable=Deliverable.objects.get(pk=deliverable.pk) if deliverable else None,
                note=data["note"],
            )
        )
        return self._detail(contract.number, status.HTTP_201_CREATED)


# --- deliverables ------------------------------------------------------------------------------------------------


@extend_schema_view(retrieve=extend_schema(summary=_("履约事项"), tags=["contracts"]))
class DeliverableViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.DeliverableSerializer
    lookup_value_regex = r"\d+"
    decider = [api_permissions.IsPurchaser, api_permissions.CanDecideDeliverable]
    action_permissions = {"accept": decider, "return_": decider}

    def get_queryset(self):
        visible = contract_selectors.contract_list_for(user=self.request.user).values("pk")
        return contract_selectors.annotate_overdue(
            Deliverable.objects.filter(contract__in=visible).select_related("contract__department__region")
        )

    def _decide(self, request, service, comment: str) -> Response:
        deliverable = self.get_object()

        def decide():
            submission = (
                Submission.objects.select_related("deliverable__contract__department__region")
                .filter(deliverable_id=deliverable.pk, decision__isnull=True)
                .first()
            )
            if submission is None:
                raise ApiError.lazy(
                    status_code=status.HTTP_400_BAD_REQUEST,
                    code="invalid",
                    message=_("该履约事项没有等待验收的提交。"),
                )
            return service(actor=request.user, submission=submission, comment=comment)

        call_service(decide)
        fresh = self.get_queryset().get(pk=deliverable.pk)
        return Response(api.DeliverableSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        summary=_("验收通过该履约事项的待验收提交"),
        tags=["contracts"],
        request=api.DecisionSerializer,
        responses={200: api.DeliverableSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = parse(api.DecisionSerializer, request)
        return self._decide(request, contract_services.deliverable_accept, data["comment"])

    @extend_schema(
        summary=_("退回该履约事项的待验收提交（须写明意见）"),
        tags=["contracts"],
        request=api.DecisionSerializer,
        responses={200: api.DeliverableSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        data = parse(api.DecisionSerializer, request)
        return self._decide(request, contract_services.deliverable_return, data["comment"])


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
        evaluation = self.get_queryset().filter(pk=int(pk)).first()
        if evaluation is None:
            raise ApiError.not_found()
        results = evaluation_selectors.evaluation_results(evaluation, user=request.user)
        return Response(api.evaluation_detail_data(results, {"request": request}))


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
        client = BaseThrottle().get_ident(request)
        complaint = call_service(lambda: supervision_services.complaint_file(client_key=client, **data))
        status_data = supervision_selectors.complaint_lookup(tracking_code=complaint.tracking_code)
        return Response(api.ComplaintStatusSerializer(status_data).data, status=status.HTTP_201_CREATED)


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


# --- tokens ------------------------------------------------------------------------------------------------------


@extend_schema_view(post=extend_schema(summary=_("以用户名和密码换取接口令牌"), tags=["auth"]))
class TokenView(ObtainAuthToken):
    """Exchange a user name and password for the user's API token (`Authorization: Token <key>`)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
