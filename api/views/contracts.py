"""Purchase lists, contracts and deliverables: reads, and every write through the contracts services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import permissions as api_permissions
from api import serializers as api
from api.exceptions import ApiError, call_service
from api.filters import (
    ContractApiFilter,
    PurchaseListApiFilter,
)
from api.views.common import ERRORS, ApiViewSet, parse
from contracts import selectors as contract_selectors
from contracts import services as contract_services
from contracts.access import access_contract_for_manage, access_deliverable_for_manage, access_purchase_list_for_manage
from contracts.models import Contract, Deliverable, PurchaseList, Submission

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
    page_facts = staticmethod(contract_selectors.purchase_list_facts)
    lookup_value_regex = r"\d+"
    action_permissions = {
        "create": [api_permissions.IsPurchaser],
        "publish": [api_permissions.IsPurchaser],
        "items": [api_permissions.IsPurchaser],
    }

    def get_queryset(self):
        return contract_selectors.purchase_list_list(user=self.request.user, figures=self.action != "list")

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
        purchase_list = access_purchase_list_for_manage(request.user, int(pk))
        data = parse(api.PurchaseListPublishSerializer, request)
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
        purchase_list = access_purchase_list_for_manage(request.user, int(pk))
        data = parse(api.PurchaseItemCreateSerializer, request)
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
    page_facts = staticmethod(contract_selectors.contract_facts)
    unshown_columns = (
        "created_at",
        "updated_at",
        "organization__business_scope",
        "organization__former_names_text",
        "organization__created_at",
        "organization__updated_at",
    )
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    manager = [api_permissions.IsPurchaser]
    action_permissions = {
        "create": [api_permissions.IsPurchaser],
        "sign": manager,
        "deliverables": manager,
        "payments": [api_permissions.IsPurchaser],
    }

    def get_queryset(self):
        return contract_selectors.contract_list_for(user=self.request.user, figures=self.action != "list")

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
        contract = access_contract_for_manage(request.user, number)
        data = parse(api.ContractSignSerializer, request)
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
        contract = access_contract_for_manage(request.user, number)
        data = parse(api.DeliverableCreateSerializer, request)
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
        contract = access_contract_for_manage(request.user, number)
        data = parse(api.PaymentCreateSerializer, request)
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
    decider = [api_permissions.IsPurchaser]
    action_permissions = {"accept": decider, "return_": decider}

    def get_queryset(self):
        visible = contract_selectors.contract_list_for(user=self.request.user).values("pk")
        return contract_selectors.annotate_overdue(
            Deliverable.objects.filter(contract__in=visible).select_related("contract__department__region")
        )

    def _decide(self, request, service, comment: str, **extra) -> Response:
        deliverable = access_deliverable_for_manage(request.user, int(self.kwargs["pk"]))

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
            return service(actor=request.user, submission=submission, comment=comment, **extra)

        call_service(decide)
        fresh = self.get_queryset().get(pk=deliverable.pk)
        return Response(api.DeliverableSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        summary=_("验收通过该履约事项的待验收提交"),
        tags=["contracts"],
        request=api.AcceptanceSerializer,
        responses={200: api.DeliverableSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = parse(api.AcceptanceSerializer, request)
        return self._decide(
            request, contract_services.deliverable_accept, data["comment"], accepted_on=data["accepted_on"]
        )

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
