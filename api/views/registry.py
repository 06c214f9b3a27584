"""Organizations and credit listings."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import permissions as api_permissions
from api import serializers as api
from api.exceptions import ApiError, call_service
from api.filters import (
    CreditListingApiFilter,
    OrganizationApiFilter,
)
from api.views.common import ERRORS, ApiViewSet, parse
from registry import selectors as registry_selectors
from registry import services as registry_services
from registry.access import access_credit_listing_for_manage, access_organization_for_manage
from registry.models import CreditListing, Organization, Penalty, Rating
from registry.uscc import normalize_uscc

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
    page_facts = staticmethod(registry_selectors.organization_facts)
    unshown_columns = ("search_document", "search_tokens", "former_names_text", "created_at", "updated_at")
    lookup_field = "uscc"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {
        "create": [api_permissions.IsRegistrar],
        "partial_update": [api_permissions.IsRegistrarOrMember],
    }

    def get_queryset(self):
        queryset = registry_selectors.organization_list(user=self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "former_names",
                Prefetch("ratings", queryset=Rating.objects.select_related("awarding_authority")),
                "inspections",
                Prefetch(
                    "credit_listings",
                    queryset=CreditListing.objects.select_related("organization", "deciding_authority", "removed_by"),
                ),
                Prefetch("penalties", queryset=Penalty.objects.select_related("organization", "authority")),
                "annual_reports",
            )
        return queryset

    def get_object(self) -> Organization:
        organization = self.get_queryset().filter(uscc=normalize_uscc(self.kwargs["uscc"])).first()
        if organization is None:
            raise ApiError.not_found(_("没有该统一社会信用代码的社会组织。"))
        self.check_object_permissions(self.request, organization)
        return registry_selectors.organization_facts([organization])[0]

    def get_serializer_class(self):
        return api.OrganizationDetailSerializer if self.action != "list" else api.OrganizationSerializer

    def _detail(self, uscc: str, *, created: bool = False) -> Response:
        organization = registry_selectors.organization_facts([self.get_queryset().get(uscc=uscc)])[0]
        data = api.OrganizationDetailSerializer(organization, context={"request": self.request})
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
        organization = access_organization_for_manage(request.user, uscc, members_may_use=True)
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
        "remove": [api_permissions.IsRegistrar],
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
        listing = self.get_object()
        access_credit_listing_for_manage(request.user, listing.organization.uscc, listing.pk)
        data = parse(api.CreditListingRemoveSerializer, request)
        call_service(
            lambda: registry_services.credit_listing_remove(
                actor=request.user, listing=self.get_queryset().get(pk=listing.pk), **data
            )
        )
        return self._answer(listing.pk)


# --- administrative penalties ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("行政处罚"), tags=["registry"]),
    retrieve=extend_schema(summary=_("行政处罚详情"), tags=["registry"]),
)
class PenaltyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Administrative penalties are public, as on the national platform; registrars record them."""

    serializer_class = api.PenaltySerializer
    lookup_value_regex = r"\d+"
    action_permissions = {"create": [api_permissions.IsRegistrar]}

    def get_queryset(self):
        queryset = Penalty.objects.select_related("organization", "authority").order_by("-decided_on", "-pk")
        uscc = self.request.query_params.get("organization")
        if uscc:
            queryset = queryset.filter(organization__uscc=normalize_uscc(uscc))
        return queryset

    @extend_schema(
        summary=_("登记行政处罚"),
        tags=["registry"],
        request=api.PenaltyCreateSerializer,
        responses={201: api.PenaltySerializer, **ERRORS},
    )
    def create(self, request):
        data = parse(api.PenaltyCreateSerializer, request)
        penalty = call_service(lambda: registry_services.penalty_record(actor=request.user, **data))
        answer = api.PenaltySerializer(self.get_queryset().get(pk=penalty.pk), context={"request": request})
        return Response(answer.data, status=status.HTTP_201_CREATED)
