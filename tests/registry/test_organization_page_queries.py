"""The organization page reads its region's parents with the organization (Region.full_name names the region with its
city and province)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OrganizationFactory, region

pytestmark = pytest.mark.django_db


def test_the_region_is_named_in_full_without_a_query_per_parent(client):
    organization = OrganizationFactory(region=region("150102"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:organization-detail", args=[organization.uscc]))
    assert response.status_code == 200
    assert "内蒙古自治区呼和浩特市新城区" in response.content.decode()
    alone = [query["sql"] for query in queries if query["sql"].startswith('SELECT "registry_region"."id"')]
    assert alone == []
