"""The import's batches: on PostgreSQL each batch's new rows are sent (COPY) while the next batch is read and checked;
whatever the batches hold and however the import ends, the result is the same as writing one batch after another."""

from __future__ import annotations

import pytest
from django.db import connection

from core import pagecache
from core.search import search_tokens
from registry.imports import importer, organizations_import
from registry.models import FormerName, Organization
from tests.factories import SuperuserFactory
from tests.registry.test_import import org_row, write_file

pytestmark = pytest.mark.django_db


def test_batches_of_new_and_changed_rows_write_every_row_its_columns_and_history(tmp_path, bureaus):
    superuser = SuperuserFactory()
    rows = [org_row(n) for n in range(1, 6)]
    organizations_import(actor=None, source=write_file(tmp_path / "v1.csv", rows), batch_size=2)
    rows[0]["名称"] = "呼和浩特市新城区阳光社会工作服务中心"  # a change of name in the first batch
    rows[3]["住所"] = "呼和浩特市新城区中山东路8号"
    rows += [org_row(n) for n in range(6, 12)]  # new rows in the batches before, between and after the changes
    rows[1], rows[6] = rows[6], rows[1]

    result = organizations_import(actor=superuser, source=write_file(tmp_path / "v2.csv", rows), batch_size=2)

    assert (result.created, result.updated, result.unchanged) == (6, 2, 3)
    assert Organization.objects.count() == 11
    for organization in Organization.objects.all():
        expected = Organization.search_columns({**organization.__dict__})
        assert {column: getattr(organization, column) for column in expected} == expected
        assert organization.search_tokens == search_tokens(organization.search_document)
        assert organization.region_code == organization.region.code
    renamed = Organization.objects.get(uscc=rows[0]["统一社会信用代码"])
    assert "yangguang" in renamed.search_document
    assert list(FormerName.objects.values_list("name", flat=True)) == ["呼和浩特市新城区第1社会工作服务中心"]
    created = Organization.history.filter(history_type="+", history_user=superuser)
    assert sorted(created.values_list("uscc", flat=True)) == sorted(
        org_row(n)["统一社会信用代码"] for n in range(6, 12)
    )
    assert {record.history_change_reason for record in created} == {"批量导入：v2.csv"}
    assert Organization.history.filter(history_type="~").count() == 2
    assert Organization.history.count() == 5 + 6 + 2


def test_an_error_raised_while_later_rows_are_read_writes_nothing_and_leaves_the_connection_usable(
    tmp_path, bureaus, monkeypatch
):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 5)

    def progress(done, total):
        if done == 10:  # two batches of four written, the second perhaps still on its way
            raise RuntimeError("stopped")

    path = write_file(tmp_path / "stopped.csv", [org_row(n) for n in range(1, 13)])
    with pytest.raises(RuntimeError, match="stopped"):
        organizations_import(actor=None, source=path, batch_size=4, progress=progress)

    assert (Organization.objects.count(), Organization.history.count()) == (0, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert organizations_import(actor=None, source=path, batch_size=4).created == 12


def test_an_error_while_new_rows_are_written_reaches_the_caller_and_writes_nothing(tmp_path, bureaus, monkeypatch):
    failing = org_row(7)["统一社会信用代码"]
    search_columns = Organization.search_columns.__func__

    def refuse_one(cls, values):
        if values.get("uscc") == failing:
            raise ValueError("no pinyin for this one")
        return search_columns(cls, values)

    monkeypatch.setattr(Organization, "search_columns", classmethod(refuse_one))
    path = write_file(tmp_path / "failing.csv", [org_row(n) for n in range(1, 13)])
    with pytest.raises(ValueError, match="no pinyin for this one"):
        organizations_import(actor=None, source=path, batch_size=4)

    assert (Organization.objects.count(), Organization.history.count()) == (0, 0)
    monkeypatch.undo()
    assert organizations_import(actor=None, source=path, batch_size=4).created == 12


def test_the_progress_callback_may_read_what_the_import_has_written(tmp_path, bureaus, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 5)
    seen = []

    def progress(done, total):
        seen.append((done, Organization.objects.count(), Organization.history.count()))

    path = write_file(tmp_path / "progress.csv", [org_row(n) for n in range(1, 13)])
    assert organizations_import(actor=None, source=path, batch_size=4, progress=progress).created == 12
    assert seen == [(5, 4, 4), (10, 8, 8)]


def test_new_organizations_imported_set_the_organizations_generation_when_the_import_commits(
    tmp_path, bureaus, committed, settings
):
    """On PostgreSQL the new rows go in by COPY, past Django's cursor: the import still tells the page cache which
    table it wrote, so a value remembered from the organizations (the statistics' counts, a registrar's 待办) is read
    again on the next request, not only the whole pages."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600

    def counted():
        return pagecache.remember_read(
            "test-organizations", compute=Organization.objects.count, tables=["registry_organization"]
        )

    with committed():
        organizations_import(actor=None, source=write_file(tmp_path / "first.csv", [org_row(1)]))
    assert counted() == 1
    before = pagecache.generations(["registry_organization", "supervision_complaint"])

    with committed():
        rows = [org_row(n) for n in range(2, 5)]
        organizations_import(actor=None, source=write_file(tmp_path / "new.csv", rows), batch_size=2)

    after = pagecache.generations(["registry_organization", "supervision_complaint"])
    assert after["registry_organization"] != before["registry_organization"]
    assert after["supervision_complaint"] == before["supervision_complaint"]  # named, not a new epoch
    assert counted() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes and their pending lists are PostgreSQL's")
def test_new_rows_are_merged_into_the_search_indexes_when_the_import_ends_and_its_settings_undone(tmp_path, bureaus):
    """The import gathers its rows' search entries in the GIN indexes' pending lists (a larger list and more memory
    for the transaction) and merges them into the indexes once, at the end: none is left pending, and the settings
    are as they were for whatever the transaction does next."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("SET work_mem = '12MB'")  # the session's own value, not the server's default
        cursor.execute("SHOW gin_pending_list_limit")
        (limit,) = cursor.fetchone()
        cursor.execute("SHOW work_mem")
        (memory,) = cursor.fetchone()
    path = write_file(tmp_path / "merged.csv", [org_row(n) for n in range(1, 13)])

    result = organizations_import(actor=None, source=path, batch_size=5)

    assert result.created == 12
    with connection.cursor() as cursor:
        pending = {}
        for index in ("organization_search_trgm", "organization_search_tokens"):
            cursor.execute("SELECT n_pending_tuples FROM gin_metapage_info(get_raw_page(%s, 0))", [index])
            (pending[index],) = cursor.fetchone()
        cursor.execute("SHOW gin_pending_list_limit")
        (limit_after,) = cursor.fetchone()
        cursor.execute("SHOW work_mem")
        (memory_after,) = cursor.fetchone()
    assert pending == {"organization_search_trgm": 0, "organization_search_tokens": 0}
    assert (limit_after, memory_after) == (limit, memory) == (limit, "12MB")
    found = Organization.objects.filter(search_document__contains=org_row(7)["名称"])
    assert list(found.values_list("uscc", flat=True)) == [org_row(7)["统一社会信用代码"]]
