"""Browser journeys: Playwright driving Debian's Chromium against Django's live server.

Without /usr/bin/chromium the journeys are skipped with the reason shown, unless REQUIRE_BROWSER=1, which turns a
missing browser into a failure (CI sets it). No browser is ever downloaded.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "e2e" in item.nodeid.split("::")[0]]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if _browser_available():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM} (apt-get install chromium)")
    reason = f"no Chromium at {CHROMIUM}: install Debian's chromium or set REQUIRE_BROWSER=1 to fail instead"
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A live-server test flushes the database when it ends; put the regions back for the tests that follow."""
    yield
    if nextitem is None:
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        from registry.models import Region

        if not Region.objects.filter(code="150000").exists():
            call_command("load_regions", without_authorities=True, verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def regions(transactional_db):
    """Live-server tests flush the database after each test, so the regions are loaded again for each."""
    call_command("load_regions", without_authorities=True, verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture
def login(live_server, password):
    def _login(page, user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state()

    return _login
