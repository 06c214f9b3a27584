"""The columns a list page leaves unread (the API's `unshown_columns`, the tables' `unshown_columns`): the rows'
query does not read them, and the answer is the one of rows read whole."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from api import serializers as api
from contracts.models import Contract
from contracts.selectors import contract_facts
from registry.models import Organization
from registry.selectors import organization_facts
from tests.factories import (
    CreditListingFactory,
    DeliverableFactory,
    OrganizationFactory,
    PaymentFactory,
    RatingFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def rows_query(queries, table: str) -> str:
    """The query that read the page's rows: the widest SELECT of `table`."""
    selects = [
        query["sql"] for query in queries if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]
    ]
    return max(selects, key=len)


def whole(serializer_class, instances, user):
    """What the list serializer writes for rows read with every column."""
    request = RequestFactory().get("/api/v1/")
    request.user = user
    return [serializer_class(instance, context={"request": request}).data for instance in instances]


def organizations():
    made = [
        OrganizationFactory(region=region("150102"), business_scope="养老服务、社区服务"),
        OrganizationFactory(region=region("150202"), supervisory_unit="", domicile="包头市昆都仑区钢铁大街 1 号"),
    ]
    RatingFactory(organization=made[0], awarded_on=datetime.date.today() - datetime.timedelta(days=10))
    CreditListingFactory(organization=made[1])
    return made


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_api_organization_list_leaves_the_search_columns_unread(signed_in):
    made = organizations()
    user = RegistrarFactory(department__region=region("150000")) if signed_in else None
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/organizations/")
    assert response.status_code == 200
    sql = rows_query(queries, "registry_organization")
    for column in ("search_document", "search_tokens", "former_names_text", "created_at", "updated_at"):
        assert f'"registry_organization"."{column}"' not in sql
    assert '"registry_organization"."business_scope"' in sql  # shown: read

    read_whole = organization_facts(list(Organization.objects.filter(pk__in=[o.pk for o in made]).order_by("pk")))
    expected = whole(api.OrganizationSerializer, read_whole, user or AnonymousUser())
    got = sorted(response.json()["results"], key=lambda row: row["uscc"])
    expected = sorted(json.loads(json.dumps(expected, default=str)), key=lambda row: row["uscc"])
    assert got == expected


def test_the_api_contract_list_leaves_the_timestamps_unread():
    contract = SignedContractFactory(status=Contract.Status.PERFORMING)
    DeliverableFactory(contract=contract, due_on=datetime.date(2020, 1, 1))
    PaymentFactory(contract=contract, amount=Decimal("12.50"))
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/contracts/")
    assert response.status_code == 200
    sql = rows_query(queries, "contracts_contract")
    for column in ("created_at", "updated_at"):
        assert f'"contracts_contract"."{column}"' not in sql
        assert f'"registry_organization"."{column}"' not in sql
    read_whole = contract_facts([Contract.objects.select_related("department__region", "organization").get()])
    expected = json.loads(json.dumps(whole(api.ContractSerializer, read_whole, AnonymousUser()), default=str))
    got = response.json()["results"]
    assert got == expected


def test_the_directory_page_leaves_the_search_columns_unread(client):
    organizations()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:organization-list"))
    assert response.status_code == 200
    sql = rows_query(queries, "registry_organization")
    for column in ("search_document", "search_tokens", "business_scope", "created_at", "updated_at"):
        assert f'"registry_organization"."{column}"' not in sql
    assert "养老服务" not in response.content.decode()  # the business scope is not a column of the directory
