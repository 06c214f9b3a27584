"""What every API view shares: the error responses of the schema, input parsing, the base viewset."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, viewsets

from api import serializers as api
from api.filters import (
    FilterBackend,
)
from api.pagination import KeysetApiPagination

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
    pagination_class = KeysetApiPagination
    # Per action: the permission classes that apply (reads are public unless stated).
    action_permissions: dict[str, list] = {}
    # A selector that sets a page's figures on its records with one query (core.tables), called on each list page.
    page_facts = None
    # Columns of the list's rows (and of their joined relations) that its serializer never reads: left unread on a
    # list page.
    unshown_columns: tuple[str, ...] = ()

    def paginate_queryset(self, queryset):
        if self.unshown_columns and isinstance(queryset, QuerySet):
            queryset = queryset.defer(*self.unshown_columns)
        page = super().paginate_queryset(queryset)
        facts = type(self).page_facts
        if page is not None and facts is not None:
            facts(page)
        return page

    def get_permissions(self):
        classes = self.action_permissions.get(self.action, [])
        return [permission() for permission in classes]
