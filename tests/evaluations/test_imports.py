"""Indicator sets to and from xlsx: round trip, new versions, replaced drafts, and files refused with row numbers."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from evaluations import imports
from evaluations.imports import IndicatorImportError, indicator_set_export, indicator_set_import
from evaluations.models import IndicatorSet
from evaluations.selectors import indicator_set_problems, indicator_tree
from tests.errors import all_codes
from tests.evaluations.conftest import make_set
from tests.factories import OrganizationMemberFactory, RegistrarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    return RegistrarFactory()


def xlsx(rows, header=imports.HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("指标体系.xlsx", buffer.getvalue())


GOOD_ROWS = [
    ("A", "", "决策", 1, 20, None, ""),
    ("A1", "A", "立项依据充分性", 2, 12.5, None, "符合政策和部门职责"),
    ("A2", "A", "绩效目标合理性", 2, 7.5, None, ""),
    ("B", "", "效益", 1, 80, None, ""),
    ("B1", "B", "项目效益", 2, 60, None, ""),
    ("B11", "B1", "社会效益", 3, 60, 100, "按改善程度评分"),
    ("B2", "B", "满意度", 2, 20, 100, "按问卷满意度（百分制）评分"),
]


def tree_rows(indicator_set):
    return [
        (i.code, i.parent.code if i.parent else "", i.name, i.level, i.weight, i.max_score, i.guidance)
        for i in indicator_tree(indicator_set)
    ]


def test_import_creates_a_draft_set_with_the_tree(official):
    result = indicator_set_import(actor=official, file=xlsx(GOOD_ROWS), name="社区服务绩效指标", description="测试")
    indicator_set = result.indicator_set
    assert (indicator_set.version, indicator_set.status, result.indicator_count) == (1, "draft", 7)
    rows = tree_rows(indicator_set)
    assert rows[1] == ("A1", "A", "立项依据充分性", 2, Decimal("12.50"), Decimal("12.50"), "符合政策和部门职责")
    assert rows[5] == ("B11", "B1", "社会效益", 3, Decimal("60.00"), Decimal("100.00"), "按改善程度评分")
    assert rows[6][6] == "按问卷满意度（百分制）评分"
    assert indicator_set_problems(indicator_set) == []


def test_export_then_import_round_trips_as_a_new_version(official):
    original = make_set(leaves=7, groups=3, max_score=Decimal("10"), name="居家养老绩效指标")
    original.indicators.filter(code="G1.1").update(guidance="=SUM(A1:A9) 不是公式")
    data = indicator_set_export(original)
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(imports.HEADERS)
    assert sheet["G2"].data_type == "s"  # text stays text, never a formula

    result = indicator_set_import(actor=official, file=SimpleUploadedFile("export.xlsx", data), name=original.name)
    copy = result.indicator_set
    assert copy.version == 2 and copy.previous_version == original and not result.replaced_draft
    assert tree_rows(copy) == tree_rows(original)

    # Importing again replaces the draft's indicators instead of making a third version.
    again = indicator_set_import(actor=official, file=xlsx(GOOD_ROWS), name=original.name)
    assert again.indicator_set == copy and again.replaced_draft
    assert [row[0] for row in tree_rows(copy)] == ["A", "A1", "A2", "B", "B1", "B11", "B2"]
    assert IndicatorSet.objects.filter(name=original.name).count() == 2


def test_a_bad_file_is_refused_whole_with_row_numbers(official):
    rows = [
        ("A", "", "决策", 1, 20, None, ""),
        ("A1", "A", "", 2, "十二", None, ""),
        ("A1", "A", "重复编码", 2, 8, -1, ""),
        ("B", "", "效益", 2, 80, None, ""),
        ("B1", "X", "上级不存在", "", 80, None, ""),
    ]
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx(rows), name="有错的指标体系")
    found = {(e.row, e.column) for e in error.value.row_errors}
    assert {(3, "指标名称"), (3, "分值"), (4, "指标编码"), (4, "满分")} <= found
    assert any("第4行 指标编码“A1”：与第3行的编码重复" == message for message in error.value.messages)
    assert all_codes(error.value) == {"invalid_row"} and error.value.general == []
    assert not IndicatorSet.objects.filter(name="有错的指标体系").exists()


def test_structure_and_weights_are_checked(official):
    rows = [
        ("A", "", "决策", 1, 20, None, ""),
        ("A1", "A", "立项", 2, 15, None, ""),
        ("B", "", "效益", 2, 70, None, ""),
        ("B1", "X", "不存在的上级", "", 10, None, ""),
    ]
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx(rows), name="结构错误")
    assert [(e.row, e.column) for e in error.value.row_errors] == [(5, "上级编码")]

    rows[3] = ("B1", "B", "项目效益", "", 70, None, "")
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx(rows), name="结构错误")
    assert [(e.row, e.column) for e in error.value.row_errors] == [(4, "层级")]

    rows[2] = ("B", "", "效益", 1, 70, None, "")
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx(rows), name="结构错误")
    assert [(e.row, e.column) for e in error.value.row_errors] == [(2, "分值")]
    assert "末级指标分值合计为 85.00，应为 100.00。" in error.value.messages
    assert [refusal.code for refusal in error.value.general] == ["weights_not_100"]
    assert all_codes(error.value) == {"weights_not_100", "invalid_row"}

    deep = [
        ("A", "", "一", "", 100, None, ""),
        ("B", "A", "二", "", 100, None, ""),
        ("C", "B", "三", "", 100, None, ""),
        ("D", "C", "四", "", 100, None, ""),
    ]
    with pytest.raises(IndicatorImportError, match="最多三级"):
        indicator_set_import(actor=official, file=xlsx(deep), name="四级")
    loop = [("A", "B", "一", "", 100, None, ""), ("B", "A", "二", "", 100, None, "")]
    with pytest.raises(IndicatorImportError, match="循环"):
        indicator_set_import(actor=official, file=xlsx(loop), name="循环")
    assert not IndicatorSet.objects.exists()


def test_unreadable_files_and_missing_columns(official):
    with pytest.raises(IndicatorImportError, match="无法读取") as error:
        indicator_set_import(actor=official, file=SimpleUploadedFile("a.xlsx", b"not a workbook"), name="坏文件")
    assert all_codes(error.value) == {"unreadable_file"}
    with pytest.raises(IndicatorImportError, match="缺少必需的列：分值") as error:
        indicator_set_import(
            actor=official, file=xlsx([("A", "", "一")], header=("指标编码", "上级编码", "指标名称")), name="缺列"
        )
    assert all_codes(error.value) == {"missing_columns"}
    assert error.value.general[0].params["missing"] == "分值"
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx([]), name="空")
    assert all_codes(error.value) == {"no_rows"}
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx(GOOD_ROWS), name=" ")
    assert all_codes(error.value) == {"required"}
    with pytest.raises(PermissionDenied) as error:
        indicator_set_import(actor=OrganizationMemberFactory(), file=xlsx(GOOD_ROWS), name="无权")
    assert all_codes(error.value) == {"permission_denied"}


def test_row_reasons_read_in_the_readers_language(official):
    from django.utils import translation

    rows = [("A", "", "决策", 1, 100, None, ""), ("A", "", "重复", 1, 100, None, "")]
    with pytest.raises(IndicatorImportError) as error:
        indicator_set_import(actor=official, file=xlsx(rows), name="语言")
    (row_error,) = error.value.row_errors
    with translation.override("zh-hans"):
        assert str(row_error.reason) == "与第2行的编码重复"
    with translation.override("en"):
        assert str(row_error.reason) != "与第2行的编码重复"
        assert error.value.messages[0] == str(row_error)
