"""Values kept by the tables they were read from (`core.pagecache.remember_read`): a write elsewhere leaves them, a
write to one of their tables shows on the next request, a value recalled inside another lends it its tables, and a
value whose tables are not yet known goes with any write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pagecache
from registry.models import Organization
from supervision.models import Complaint
from tests.factories import ComplaintFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    pagecache._TABLES_READ.clear()
    yield
    pagecache._TABLES_READ.clear()


class Counted:
    """A computation that counts the organizations, and how often it ran."""

    def __init__(self, query=lambda: Organization.objects.count()):
        self.runs = 0
        self.query = query

    def __call__(self):
        self.runs += 1
        return self.query()


def test_kept_across_writes_elsewhere_and_read_again_after_a_write_to_its_table(committed):
    with committed():
        organization = OrganizationFactory()
    counted = Counted()
    assert pagecache.remember_read("organizations", compute=counted) == 1
    # The first time, its tables were not known before it was read: it goes with the next write, and is learned.
    with committed():
        ComplaintFactory(organization=organization)
    assert pagecache.remember_read("organizations", compute=counted) == 1
    assert counted.runs == 2
    with committed():
        ComplaintFactory(organization=organization)  # a write to a table it does not read
    assert pagecache.remember_read("organizations", compute=counted) == 1
    assert counted.runs == 2
    with committed():
        OrganizationFactory()
    assert pagecache.remember_read("organizations", compute=counted) == 2  # the change, on the next request
    assert counted.runs == 3


def test_tables_given_are_watched_from_the_first_time(committed):
    counted = Counted()
    pagecache.remember_read("organizations", compute=counted, tables=["registry_organization"])
    with committed():
        ComplaintFactory()
    pagecache.remember_read("organizations", compute=counted, tables=["registry_organization"])
    assert counted.runs == 2  # the factory wrote an organization too: read again
    with committed():
        Complaint.objects.update(subject="已核实")
    pagecache.remember_read("organizations", compute=counted, tables=["registry_organization"])
    pagecache.remember_read("organizations", compute=counted, tables=["registry_organization"])
    assert counted.runs == 2


def test_a_value_recalled_inside_another_lends_it_its_tables(committed):
    with committed():
        ComplaintFactory()
    inner = Counted()
    outer = Counted(lambda: pagecache.remember_read("inner", compute=inner) + Complaint.objects.count())
    for _ in range(2):  # learned, then kept by its tables
        assert pagecache.remember_read("outer", compute=outer) == 2
    with committed():
        Complaint.objects.update(subject="已核实")  # only the outer's own table
    assert pagecache.remember_read("outer", compute=outer) == 2
    runs = outer.runs
    with committed():
        OrganizationFactory()  # the inner's table: the outer is read again too
    assert pagecache.remember_read("outer", compute=outer) == 3
    assert outer.runs == runs + 1


def test_a_value_of_remember_inside_makes_it_go_with_any_write(committed):
    with committed():
        ComplaintFactory()
    outer = Counted(lambda: pagecache.remember("any", compute=lambda: 1) + Complaint.objects.count())
    pagecache.remember_read("outer", compute=outer)
    pagecache.remember_read("outer", compute=outer)
    runs = outer.runs
    with committed():
        OrganizationFactory()
    pagecache.remember_read("outer", compute=outer)
    assert outer.runs == runs + 1


def test_a_value_kept_by_tables_it_names_is_read_back_in_one_round_trip(committed):
    counted = Counted()
    tables = ["registry_organization", "registry_region"]
    pagecache.remember_read("organizations", compute=counted, tables=tables)
    with CaptureQueriesContext(connection) as queries:
        assert pagecache.remember_read("organizations", compute=counted, tables=tables) == 0
    assert counted.runs == 1
    assert len(queries.captured_queries) == 1  # the value and the tables' generations together
    with committed():
        OrganizationFactory()
    assert pagecache.remember_read("organizations", compute=counted, tables=tables) == 1
    assert counted.runs == 2
