"""What every API serializer shares: money fields, the request's user, error bodies, references to regions,
departments and organizations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.models import Department, Organization, Region
from registry.uscc import normalize_uscc

MONEY = {"max_digits": 14, "decimal_places": 2}


def request_user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def absolute_url(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- errors ---------------------------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("错误类别：invalid、not_authenticated、permission_denied、not_found 等"))
    message = serializers.CharField(help_text=_("请求语言（Accept-Language）的说明"))
    message_zh = serializers.CharField()
    message_en = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=_("各输入字段的错误说明")
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    error = ErrorDetailSerializer()


# --- references -----------------------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["uscc", "name"]


class UsccRelatedField(serializers.SlugRelatedField):
    """An organization named by its unified social credit code (spaces, full-width and lower case accepted)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.all())
        super().__init__(slug_field="uscc", **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(normalize_uscc(str(data)) if isinstance(data, str) else data)


def region_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), **kwargs)


def department_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), **kwargs)
