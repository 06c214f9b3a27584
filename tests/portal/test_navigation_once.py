"""The navigation is made once per request and user, however many templates a page renders with the request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from portal import context_processors
from portal.navigation import items_for
from tests.factories import RegistrarFactory

pytestmark = pytest.mark.django_db


def test_the_second_template_reads_the_first_ones_navigation():
    request = RequestFactory().get("/contracts/")
    request.user = RegistrarFactory()
    first = context_processors.navigation(request)
    assert first == {"nav_main": items_for(request.user, "main"), "nav_work": items_for(request.user, "work")}
    assert first["nav_work"]  # an official's work menu
    assert context_processors.navigation(request) is first


def test_a_user_signed_in_during_the_request_gets_their_own():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    visitor = context_processors.navigation(request)
    assert visitor["nav_work"] == []
    request.user = RegistrarFactory()
    official = context_processors.navigation(request)
    assert official["nav_work"] == items_for(request.user, "work") != []


def test_a_list_page_makes_it_once(client):
    client.force_login(RegistrarFactory())
    calls = []
    original = context_processors.items_for

    def counted(user, section):
        calls.append(section)
        return original(user, section)

    context_processors.items_for = counted
    try:
        assert client.get("/supervision/inspections/").status_code == 200
    finally:
        context_processors.items_for = original
    assert calls == ["main", "work"]


def _bar(html: str, name: str) -> list[tuple[str, str, str]]:
    """(class, href, text) of each link of the `<ul data-nav=name>` of a page."""
    import re

    part = html.split(f'data-nav="{name}"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a class="([^"]*)"(?: aria-current="page")? href="([^"]*)"[^>]*>([^<]*)</a>', part)


def test_the_bar_links_every_item_and_marks_the_page_shown(client):
    page = client.get("/organizations/").content.decode()
    bar = _bar(page, "main")
    assert [(href, text) for _, href, text in bar] == [
        (item["url"], str(item["label"])) for item in items_for(AnonymousUser(), "main")
    ]
    active = [href for classes, href, _ in bar if classes.split() == ["nav-link", "active"]]
    assert active == ["/organizations/"]
    assert all(classes == "nav-link" for classes, href, _ in bar if href != "/organizations/")
    assert page.count('aria-current="page"') == 1
    assert '<a class="nav-link active" aria-current="page" href="/organizations/">' in page
    assert 'class="nav-item"' in page.split('data-nav="main"', 1)[1].split("</ul>", 1)[0]
    assert 'data-testid="work-menu"' not in page  # a visitor has no work menu


def test_the_work_menu_marks_the_page_shown_and_escapes_labels(client, monkeypatch):
    from django.utils.translation import gettext_lazy

    from portal import navigation

    client.force_login(RegistrarFactory())
    marked = navigation.NavItem(gettext_lazy("<待办> & 事项"), "portal:todo", lambda user: True, "work")
    monkeypatch.setattr(navigation, "NAV_ITEMS", [*navigation.NAV_ITEMS, marked])
    page = client.get("/supervision/inspections/").content.decode()
    work = page.split('data-testid="work-items"', 1)[1].split("</ul>", 1)[0]
    assert '<li><a class="dropdown-item active" aria-current="page" href="/supervision/inspections/">' in work
    assert "&lt;待办&gt; &amp; 事项</a>" in work and "<待办>" not in work
    assert work.count(' active"') == 1
