"""Importing administrative penalties: all or nothing, dry run, authorities written as people write them, the
decision's rules named by column, re-import unchanged, the registrar's scope, and the sample file."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from fixtures import make_samples
from registry import demo
from registry.authorities import authorities_load
from registry.models import Department, Penalty
from registry.penalty_import import COLUMNS, penalties_import
from tests.factories import OrganizationFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db

HEADERS = list(COLUMNS.values())


@pytest.fixture
def organizations():
    authorities_load()
    hohhot = Department.objects.get(code="MZ150100")
    xilin = Department.objects.get(code="MZ152500")
    return (
        OrganizationFactory(name="呼和浩特市阳光社工服务中心", registration_authority=hohhot, region=region("150102")),
        OrganizationFactory(name="锡林郭勒盟马术协会", registration_authority=xilin, region=region("152502")),
    )


def penalty_row(organization, number, **overrides):
    row = {
        "统一社会信用代码": organization.uscc,
        "社会组织名称": organization.name,
        "处罚决定书文号": number,
        "处罚决定日期": "2026-03-01",
        "处罚机关": "呼市民政局",
        "处罚种类": "罚款",
        "金额": "6000",
        "违法事实": "违规收费",
        "处罚依据": "《民办非企业单位登记管理暂行条例》第二十五条",
        "执行状态": "",
        "状态变更日期": "",
    }
    row.update(overrides)
    return row


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    workbook.save(path)
    return path


def test_a_good_file_imports_every_row_and_again_changes_nothing(tmp_path, organizations):
    hohhot_org, xilin_org = organizations
    rows = [
        penalty_row(hohhot_org, "呼民罚〔2026〕1号"),
        penalty_row(xilin_org, "锡民罚〔2026〕1号", 处罚机关="锡盟民政局", 处罚种类="警告", 金额=""),
        penalty_row(
            hohhot_org, "呼民罚〔2025〕9号", 处罚决定日期="2025-05-01", 执行状态="已履行", 状态变更日期="2025-06-01"
        ),
    ]
    path = write_xlsx(tmp_path / "penalties.xlsx", rows)
    preview = penalties_import(actor=None, source=path, dry_run=True)
    assert (preview.ok, preview.created) == (True, 3) and not Penalty.objects.exists()
    result = penalties_import(actor=None, source=path)
    assert (result.ok, result.created) == (True, 3)
    warning = Penalty.objects.get(decision_number="锡民罚〔2026〕1号")
    assert (warning.authority.code, warning.kind, warning.amount) == ("MZ152500", "warning", None)
    assert Penalty.objects.get(decision_number="呼民罚〔2025〕9号").status == Penalty.Status.FULFILLED
    assert Penalty.history.count() == 3
    again = penalties_import(actor=None, source=path)
    assert (again.created, again.unchanged) == (0, 3)
    assert Penalty.history.count() == 3


def test_bad_rows_name_the_column_and_nothing_is_written(tmp_path, organizations):
    hohhot_org, xilin_org = organizations
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    rows = [
        penalty_row(hohhot_org, "呼民罚〔2026〕1号"),  # valid
        penalty_row(hohhot_org, "呼民罚〔2026〕2号", 处罚决定日期=future),
        penalty_row(hohhot_org, "呼民罚〔2026〕3号", 金额=""),
        penalty_row(hohhot_org, "呼民罚〔2026〕1号"),  # the number again, same authority
        penalty_row(xilin_org, "锡民罚〔2026〕1号", 处罚机关="锡林民政处"),
        penalty_row(hohhot_org, "呼民罚〔2026〕5号", 处罚种类="通报批评"),
        penalty_row(hohhot_org, "呼民罚〔2026〕6号", 统一社会信用代码="52150100MJ0000000X"),
    ]
    result = penalties_import(actor=None, source=write_xlsx(tmp_path / "bad.xlsx", rows))
    assert not result.ok and not Penalty.objects.exists()
    errors = {(error.row, error.column): error.reason for error in result.errors}
    assert "晚于今天" in errors[3, "处罚决定日期"]
    assert "罚款必须填写罚款金额" in errors[4, "金额"]
    assert "与第2行的处罚机关和文号重复" in errors[5, "处罚决定书文号"]
    assert "锡林郭勒盟民政局" in errors[6, "处罚机关"]  # the closest names
    assert "不是有效的处罚种类" in errors[7, "处罚种类"]
    assert (8, "统一社会信用代码") in errors
    assert {row for row, _column in errors} == {3, 4, 5, 6, 7, 8}


def test_a_number_the_authority_already_used_for_another_decision_is_refused(tmp_path, organizations):
    hohhot_org, _xilin_org = organizations
    penalties_import(actor=None, source=write_xlsx(tmp_path / "a.xlsx", [penalty_row(hohhot_org, "呼民罚〔2026〕1号")]))
    changed = penalty_row(hohhot_org, "呼民罚〔2026〕1号", 金额="9000")
    result = penalties_import(actor=None, source=write_xlsx(tmp_path / "b.xlsx", [changed]))
    assert [(e.column, "已经登记" in e.reason) for e in result.errors] == [("处罚决定书文号", True)]


def test_a_registrar_imports_only_penalties_of_organizations_they_keep(tmp_path, organizations):
    hohhot_org, xilin_org = organizations
    registrar = RegistrarFactory(department=hohhot_org.registration_authority)
    rows = [
        penalty_row(hohhot_org, "呼民罚〔2026〕1号"),
        penalty_row(xilin_org, "锡民罚〔2026〕1号", 处罚机关="锡盟民政局"),
    ]
    result = penalties_import(actor=registrar, source=write_xlsx(tmp_path / "p.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "统一社会信用代码")]
    assert not Penalty.objects.exists()


def test_the_command_and_the_sample_file_after_the_demo_registry(tmp_path):
    authorities_load()
    departments = demo.seed_departments()
    demo.seed_users(departments)
    demo.seed_organizations(departments)
    before = Penalty.objects.count()
    assert before == len(demo.data("penalties"))
    sample = Path(make_samples.__file__).resolve().parent / "penalties_sample.csv"
    out = io.StringIO()
    call_command("import_penalties", str(sample), "--dry-run", stdout=out)
    assert "新增 3" in out.getvalue() and Penalty.objects.count() == before
    call_command("import_penalties", str(sample), stdout=out)
    assert Penalty.objects.count() == before + 3
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(HEADERS) + "\n" + "x,,1,2026-01-01,火星,警告,,a,b,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_penalties", str(bad), stderr=err)
    assert "第2行" in err.getvalue()


def test_an_imported_large_fine_lists_the_organization_as_serious(tmp_path, organizations):
    hohhot_org, _xilin_org = organizations
    rows = [penalty_row(hohhot_org, "呼民罚〔2026〕40号", 金额="80000")]
    result = penalties_import(actor=None, source=write_xlsx(tmp_path / "big.xlsx", rows))
    assert result.ok and result.serious_listings == 1
    assert hohhot_org.credit_listings.get().list_kind == "serious"
