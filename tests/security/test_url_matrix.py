"""The permanent audit: every route the resolver knows × every principal, in and out of region, department,
organization and assignment (tests/security/world.py).

- Every route is declared (tests/security/expectations.py) or listed as unaudited with a reason: a new page without a
  declaration fails here.
- GET: the declared readers are answered, everyone else is sent to log in or refused; no answered page shows a
  non-public record's marker text to a principal who may not read that record.
- POST (and PATCH and DELETE on the API): everyone but the declared writers is refused, and nothing in the database
  changes; the declared writers get past the permission check. Each write runs in a transaction rolled back afterwards.
"""

from __future__ import annotations

import copy

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, transaction
from django.urls import reverse

from tests.security.expectations import EXPECTATIONS, UNAUDITED, reverse_for
from tests.security.matrix import ALLOWED_OUTCOMES, ERROR, REFUSED_OUTCOMES, all_routes, classify, client_for, text_of
from tests.security.world import PRINCIPALS, SECRETS, build_world


def _unaudited_reason(route) -> str | None:
    for prefix, reason in UNAUDITED.items():
        if route.name.startswith(prefix) or route.pattern.startswith(prefix):
            return reason
    return None


@pytest.mark.django_db
def test_every_route_is_declared():
    routes = all_routes()
    undeclared = sorted(
        {
            f"{route.name} ({route.pattern})"
            for route in routes
            if route.name not in EXPECTATIONS and _unaudited_reason(route) is None
        }
    )
    assert not undeclared, (
        "Routes without a declared expectation — add each to tests/security/expectations.py "
        "(who reads it, who writes it): " + "; ".join(undeclared)
    )
    stale = sorted(set(EXPECTATIONS) - {route.name for route in routes})
    assert not stale, f"Declared routes that no longer exist: {stale}"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clients(world):
    return {name: client_for(world.users[name]) for name in PRINCIPALS}


def _declared_routes():
    return [name for name in EXPECTATIONS]


def _leaks(principal: str, text: str) -> list[str]:
    return [marker for marker, readers in SECRETS.items() if principal not in readers and marker in text]


def test_reads_stay_in_scope(world, clients):
    failures = []
    for name in _declared_routes():
        expect = EXPECTATIONS[name]
        url = reverse_for(name, world)
        for principal in PRINCIPALS:
            response = clients[principal].get(url)
            outcome = classify(response)
            if outcome == ERROR:
                failures.append(f"GET {url} as {principal}: {response.status_code}")
                continue
            allowed = principal in expect.read
            if allowed and outcome not in ALLOWED_OUTCOMES:
                failures.append(f"GET {url} ({name}) as {principal}: {response.status_code}, declared readable")
            if not allowed and outcome not in REFUSED_OUTCOMES:
                failures.append(f"GET {url} ({name}) as {principal}: {response.status_code}, declared refused")
            leaked = _leaks(principal, text_of(response))
            if leaked:
                failures.append(f"GET {url} ({name}) as {principal} shows {leaked}")
    assert not failures, "\n".join(failures)


def _database_fingerprint():
    """The number of rows of every table (history included: every historied change adds a row)."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table != "django_session"
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)

    def fingerprint():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return dict(zip(tables, cursor.fetchone(), strict=True))

    return fingerprint


def _methods(name: str, world):
    """POST everywhere; PATCH and DELETE on the API's detail routes (the ones naming a record)."""
    expect = EXPECTATIONS[name]
    yield "post", expect.post
    if name.startswith("api:") and expect.args(world):
        yield "patch", expect.patch
        yield "delete", frozenset()


def test_writes_stay_in_scope(world, clients):
    fingerprint = _database_fingerprint()
    before = fingerprint()  # every request below is rolled back: the database stays as it is now
    failures = []
    for name in _declared_routes():
        url = reverse_for(name, world)
        for method, writers in _methods(name, world):
            for principal in PRINCIPALS:
                client = clients[principal]
                cookies = copy.deepcopy(client.cookies)  # a POST may switch the language or end the session
                with transaction.atomic():
                    call = getattr(client, method)
                    response = call(url, {}, content_type="application/json") if method != "post" else call(url, {})
                    after = fingerprint() if principal not in writers else before
                    transaction.set_rollback(True)
                client.cookies = cookies
                outcome = classify(response)
                label = f"{method.upper()} {url} ({name}) as {principal}: {response.status_code}"
                if outcome == ERROR:
                    failures.append(label)
                elif principal in writers:
                    if outcome in REFUSED_OUTCOMES:
                        failures.append(f"{label}, declared writable")
                else:
                    if outcome not in REFUSED_OUTCOMES:
                        failures.append(f"{label}, declared refused")
                    changed = sorted(table for table in before if before[table] != after[table])
                    if changed:
                        failures.append(f"{label} changed {changed}")
    assert not failures, "\n".join(failures)


def test_admin_is_for_staff(world, clients):
    """The admin index and every model's list: superusers only (the other principals are not staff)."""
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    failures = []
    for url in urls:
        for principal in ("anonymous", "member_in", "purchaser_in", "evaluator_in", "superuser"):
            outcome = classify(clients[principal].get(url))
            expected = ALLOWED_OUTCOMES if principal == "superuser" else REFUSED_OUTCOMES
            if outcome not in expected:
                failures.append(f"GET {url} as {principal}: {outcome}")
    assert not failures, "\n".join(failures)


def test_logout_refuses_get(world, clients):
    assert classify(clients["member_in"].get(reverse("accounts:logout"))) in REFUSED_OUTCOMES
    assert classify(clients["member_in"].get(reverse("portal:workspace"))) in ALLOWED_OUTCOMES
