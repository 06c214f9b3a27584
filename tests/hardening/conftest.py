import os

import pytest
from django.core.management import call_command


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the PostgreSQL concurrency tests) flushes the database when it ends; put the regions
    back for the tests that follow."""
    yield
    marker = item.get_closest_marker("django_db")
    if nextitem is None or marker is None or not marker.kwargs.get("transaction"):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        from registry.models import Region

        if not Region.objects.filter(code="150000").exists():
            with open(os.devnull, "w") as devnull:
                call_command("load_regions", without_authorities=True, verbosity=0, stdout=devnull)
