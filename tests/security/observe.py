"""Print what every principal gets from every URL (a tool for writing expectations.py, not a test).

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python -m pytest tests/security/observe.py -q -s -p no:randomly

Each line: the URL name, the principals whose GET is answered (2xx or a redirect elsewhere than the login page), and
the principals whose POST gets past the permission check (anything but the login page, 401, 403, 404 or 405).
"""

import copy
import os

import pytest
from django.db import transaction

from tests.security.expectations import ARGS, reverse_for
from tests.security.matrix import REFUSED_OUTCOMES, all_routes, classify, client_for
from tests.security.world import PRINCIPALS, build_world

pytestmark = pytest.mark.django_db


def test_observe():
    world = build_world()
    clients = {name: client_for(world.users[name]) for name in PRINCIPALS}
    for route in all_routes():
        if route.name not in ARGS or not route.name.startswith(tuple(os.environ.get("OBSERVE", "").split(","))):
            continue
        url = reverse_for(route.name, world)
        reads, writes, patches, errors = [], [], [], []
        for name in PRINCIPALS:
            outcome = classify(clients[name].get(url))
            if outcome == "error":
                errors.append(f"GET:{name}")
            elif outcome not in REFUSED_OUTCOMES:
                reads.append(name)
            for method, found in (("post", writes), ("patch", patches)):
                if method == "patch" and not route.name.startswith("api:"):
                    continue
                cookies = copy.deepcopy(clients[name].cookies)
                with transaction.atomic():
                    call = getattr(clients[name], method)
                    response = call(url, {}, content_type="application/json") if method == "patch" else call(url, {})
                    outcome = classify(response)
                    transaction.set_rollback(True)
                clients[name].cookies = cookies
                if outcome == "error":
                    errors.append(f"{method}:{name}")
                elif outcome not in REFUSED_OUTCOMES:
                    found.append(name)
        print(f"{route.name}\n    read={reads}\n    post={writes}\n    patch={patches}")
        if errors:
            print(f"    ERRORS={errors}")
