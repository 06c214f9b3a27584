import contextlib

import pytest
from django.core.management import call_command
from django.db import connection

PASSWORD = "pass-qiyue-123"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the GB/T 2260 regions loaded (as `make run` does). The registration
    authorities `load_regions` also creates are left out: tests create the departments they name, and those that
    need every authority load them (tests/registry/test_authorities.py)."""
    with django_db_blocker.unblock():
        call_command("load_regions", without_authorities=True, verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (a previous request may have switched the thread to English)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs a write as if its transaction committed (the test's own transaction never does): its
    on-commit callbacks run (the page cache's table generations among them), and no write is pending afterwards.
    What the fixtures wrote before counts as committed too."""

    @contextlib.contextmanager
    def commit():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return commit
