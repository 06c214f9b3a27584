"""What every API serializer shares: money fields, the request's user, error bodies, references to regions,
departments and organizations."""

from __future__ import annotations

import copy
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from core.choices import label_of
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


# --- reading ---------------------------------------------------------------------------------------------------------

_MISSING = object()
_DISPLAY = re.compile(r"get_(\w+)_display")


class ReadFast:
    """A serializer's `to_representation` as DRF's, field by field the same values, with less done per row: the
    fields are built once per class, the readable ones and how each reads its attribute worked out once per
    serializer (a list's child serves every row of the page); a field whose source is one plain attribute reads it
    with `getattr`, and a choice's label (`source="get_status_display"`) comes from the choices looked up once
    (`core.choices.label_of`). Whatever else — a path, `source="*"`, a related field, a method, a missing attribute,
    a value that is callable — is read by the field's own `get_attribute`, as DRF reads it. A mixin before
    `serializers.ModelSerializer`."""

    def get_fields(self):
        """The serializer's fields as `ModelSerializer.get_fields` builds them from the model and Meta (the same for
        every instance of the class), built once per class and copied as DRF copies declared fields."""
        cls = type(self)
        built = cls.__dict__.get("_qiyue_fields")
        if built is None:
            built = super().get_fields()
            cls._qiyue_fields = copy.deepcopy(built)
            return built
        return copy.deepcopy(built)

    def _read_plan(self) -> list[tuple]:
        plan = self.__dict__.get("_qiyue_read_plan")
        if plan is not None:
            return plan
        model = getattr(getattr(self, "Meta", None), "model", None)
        plan = []
        for field in self._readable_fields:
            attr, label = None, None
            if type(field).get_attribute is serializers.Field.get_attribute and len(field.source_attrs) == 1:
                attr = field.source_attrs[0]
                display = _DISPLAY.fullmatch(attr)
                if display is not None and model is not None:
                    label = label_of(model, display.group(1))
                    attr = None
            plan.append((field.field_name, field, attr, label, field.to_representation))
        self.__dict__["_qiyue_read_plan"] = plan
        return plan

    def to_representation(self, instance):
        ret = {}
        model = getattr(getattr(self, "Meta", None), "model", None)
        exact = model is not None and type(instance) is model
        for name, field, attr, label, represent in self._read_plan():
            attribute = _MISSING
            if exact and label is not None:
                attribute = label(instance)
            elif attr is not None:
                attribute = getattr(instance, attr, _MISSING)
                if callable(attribute):
                    attribute = _MISSING
            if attribute is _MISSING:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else represent(attribute)
        return ret


# --- references -----------------------------------------------------------------------------------------------------


class RegionSerializer(ReadFast, serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class DepartmentRefSerializer(ReadFast, serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class OrganizationRefSerializer(ReadFast, serializers.ModelSerializer):
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
