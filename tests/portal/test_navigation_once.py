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
