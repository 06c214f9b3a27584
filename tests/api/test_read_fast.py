"""api.serializers.ReadFast: the list serializers' rows are, field for field, what DRF's own to_representation gives,
and the API lists' answers are the same bytes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation
from rest_framework import serializers

from api import serializers as api
from api.serializers.common import ReadFast
from contracts.models import Contract
from contracts.selectors import contract_facts, contract_list_for
from registry.models import Organization
from registry.selectors import organization_facts, organization_list
from tests.factories import (
    ContractFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def drf_rows(serializer, instances) -> list[dict]:
    """What DRF's ModelSerializer writes for each instance, nested serializers included (DRF's way all down)."""

    def plain(field, value):
        if isinstance(field, ReadFast):
            return None if value is None else serializers.ModelSerializer.to_representation(field, value)
        return field.to_representation(value)

    rows = []
    for instance in instances:
        row = {}
        for field in serializer._readable_fields:
            try:
                attribute = field.get_attribute(instance)
            except serializers.SkipField:
                continue
            row[field.field_name] = None if attribute is None else plain(field, attribute)
        rows.append(row)
    return rows


def request_as(user):
    request = RequestFactory().get("/api/v1/organizations/")
    request.user = user
    return request


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_organizations_as_drf_writes_them(language):
    OrganizationFactory(region=region("150102"), org_type=Organization.Type.SERVICE)
    OrganizationFactory(region=region("150202"), org_type=Organization.Type.FOUNDATION, supervisory_unit="")
    member = OrganizationMemberFactory(organization=OrganizationFactory(region=region("150102")))
    for user in (AnonymousUser(), RegistrarFactory(), member):
        instances = organization_facts(list(organization_list(user=user).order_by("pk")))
        with translation.override(language):
            serializer = api.OrganizationSerializer(instances, many=True, context={"request": request_as(user)})
            fast = serializer.data
            assert [dict(row) for row in fast] == drf_rows(serializer.child, instances)
            contacts = {row["uscc"]: row["contact"] for row in fast}
            if user == member:
                assert contacts[member.organization.uscc] is not None
            elif not user.is_authenticated:
                assert set(contacts.values()) == {None}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_contracts_as_drf_writes_them(language):
    SignedContractFactory()
    ContractFactory(purchase_item=None)  # a draft without a purchase item: nulls
    instances = contract_facts(list(contract_list_for(user=None, figures=False).order_by("pk")))
    assert any(contract.purchase_item_id is None for contract in instances)
    with translation.override(language):
        serializer = api.ContractSerializer(instances, many=True, context={"request": request_as(AnonymousUser())})
        rows = [dict(row) for row in serializer.data]
        assert rows == drf_rows(serializer.child, instances)
        labels = {row["status_label"] for row in rows}
        assert labels == {str(Contract.Status(c.status).label) for c in instances}


def test_a_missing_or_callable_attribute_takes_drfs_way():
    class Names(ReadFast, serializers.ModelSerializer):
        region_str = serializers.CharField(source="region.__str__", read_only=True)  # a path ending in a method
        missing = serializers.CharField(read_only=True, required=False)
        region_name = serializers.CharField(source="region.name", read_only=True)
        str_of = serializers.CharField(source="__str__", read_only=True)  # a callable

        class Meta:
            model = Organization
            fields = ["name", "region_str", "missing", "region_name", "str_of", "status"]

    organization = OrganizationFactory(name="阳光社工")
    serializer = Names(organization)
    assert serializer.data == {
        "name": "阳光社工",
        "region_str": organization.region.name,
        "region_name": organization.region.name,
        "str_of": "阳光社工",
        "status": organization.status,
    }
    assert dict(serializer.data) == drf_rows(serializer, [organization])[0]


def test_the_fields_are_built_once_per_class_and_each_serializer_gets_its_own():
    first, second = api.OrganizationSerializer(), api.OrganizationSerializer()
    fresh = serializers.ModelSerializer.get_fields(api.OrganizationSerializer())
    assert list(first.fields) == list(second.fields) == list(fresh)
    for name, field in first.fields.items():
        assert type(field) is type(fresh[name]), name
        assert field._kwargs == fresh[name]._kwargs, name
        assert field is not second.fields[name] and field.parent is first and second.fields[name].parent is second
    assert "_qiyue_fields" in api.OrganizationSerializer.__dict__
    assert "_qiyue_fields" not in serializers.ModelSerializer.__dict__
