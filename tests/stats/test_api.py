"""`/api/v1/statistics/`: the page's figures as JSON, with the same filters, disclosure and scoping, in the schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import RegistrarFactory, region

pytestmark = pytest.mark.django_db

URL = "/api/v1/statistics/"


def test_figures_by_region_and_total(world):
    body = APIClient().get(URL, {"year": 2026}).json()
    assert body["region"] == "150000" and body["year"] == 2026 and body["dimension"] == "region"
    rows = {row["key"]: row for row in body["rows"]}
    assert rows["150100"]["values"]["contracts_signed"] == 3
    assert rows["150100"]["values"]["contract_amount"] == "350000.00"
    assert body["total"]["values"]["contract_amount"] == "650000.00"
    assert "inspections" not in body["total"]["values"]
    assert {measure["key"] for measure in body["measures"]} >= {"contracts_signed", "grade_poor", "paid"}


@pytest.mark.parametrize("by", ["year", "department", "category", "org_type"])
def test_dimensions_and_filters(world, by):
    body = APIClient().get(URL, {"year": 2026, "by": by, "region": "150100"}).json()
    assert body["dimension"] == by
    total = body["total"]["values"]
    assert sum(row["values"]["contracts_signed"] or 0 for row in body["rows"]) == total["contracts_signed"]


def test_filter_by_category_and_department(world):
    body = APIClient().get(URL, {"year": 2026, "category": "technical"}).json()
    assert body["total"]["values"]["contracts_signed"] == 1
    body = APIClient().get(URL, {"year": 2026, "department": world["hohhot_dept"].pk}).json()
    assert body["total"]["values"]["contract_amount"] == "200000.00"


def test_bad_parameters(world):
    client = APIClient()
    assert client.get(URL, {"region": "110000"}).status_code == 404
    assert client.get(URL, {"by": "colour"}).status_code == 404


def test_officials_in_scope_get_supervision_measures(world):
    client = APIClient()
    client.force_authenticate(RegistrarFactory(department__region=region("150100")))
    body = client.get(URL, {"year": 2026, "region": "150100"}).json()
    assert body["detailed"] is True and body["total"]["values"]["inspections"] == 1


def test_documented_in_the_schema(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"region", "year", "by", "category"}
    assert "200" in operation["responses"]
