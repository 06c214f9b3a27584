"""Each table's generation in the page cache (`core.pagecache.generations`): set anew when a transaction that wrote to
the table commits, with the tables the database's triggers write to in turn; a write elsewhere leaves it, a write
rolled back leaves it, a write whose table cannot be read sets a new epoch."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction

from core import pagecache
from tests.factories import AnnualInspectionFactory, ComplaintFactory, OrganizationFactory, RatingFactory

pytestmark = pytest.mark.django_db

TABLES = ("registry_organization", "registry_annualinspection", "supervision_complaint", "contracts_payment")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600


class Autocommit:  # a connection outside any transaction
    alias = "default"
    in_atomic_block = False


def _written_outside_a_transaction(sql: str) -> None:
    pagecache._write_watcher(lambda *args: None, sql, [], False, {"connection": Autocommit()})


def _changed(before: dict, after: dict) -> set[str]:
    return {table for table in before if before[table] != after[table]}


def test_the_catalogue_says_what_the_triggers_write():
    assert {"registry_rating", "registry_organization"} <= pagecache.implied_tables(["registry_rating"])
    assert "registry_organization" in pagecache.implied_tables(["registry_annualinspection"])
    assert "registry_organization" in pagecache.implied_tables(["registry_annualreport"])
    assert "contracts_deliverable" in pagecache.implied_tables(["contracts_submission"])
    # An organization renamed changes its contracts' search columns.
    assert "contracts_contract" in pagecache.implied_tables(["registry_organization"])
    assert pagecache.implied_tables(["supervision_complaint"]) == {"supervision_complaint"}


def test_a_committed_write_sets_its_table_and_those_its_triggers_write(committed):
    with committed():
        organization = OrganizationFactory()
    before = pagecache.generations(TABLES)
    with committed():
        AnnualInspectionFactory(organization=organization, year=2024)
    after = pagecache.generations(TABLES)
    assert _changed(before, after) == {"registry_annualinspection", "registry_organization"}


def test_a_write_elsewhere_leaves_the_table(committed):
    with committed():
        organization = OrganizationFactory()
    before = pagecache.generations(TABLES)
    with committed():
        ComplaintFactory(organization=organization)
    assert "supervision_complaint" in _changed(before, pagecache.generations(TABLES))
    assert not {"contracts_payment", "registry_annualinspection"} & _changed(before, pagecache.generations(TABLES))


def test_a_write_rolled_back_leaves_every_table(committed):
    with committed():
        organization = OrganizationFactory()
    before = pagecache.generations(TABLES)
    with committed():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            RatingFactory(organization=organization)
            raise RuntimeError
    assert pagecache.generations(TABLES) == before


def test_a_write_whose_table_cannot_be_read_sets_a_new_epoch():
    before = pagecache.generations(TABLES)

    sql = 'WITH gone AS (SELECT 1) UPDATE "contracts_payment" SET amount = amount'
    _written_outside_a_transaction(sql)
    after = pagecache.generations(TABLES)
    assert after[pagecache.EPOCH_KEY] != before[pagecache.EPOCH_KEY]
    assert _changed(before, after) == {pagecache.EPOCH_KEY}


def test_invalidating_everything_sets_a_new_epoch():
    before = pagecache.generations(TABLES)
    pagecache.invalidate()
    assert pagecache.generations(TABLES)[pagecache.EPOCH_KEY] != before[pagecache.EPOCH_KEY]


def test_history_tables_go_with_any_write(committed):
    """The history tables are written with every change of their records: they set no generation of their own, and
    asked for, they stand for the site-wide one."""
    with committed():
        organization = OrganizationFactory()
    before = pagecache.generations(["registry_historicalorganization", "contracts_historicalpayment"])
    assert before["registry_historicalorganization"] == before["contracts_historicalpayment"]
    with committed():
        ComplaintFactory(organization=organization)
    after = pagecache.generations(["registry_historicalorganization", "contracts_historicalpayment"])
    assert after["registry_historicalorganization"] != before["registry_historicalorganization"]
    from django.core.cache import cache

    assert cache.get(pagecache.TABLE_KEY.format("supervision_historicalcomplaint")) is None


def test_several_statements_in_one_set_a_new_epoch():
    before = pagecache.generations(TABLES)

    sql = 'UPDATE "contracts_payment" SET amount = amount; UPDATE "supervision_complaint" SET subject = subject'
    _written_outside_a_transaction(sql)
    assert pagecache.generations(TABLES)[pagecache.EPOCH_KEY] != before[pagecache.EPOCH_KEY]


def test_a_statement_executed_from_a_constant_string_is_read_and_one_built_at_run_time_is_not():
    from core.triggers import _function_writes

    bodies = {
        "constant": "BEGIN EXECUTE 'UPDATE registry_organization SET x = ''y'' WHERE id IN (SELECT id FROM inserted)'; "
        "RETURN NULL; END",
        "constant_using": "BEGIN EXECUTE 'DELETE FROM contracts_payment WHERE id = $1' USING OLD.id; RETURN NULL; END",
        "built": "BEGIN EXECUTE 'UPDATE ' || TG_ARGV[0] || ' SET x = 1'; RETURN NULL; END",
        "formatted": "BEGIN EXECUTE format('UPDATE %I SET x = 1', TG_ARGV[0]); RETURN NULL; END",
        "calls_built": "BEGIN PERFORM built(); RETURN NULL; END",
    }
    assert _function_writes("constant", bodies, set()) == {"registry_organization"}
    assert _function_writes("constant_using", bodies, set()) == {"contracts_payment"}
    assert _function_writes("built", bodies, set()) is None
    assert _function_writes("formatted", bodies, set()) is None
    assert _function_writes("calls_built", bodies, set()) is None
