"""`{% list_table %}` renders a list page's table in the page's own context: the context processors run once per page,
not again for the table (django-tables2's `{% render_table %}` renders its template with a new RequestContext)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test.utils import override_settings

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def counted(request) -> dict:
    CALLS.append(request.path)
    return {}


def with_counted_processor():
    engine = dict(settings.TEMPLATES[0])
    options = dict(engine["OPTIONS"])
    options["context_processors"] = [*options["context_processors"], f"{__name__}.counted"]
    return override_settings(TEMPLATES=[{**engine, "OPTIONS": options}])


@pytest.mark.parametrize("url", ["/organizations/", "/contracts/", "/evaluations/", "/credit-listings/"])
def test_a_list_page_runs_the_context_processors_once(client, url):
    organization = OrganizationFactory(name="呼和浩特市赛罕区阳光社会工作服务中心")
    CALLS.clear()
    with with_counted_processor():
        response = client.get(url)
    assert response.status_code == 200
    assert CALLS == [url]
    if url == "/organizations/":
        assert organization.name in response.content.decode()  # the table is there, with its rows
