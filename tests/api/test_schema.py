"""The OpenAPI schema is generated without a warning, and the documentation pages load nothing from a CDN."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_schema_generates_without_warnings_or_errors():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, f"schema generation reported: {GENERATOR_STATS}"
    validate_schema(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/organizations/",
        "/api/v1/organizations/{uscc}/",
        "/api/v1/credit-listings/{id}/remove/",
        "/api/v1/penalties/",
        "/api/v1/purchase-lists/{id}/publish/",
        "/api/v1/contracts/{number}/sign/",
        "/api/v1/contracts/{number}/payments/",
        "/api/v1/deliverables/{id}/accept/",
        "/api/v1/evaluations/{id}/",
        "/api/v1/complaints/",
        "/api/v1/complaints/{tracking_code}/",
        "/api/v1/ocds/releases/",
        "/contracts/{number}/ocds.json",
    ):
        assert path in paths
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)


@pytest.mark.django_db
def test_spectacular_command_fails_on_no_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8").startswith("openapi:")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_load_assets_from_this_site_only(url):
    response = APIClient().get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert sources, html
    assert all(not source.startswith(("http:", "https:", "//")) for source in sources), sources
    assert "drf_spectacular_sidecar" in html


@pytest.mark.django_db
def test_schema_endpoint_serves_openapi():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Qiyue API"
