"""Importing organizations from xlsx/csv: `manage.py import_organizations`, registry.imports and the sample files."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from core.spreadsheets import ImportFileError
from fixtures import make_samples
from registry import demo, imports
from registry.imports import organizations_import
from registry.models import Department, Organization, Rating
from registry.uscc import make_uscc
from tests.errors import codes
from tests.factories import OrganizationFactory, PurchaserFactory, RegistrarFactory, SuperuserFactory, region

pytestmark = pytest.mark.django_db

FIXTURES = Path(make_samples.__file__).resolve().parent
HEADERS = [column.header for column in imports.COLUMNS]


def org_row(n: int, **overrides) -> dict:
    """A valid row: a 社会服务机构 in 新城区 registered by 呼和浩特市民政局."""
    row = {
        "统一社会信用代码": make_uscc("2", "150100", f"MJ{n:06d}"),
        "名称": f"呼和浩特市新城区第{n}社会工作服务中心",
        "类型": "社会服务机构(民办非企业单位)",
        "登记管理机关": "呼和浩特市民政局",
        "业务主管单位": "",
        "法定代表人": "乌云其其格",
        "注册资金": "30000",
        "成立日期": "2015-06-01",
        "住所": "呼和浩特市新城区新华大街1号",
        "业务范围": "社会工作服务",
        "所属区划": "内蒙古自治区呼和浩特市新城区",
        "状态": "正常",
        "联系电话": "0471-6612345",
        "联系邮箱": f"org{n}@example.cn",
        "证书有效期至": "2030-06-01",
    }
    row.update(overrides)
    return row


def write_file(path: Path, rows: list[dict], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> Path:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding=encoding) as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([row.get(header, "") for header in headers])
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers] if row else [])
        workbook.save(path)
    return path


def run_command(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_organizations", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def history_count() -> int:
    return Organization.history.count()


# --- good files ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_good_file_imports_every_row_with_history(tmp_path, bureaus, suffix):
    registrar = RegistrarFactory(department=bureaus["HHMZ"])
    rows = [
        org_row(1),
        org_row(
            2,
            类型="民办非企业单位",
            注册资金="1,250,000.50",
            成立日期="2016/3/9",
            所属区划="150105",
            登记管理机关="HHMZ",
        ),
        org_row(
            3,
            统一社会信用代码=make_uscc("1", "150100", "MJ000003"),
            名称="呼和浩特市老年协会",
            类型="社会团体",
            成立日期="2009年12月5日",
            所属区划="呼和浩特市",
            业务主管单位="呼和浩特市民政局",
            状态="注销",
        ),
    ]
    path = write_file(tmp_path / f"orgs{suffix}", rows)

    out, _ = run_command(str(path), user=registrar.username)

    assert "新增 3，更新 0，未变 0（共 3 行）" in out
    second = Organization.objects.get(uscc=rows[1]["统一社会信用代码"])
    assert second.org_type == Organization.Type.SERVICE
    assert second.registered_funds == Decimal("1250000.50")
    assert second.established_on == datetime.date(2016, 3, 9)
    assert second.region == region("150105")
    assert second.registration_authority == bureaus["HHMZ"]
    third = Organization.objects.get(uscc=rows[2]["统一社会信用代码"])
    assert (third.org_type, third.status, third.region.code) == ("association", "deregistered", "150100")
    assert third.established_on == datetime.date(2009, 12, 5)
    assert third.contact_email == "org3@example.cn"
    assert third.certificate_valid_until == datetime.date(2030, 6, 1)
    records = list(Organization.history.all())
    assert len(records) == 3
    assert {record.history_type for record in records} == {"+"}
    assert {record.history_user_id for record in records} == {registrar.pk}
    assert {record.history_change_reason for record in records} == {f"批量导入：orgs{suffix}"}


def test_history_rows_hold_every_tracked_value(tmp_path, bureaus):
    path = write_file(tmp_path / "orgs.xlsx", [org_row(1), org_row(2, 注册资金=88000.5)])
    before = datetime.datetime.now(tz=datetime.UTC)
    result = organizations_import(actor=None, source=path)
    assert result.written
    history_model = Organization.history.model
    for organization in Organization.objects.all():
        record = Organization.history.get(id=organization.pk)
        for field in history_model.tracked_fields:
            assert getattr(record, field.attname) == getattr(organization, field.attname), field.name
        assert record.history_user is None
        assert record.history_date >= before - datetime.timedelta(seconds=1)
        assert record.instance == organization


def test_excel_native_values_are_accepted(tmp_path, bureaus):
    row = org_row(
        1,
        统一社会信用代码=make_uscc("2", "150100", "MJ000001").lower(),
        注册资金=50000,
        成立日期=datetime.datetime(2015, 6, 1),
        证书有效期至=46000,  # an Excel date that lost its format: 2025-12-09
        所属区划=150102,
        联系电话=4716612345,
    )
    path = write_file(tmp_path / "orgs.xlsx", [row])
    result = organizations_import(actor=None, source=path)
    assert result.ok, result.errors
    organization = Organization.objects.get()
    assert organization.uscc == make_uscc("2", "150100", "MJ000001")
    assert organization.registered_funds == Decimal("50000.00")
    assert organization.established_on == datetime.date(2015, 6, 1)
    assert organization.certificate_valid_until == datetime.date(2025, 12, 9)
    assert organization.region.code == "150102"
    assert organization.contact_phone == "4716612345"


def test_gb18030_csv_from_chinese_excel_is_read(tmp_path, bureaus):
    path = write_file(tmp_path / "orgs.csv", [org_row(1), org_row(2)], encoding="gb18030")
    result = organizations_import(actor=None, source=path)
    assert (result.ok, result.created) == (True, 2)
    assert Organization.objects.filter(name="呼和浩特市新城区第1社会工作服务中心").exists()


def test_optional_columns_may_be_left_out_and_blank_rows_are_skipped(tmp_path, bureaus):
    headers = [column.header for column in imports.COLUMNS if not column.optional_column]
    path = write_file(tmp_path / "orgs.xlsx", [org_row(1), {}, org_row(2, 名称="")], headers=headers)
    result = organizations_import(actor=None, source=path)
    # Row 3 is blank and skipped; the bad row keeps its spreadsheet number 4.
    assert [(error.row, error.column) for error in result.errors] == [(4, "名称")]
    path = write_file(tmp_path / "orgs.xlsx", [org_row(1), {}, org_row(2)], headers=headers)
    result = organizations_import(actor=None, source=path)
    assert (result.created, result.total) == (2, 2)
    assert Organization.objects.get(uscc=org_row(1)["统一社会信用代码"]).contact_email == ""


# --- bad files: nothing written, every error named -------------------------------------------------------------------


def test_bad_rows_write_nothing_and_every_error_is_reported(tmp_path, bureaus):
    good = org_row(1)
    rows = [
        good,
        org_row(2, 注册资金="5万元", 成立日期="2015-02-30"),
        org_row(3, 登记管理机关="呼和浩特市卫生健康委员会"),
        org_row(4, 所属区划="新城区"),
        org_row(5, 统一社会信用代码=make_uscc("1", "150100", "MJ000005")),
        org_row(6),
        good,
        org_row(7, 所属区划="内蒙古自治区包头市青山区"),
        org_row(8, 联系邮箱="not-an-email", 状态="暂停"),
    ]
    path = write_file(tmp_path / "bad.xlsx", rows)
    before = (Organization.objects.count(), history_count())

    result = organizations_import(actor=None, source=path)

    assert (Organization.objects.count(), history_count()) == before == (0, 0)
    assert not result.ok
    found = {(error.row, error.column): error for error in result.errors}
    assert set(found) == {
        (3, "注册资金"),
        (3, "成立日期"),
        (4, "登记管理机关"),
        (5, "所属区划"),
        (6, "统一社会信用代码"),
        (8, "统一社会信用代码"),
        (9, "登记管理机关"),
        (10, "状态"),
        (10, "联系邮箱"),
    }
    assert found[3, "注册资金"].value == "5万元"
    assert "应为以元为单位的数字" in found[3, "注册资金"].reason
    assert found[3, "成立日期"].reason == "不是有效的日期"
    assert "不是民政部门" in found[4, "登记管理机关"].reason
    assert "内蒙古自治区呼和浩特市新城区（150102）" in found[5, "所属区划"].reason
    assert "陕西省西安市新城区（610102）" in found[5, "所属区划"].reason
    assert "与所填类型“社会服务机构(民办非企业单位)”不一致" in found[6, "统一社会信用代码"].reason
    assert found[8, "统一社会信用代码"].reason == "与第2行的统一社会信用代码重复（第2行、第8行）"
    assert "的辖区不包括内蒙古自治区包头市青山区" in found[9, "登记管理机关"].reason
    assert str(found[10, "状态"]).startswith("第10行 状态“暂停”：不是有效的登记状态")
    assert [error.row for error in result.errors] == sorted(error.row for error in result.errors)


def test_a_bad_row_after_written_batches_rolls_everything_back(tmp_path, bureaus):
    rows = [org_row(n) for n in range(1, 12)] + [org_row(99, 名称="")]
    path = write_file(tmp_path / "late.csv", rows)
    result = organizations_import(actor=None, source=path, batch_size=4)
    assert [(error.row, error.column) for error in result.errors] == [(13, "名称")]
    assert (Organization.objects.count(), history_count()) == (0, 0)


def test_errors_fixture_reports_one_error_for_each_row(bureaus):
    result = organizations_import(actor=None, source=FIXTURES / "organizations_errors.xlsx")
    assert Organization.objects.count() == 0
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error)
    assert sorted(by_row) == list(range(3, 16))
    assert all(len(errors) == 1 for errors in by_row.values()), by_row
    reasons = {row: (errors[0].column, errors[0].reason) for row, errors in by_row.items()}
    assert reasons[3][0] == "统一社会信用代码" and reasons[3][1].startswith("第18位校验码")
    assert reasons[4][0] == "统一社会信用代码" and reasons[4][1].startswith("第17位组织机构代码校验码")
    assert reasons[5][0] == "统一社会信用代码" and "不一致" in reasons[5][1]
    assert [reasons[row][0] for row in range(6, 14)] == [
        "所属区划",
        "所属区划",
        "类型",
        "状态",
        "登记管理机关",
        "成立日期",
        "注册资金",
        "名称",
    ]
    assert reasons[14] == ("统一社会信用代码", "与第2行的统一社会信用代码重复（第2行、第14行）")
    assert reasons[15] == ("评估等级", "不是有效的评估等级，应为1A、2A、3A、4A或5A")
    assert Rating.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orgs.xls", b"old", "不支持的文件类型"),
        ("orgs.xlsx", b"not a zip", "无法读取Excel文件"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, bureaus, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        organizations_import(actor=None, source=path)


def test_missing_columns_and_empty_files_are_refused(tmp_path, bureaus):
    headers = [header for header in HEADERS if header not in ("名称", "状态")]
    path = write_file(tmp_path / "orgs.csv", [org_row(1)], headers=headers)
    with pytest.raises(ImportFileError, match="缺少必需的列：名称、状态"):
        organizations_import(actor=None, source=path)
    path = write_file(tmp_path / "empty.csv", [])
    with pytest.raises(ImportFileError, match="没有数据行"):
        organizations_import(actor=None, source=path)


# --- re-imports ----------------------------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(tmp_path, bureaus):
    path = write_file(tmp_path / "orgs.xlsx", [org_row(n) for n in range(1, 6)])
    assert organizations_import(actor=None, source=path).created == 5
    before = (list(Organization.objects.values().order_by("pk")), history_count())

    out, _ = run_command(str(path))

    assert "新增 0，更新 0，未变 5（共 5 行）" in out
    assert (list(Organization.objects.values().order_by("pk")), history_count()) == before


def test_a_changed_file_updates_exactly_the_changed_rows(tmp_path, bureaus):
    superuser = SuperuserFactory()
    rows = [org_row(n) for n in range(1, 6)]
    organizations_import(actor=None, source=write_file(tmp_path / "v1.csv", rows))
    rows[1]["住所"] = "呼和浩特市新城区中山东路8号"
    rows[3]["状态"] = "撤销登记"
    rows[3]["注册资金"] = "30,000.00"  # the same amount written differently is no change

    result = organizations_import(actor=superuser, source=write_file(tmp_path / "v2.csv", rows))

    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    changed = Organization.history.filter(history_type="~")
    assert sorted(record.uscc for record in changed) == sorted(
        [rows[1]["统一社会信用代码"], rows[3]["统一社会信用代码"]]
    )
    assert {record.history_user_id for record in changed} == {superuser.pk}
    assert {record.history_change_reason for record in changed} == {"批量导入：v2.csv"}
    moved = Organization.objects.get(uscc=rows[1]["统一社会信用代码"])
    assert moved.domicile == "呼和浩特市新城区中山东路8号"
    revoked = Organization.objects.get(uscc=rows[3]["统一社会信用代码"])
    assert revoked.status == Organization.Status.REVOKED
    assert revoked.status_changed_on is not None
    assert revoked.status_reason == "通过批量导入变更登记状态"


def test_dry_run_validates_and_counts_but_writes_nothing(tmp_path, bureaus):
    rows = [org_row(n) for n in range(1, 4)]
    organizations_import(actor=None, source=write_file(tmp_path / "v1.xlsx", rows[:2]))
    rows[0]["法定代表人"] = "张建国"
    before = (list(Organization.objects.values().order_by("pk")), history_count())

    out, _ = run_command(str(write_file(tmp_path / "v2.xlsx", rows)), dry_run=True)

    assert "试运行，未写入任何数据：新增 1，更新 1，未变 1（共 3 行）" in out
    assert (list(Organization.objects.values().order_by("pk")), history_count()) == before


# --- the command ---------------------------------------------------------------------------------------------------


def test_command_exit_codes(tmp_path, bureaus):
    """Success returns normally (exit 0); errors raise CommandError whose returncode run_from_argv exits with."""
    good = write_file(tmp_path / "good.csv", [org_row(1)])
    bad = write_file(tmp_path / "bad.csv", [org_row(2, 类型="民办企业"), org_row(3, 成立日期="2099-01-01")])

    out, _ = run_command(str(good))
    assert "导入完成：新增 1" in out

    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_organizations", str(bad), stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert str(failure.value) == "导入失败：2行有错误，共2处，未写入任何数据"
    assert "第2行 类型“民办企业”：不是有效的类型" in err.getvalue()
    assert "第3行 成立日期“2099-01-01”：成立日期晚于今天" in err.getvalue()
    assert Organization.objects.count() == 1

    with pytest.raises(CommandError, match="找不到文件") as failure:
        run_command(str(tmp_path / "missing.xlsx"))
    assert failure.value.returncode == 1


def test_command_shows_progress_on_stderr(tmp_path, bureaus, monkeypatch):
    monkeypatch.setattr("registry.imports.importer.PROGRESS_EVERY", 2)
    path = write_file(tmp_path / "orgs.xlsx", [org_row(n) for n in range(1, 6)])
    out, err = run_command(str(path))
    assert "新增 5" in out
    assert "已检查 4 行 / 5（80%）" in err


def test_command_user_option(tmp_path, bureaus):
    path = write_file(tmp_path / "orgs.csv", [org_row(1)])
    with pytest.raises(CommandError, match="没有用户名为“nobody”的用户"):
        run_command(str(path), user="nobody")
    purchaser = PurchaserFactory()
    with pytest.raises(CommandError, match="只有登记管理机关工作人员或系统管理员可以导入社会组织"):
        run_command(str(path), user=purchaser.username)
    assert Organization.objects.count() == 0


def test_only_registrars_and_superusers_import(tmp_path, bureaus):
    path = write_file(tmp_path / "orgs.csv", [org_row(1)])
    with pytest.raises(PermissionDenied) as caught:
        organizations_import(actor=PurchaserFactory(), source=path)
    assert codes(caught.value) == {"__all__": ["not_registrar"]}
    assert Organization.objects.count() == 0


def test_registrar_may_only_import_organizations_in_their_region(tmp_path, bureaus):
    county_registrar = RegistrarFactory(department=bureaus["XCMZ"])
    elsewhere = OrganizationFactory(region=region("150105"), registration_authority=bureaus["HHMZ"])
    rows = [
        org_row(1, 登记管理机关="呼和浩特市新城区民政局", 统一社会信用代码=make_uscc("2", "150102", "MJ000001")),
        org_row(2, 所属区划="内蒙古自治区呼和浩特市赛罕区"),
        org_row(
            3,
            统一社会信用代码=elsewhere.uscc,
            名称=elsewhere.name,
            所属区划="150102",
            登记管理机关="呼和浩特市民政局",
        ),
    ]
    path = write_file(tmp_path / "orgs.xlsx", rows)

    result = organizations_import(actor=county_registrar, source=path)

    assert [(error.row, error.column) for error in result.errors] == [(3, "所属区划"), (4, "统一社会信用代码")]
    assert result.errors[0].reason == (
        "不在您所在部门（呼和浩特市新城区民政局）的辖区内，您不能导入内蒙古自治区呼和浩特市赛罕区的社会组织"
    )
    assert "该社会组织已登记在内蒙古自治区呼和浩特市赛罕区" in result.errors[1].reason
    assert Organization.objects.count() == 1
    result = organizations_import(actor=county_registrar, source=write_file(tmp_path / "mine.xlsx", rows[:1]))
    assert result.created == 1


# --- cell parsers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30000", Decimal("30000.00")),
        ("30,000.00", Decimal("30000.00")),
        ("１２，０００", Decimal("12000.00")),
        (30000, Decimal("30000.00")),
        (1234.5, Decimal("1234.50")),
        ("0", Decimal("0.00")),
    ],
)
def test_funds_accept_plain_numbers_and_commas(value, expected):
    assert imports.parse_funds(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5万元", "应为以元为单位的数字"),
        ("￥30000", "应为以元为单位的数字"),
        ("-1", "不能为负数"),
        (-0.5, "不能为负数"),
        ("12.345", "最多保留两位小数"),
        ("1000000000000", "金额过大"),
        ("", "必须填写"),
    ],
)
def test_funds_refuse_everything_else_with_a_reason(value, message):
    with pytest.raises(ValueError, match=message):
        imports.parse_funds(value)


@pytest.mark.parametrize(
    "value",
    ["2015-06-01", "2015/06/01", "2015/6/1", "2015年6月1日", "2015-06-01 00:00:00", datetime.date(2015, 6, 1), 42156],
)
def test_dates_in_the_accepted_spellings(value):
    assert imports.parse_optional_date(value) == datetime.date(2015, 6, 1)


@pytest.mark.parametrize(("value", "message"), [("2015-02-30", "不是有效的日期"), ("06/01/2015", "日期格式应为")])
def test_bad_dates(value, message):
    with pytest.raises(ValueError, match=message):
        imports.parse_optional_date(value)


def test_region_names_must_be_unambiguous(bureaus):
    lookups = imports.Lookups.load()
    assert lookups.region("150102").code == "150102"
    assert lookups.region("内蒙古自治区呼和浩特市新城区").code == "150102"
    assert lookups.region("呼和浩特市 新城区").code == "150102"
    assert lookups.region("土默特左旗").code == "150121"
    with pytest.raises(ValueError, match="对应多个行政区划"):
        lookups.region("青山区")
    with pytest.raises(ValueError, match="不是已知的行政区划代码"):
        lookups.region("159999")


def test_types_and_statuses_by_their_chinese_names():
    assert imports.parse_org_type("社会服务机构（民办非企业单位）") == Organization.Type.SERVICE
    assert imports.parse_org_type("民办非企业单位") == Organization.Type.SERVICE
    assert imports.parse_org_type("社会服务机构") == Organization.Type.SERVICE
    assert imports.parse_org_type(" 基金会 ") == Organization.Type.FOUNDATION
    assert imports.parse_status("撤销登记") == Organization.Status.REVOKED


def test_foundations_need_a_provincial_registration_authority(tmp_path, bureaus):
    row = org_row(
        1,
        统一社会信用代码=make_uscc("3", "150100", "MJ000001"),
        名称="呼和浩特市慈善基金会",
        类型="基金会",
        注册资金="4000000",
    )
    result = organizations_import(actor=None, source=write_file(tmp_path / "f.csv", [row]))
    assert [(error.column, error.reason) for error in result.errors] == [
        ("登记管理机关", "基金会只能由国务院民政部门或省级民政部门登记，“呼和浩特市民政局”不能登记基金会")
    ]


# --- the sample files ----------------------------------------------------------------------------------------------


def test_full_sample_imports_from_xlsx_and_csv_alike(bureaus):
    result = organizations_import(actor=None, source=FIXTURES / "organizations_sample.xlsx")
    assert result.ok, result.errors[:5]
    assert result.created == result.total >= 300
    organizations = Organization.objects.all()
    assert {organization.region.code[:4] for organization in organizations.select_related("region")} == {
        code[:4] for code in make_samples.CITY_WEIGHTS
    }
    counties = {
        code for code, name in make_samples.divisions().items() if code.startswith("15") and not code.endswith("00")
    }
    assert counties <= set(organizations.values_list("region__code", flat=True))
    assert set(organizations.values_list("org_type", flat=True)) == set(Organization.Type.values)
    for organization in organizations.select_related("registration_authority__region"):
        assert organization.uscc[2:8] == organization.registration_authority.region.code

    ratings = Rating.objects.select_related("organization", "awarding_authority")
    assert 0.3 * result.total <= result.ratings_created == ratings.count() <= 0.5 * result.total
    assert {rating.grade for rating in ratings} == {"2A", "3A", "4A", "5A"}
    assert any(rating.is_expired for rating in ratings) and not all(rating.is_expired for rating in ratings)
    for rating in ratings:
        assert rating.awarding_authority == rating.organization.registration_authority
        assert rating.valid_until == Rating.validity_end(rating.awarded_on)

    result = organizations_import(actor=None, source=FIXTURES / "organizations_sample.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, result.total)
    assert result.ratings_created == 0


def test_sample_generator_is_deterministic_and_matches_the_committed_files(tmp_path):
    written = make_samples.make_samples(tmp_path)
    for path in written:
        # An xlsx file's bytes depend on the XML library openpyxl finds (lxml or the standard library): compare cells.
        assert _content(path) == _content(FIXTURES / path.name), f"run python -m fixtures.make_samples ({path.name})"


def _content(path):
    if path.suffix != ".xlsx":
        return path.read_bytes()
    workbook = load_workbook(path)
    return [(sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()]) for sheet in workbook]


def test_sample_bureaus_are_the_demo_departments():
    demo_departments = {(row["region"], row["code"], row["name"], row["kind"]) for row in demo.data("departments")}
    for region_code, (code, name) in make_samples.BUREAUS.items():
        assert (region_code, code, name, Department.Kind.CIVIL_AFFAIRS) in demo_departments
