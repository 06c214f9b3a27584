"""Imports on a fresh database (`load_regions` only): authorities written the way people write them, the closest
names for an unknown or ambiguous one, and the USCC-region warning."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from registry.authorities import authorities_load
from registry.imports import organizations_import
from registry.models import Organization
from registry.uscc import make_uscc
from tests.registry.test_import import org_row, run_command, write_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorities():
    authorities_load()


def row(n, authority, issuer, region, **overrides):
    values = org_row(
        n,
        **{
            "统一社会信用代码": make_uscc(overrides.pop("category", "2"), issuer, f"MJ{n:06d}"),
            "登记管理机关": authority,
            "所属区划": region,
            "名称": f"测试社会组织{n}",
        },
    )
    values.update(overrides)
    return values


def test_a_fresh_database_imports_organizations_of_every_level(tmp_path, authorities):
    rows = [
        row(1, "民政部", "100000", "110101", category="1", 类型="社会团体"),
        row(2, "内蒙古自治区民政厅", "150000", "150102", category="3", 类型="基金会", 注册资金="4000000"),
        row(3, "内蒙古民政厅", "150000", "150203"),
        row(4, "呼和浩特市民政局", "150100", "150102"),
        row(5, "呼市民政局", "150100", "150105"),
        row(6, "锡林郭勒盟民政局", "152500", "152502"),
        row(7, "锡盟民政局", "152500", "152502"),
        row(8, "土默特左旗民政局", "150121", "150121"),
        row(9, "土左旗民政局", "150121", "150121"),
        row(10, "赛罕区民政局", "150105", "150105"),
        row(11, "呼和浩特市赛罕区民政局", "150105", "150105"),
        row(12, "MZ150105", "150105", "150105"),
        row(13, "阿拉善盟民政局", "152900", "152921"),
    ]
    result = organizations_import(actor=None, source=write_file(tmp_path / "orgs.xlsx", rows))
    assert result.errors == []
    assert result.created == len(rows)
    assert result.warnings == []
    authority = dict(Organization.objects.values_list("name", "registration_authority__name"))
    assert authority["测试社会组织1"] == "民政部"
    assert authority["测试社会组织3"] == "内蒙古自治区民政厅"
    assert authority["测试社会组织5"] == "呼和浩特市民政局"
    assert authority["测试社会组织7"] == "锡林郭勒盟民政局"
    assert authority["测试社会组织9"] == "土默特左旗民政局"
    assert {authority[f"测试社会组织{n}"] for n in (10, 11, 12)} == {"赛罕区民政局"}


def test_the_command_on_a_database_with_only_load_regions(tmp_path):
    call_command("load_regions", verbosity=0)
    path = write_file(tmp_path / "orgs.csv", [row(1, "巴彦淖尔市民政局", "150800", "150802")])
    out, _err = run_command(str(path))
    assert "新增 1" in out
    assert Organization.objects.get().registration_authority.code == "MZ150800"


def test_unknown_and_ambiguous_authorities_name_the_closest_ones(tmp_path, authorities):
    rows = [
        row(1, "巴彦淖尔民政厅局", "150800", "150802"),
        row(2, "朝阳区民政局", "110105", "110105"),
        row(3, "火星民政局", "150100", "150102"),
    ]
    result = organizations_import(actor=None, source=write_file(tmp_path / "orgs.xlsx", rows))
    assert result.created == 0 and Organization.objects.count() == 0
    reasons = {error.row: error.reason for error in result.errors if error.column == "登记管理机关"}
    assert "最接近的有" in reasons[2] and "巴彦淖尔市民政局（内蒙古自治区巴彦淖尔市，MZ150800）" in reasons[2]
    assert "对应多个登记管理机关" in reasons[3]
    assert "MZ110105" in reasons[3] and "MZ220104" in reasons[3]  # Beijing's and Changchun's 朝阳区
    assert "火星民政局" not in reasons[4]


def test_a_code_from_another_region_is_a_warning_in_the_preview_and_the_result(tmp_path, authorities):
    # registered in Baotou (150200) long ago, now registered with Hohhot's bureau: the code keeps its region
    moved = row(1, "呼和浩特市民政局", "150200", "150102")
    path = write_file(tmp_path / "orgs.xlsx", [moved, row(2, "呼和浩特市民政局", "150100", "150102")])
    preview = organizations_import(actor=None, source=path, dry_run=True)
    assert preview.ok and preview.created == 2
    assert [(w.row, w.column) for w in preview.warnings] == [(2, "统一社会信用代码")]
    assert "150200（内蒙古自治区包头市）" in preview.warnings[0].reason
    assert "呼和浩特市民政局" in preview.warnings[0].reason
    result = organizations_import(actor=None, source=path)
    assert result.written and result.created == 2 and len(result.warnings) == 1
    out, err = run_command(str(path), dry_run=True)
    assert "1条提示需核对" in out
    assert "第2行 统一社会信用代码" in err and "150200" in err
