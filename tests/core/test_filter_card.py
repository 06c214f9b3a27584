"""The filter card of the list pages is kept between writes ({% remembered %}, core.pagecache.fragment) per path and
query string, user, language and day: every visitor sees the card they would see without it, and a committed write
shows on the next request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from registry.models import Organization
from tests.factories import DepartmentFactory, InspectionFactory, OrganizationFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
CARD = re.compile(r'<form method="get".*?</form>', re.DOTALL)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub("token", response.content.decode())


def card(html: str) -> str:
    return CARD.search(html).group(0)


def uncached(settings, client: Client, url: str) -> str:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    try:
        return page(client, url)
    finally:
        settings.PUBLIC_PAGE_CACHE_SECONDS = 600


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_card_reads_as_rendered(settings):
    OrganizationFactory(region=region("150102"))
    InspectionFactory(organization=OrganizationFactory(region=region("150203")))
    hohhot = signed_in(RegistrarFactory(department=DepartmentFactory(region=region("150100"))))
    baotou = signed_in(RegistrarFactory(department=DepartmentFactory(region=region("150200"))))
    for client, url in [
        (hohhot, "/organizations/?q=%E9%98%B3%E5%85%89&org_type=social_service&region=150100"),
        (hohhot, "/organizations/?q=%E9%98%B3%E5%85%89&org_type=social_service&region=150100"),
        (Client(), "/contracts/?year=2026"),
        (hohhot, "/supervision/inspections/?region=150102"),
        (baotou, "/supervision/inspections/?region=150102"),
        (baotou, "/supervision/inspections/?region=150102"),
    ]:
        assert page(client, url) == uncached(settings, client, url)


def test_each_query_string_has_its_card():
    client = signed_in(RegistrarFactory())
    assert 'value="阳光"' in card(page(client, "/organizations/?q=阳光"))
    other = card(page(client, "/organizations/?q=夕阳红"))
    assert 'value="夕阳红"' in other and '阳光"' not in other


COUNTED = Template(
    '{% load core_tags %}{% remembered "test" part %}{{ organizations.count }} {{ request.user.pk }}{% endremembered %}'
)


def counted(user, path: str = "/organizations/", part: str = "a") -> tuple[str, int]:
    request = RequestFactory().get(path)
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        text = COUNTED.render(RequestContext(request, {"organizations": Organization.objects.all(), "part": part}))
    return text, sum("registry_organization" in query["sql"] for query in queries)


def settled() -> None:
    """What the test wrote so far counts as committed (the test's own transaction never commits)."""
    connection.run_on_commit.clear()


def test_a_piece_is_kept_until_a_committed_write(committed):
    OrganizationFactory()
    settled()
    user = AnonymousUser()
    assert counted(user) == ("1 None", 1)
    assert counted(user) == ("1 None", 0)  # read back
    with committed():
        OrganizationFactory()
    settled()
    assert counted(user) == ("2 None", 1)
    assert counted(user) == ("2 None", 0)


def test_a_piece_is_kept_per_user_path_query_and_part():
    OrganizationFactory()
    first, second = RegistrarFactory(), RegistrarFactory()
    settled()
    assert counted(first) == (f"1 {first.pk}", 1)
    assert counted(second) == (f"1 {second.pk}", 1)
    assert counted(first, "/contracts/") == (f"1 {first.pk}", 1)
    assert counted(first, "/organizations/?q=x") == (f"1 {first.pk}", 1)
    assert counted(first, part="b") == (f"1 {first.pk}", 1)
    assert counted(first) == (f"1 {first.pk}", 0)


def test_nothing_is_kept_with_the_page_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    OrganizationFactory()
    assert counted(AnonymousUser()) == ("1 None", 1)
    assert counted(AnonymousUser()) == ("1 None", 1)
