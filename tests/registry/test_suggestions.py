"""The organization type-ahead: suggestions by name, code, pinyin or initials, and the field that takes a
suggestion, a code or a unique name."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registry.forms import OrganizationLookupField
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = reverse("registry:organization-suggestions")


def options(client, **params) -> str:
    return client.get(URL, params).content.decode()


def test_suggestions_by_name_code_and_pinyin():
    wanted = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    OrganizationFactory(name="包头市青山区社会工作者协会")
    client = Client()
    label = f"{wanted.name}（{wanted.uscc}）"
    assert label in options(client, organization="阳光")
    assert label in options(client, organization=wanted.uscc[:12].lower())
    assert label in options(client, organization="ygshgz")
    assert label in options(client, supplier="yangguang")  # any field name
    assert "包头市" not in options(client, organization="阳光")
    assert options(client, organization=" ").strip() == ""


def test_field_takes_a_suggestion_a_code_or_a_unique_name():
    wanted = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    OrganizationFactory(name="呼和浩特市赛罕区阳光助老服务中心")
    field = OrganizationLookupField()
    assert field.clean(f"{wanted.name}（{wanted.uscc}）") == wanted
    assert field.clean(wanted.uscc.lower()) == wanted
    assert field.clean("阳光社会工作") == wanted
    with pytest.raises(ValidationError) as error:
        field.clean("赛罕 阳光")
    assert error.value.code == "ambiguous"
    with pytest.raises(ValidationError) as error:
        field.clean("不存在的组织")
    assert error.value.code == "unknown"
