"""The URL × principal matrix: every URL pattern from the resolver, the requests made as each principal, and how a
response is judged.

A response is one of: `ok` (2xx), `moved` (a redirect elsewhere than the login page), `invalid` (400: past the
permission check, refused for its content), `login` (sent to log in), `denied` (401, 403, 404, 405 or 429) or `error`
(5xx, always a failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

OK, MOVED, INVALID, LOGIN, DENIED, ERROR = "ok", "moved", "invalid", "login", "denied", "error"
# INVALID (400): the request got past the permission check and was refused for its content.
ALLOWED_OUTCOMES = {OK, MOVED, INVALID}
REFUSED_OUTCOMES = {LOGIN, DENIED}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name ("contracts:contract-detail"); unnamed routes are keyed by their pattern
    pattern: str  # the full pattern, as written in the URLconfs

    @property
    def is_format_suffix(self) -> bool:
        """DRF's `.json`-style duplicates of a route (answered by the same view as the route itself)."""
        return "(?P<format>" in self.pattern or "<drf_format_suffix:format>" in self.pattern


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                name = pattern
            yield Route(name=name, pattern=pattern)


def all_routes() -> list[Route]:
    """Every route the resolver knows, in URLconf order."""
    return list(_walk(get_resolver().url_patterns))


def classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return ERROR
    if 300 <= status < 400:
        location = response.get("Location", "")
        login = settings.LOGIN_URL if settings.LOGIN_URL.startswith("/") else "/accounts/login/"
        return LOGIN if location.startswith(login) or "/login/" in location else MOVED
    if status in (401, 403, 404, 405, 429):
        return DENIED
    if 200 <= status < 300:
        return OK
    return INVALID if status == 400 else ERROR


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


TEXT_TYPES = re.compile(r"^(text/|application/(json|xml|javascript))")


def text_of(response) -> str:
    """The response's text when it is text (HTML, JSON, CSV); "" for files (PDF, xlsx) and streams."""
    if getattr(response, "streaming", False):
        return ""
    if not TEXT_TYPES.match(response.get("Content-Type", "")):
        return ""
    return response.content.decode("utf-8", errors="replace")
