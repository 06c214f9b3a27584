"""core.spreadsheets: the one reader and the one formula-safe writer."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheets import (
    ImportFileError,
    cell_text,
    csv_chunks,
    csv_encoding,
    csv_lines,
    is_blank,
    normalize_header,
    open_table,
    workbook_bytes,
    write_csv,
    write_table,
    write_xlsx,
    xlsx_bytes,
)

ATTACKS = ['==HYPERLINK("http://e.vil/","x")', "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_xlsx_writes_formula_like_text_as_text(text):
    content = xlsx_bytes(["联系电话"], [[text]], title="导出")
    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value in (text, text.replace("\r", "\n"))  # without lxml, XML stores a carriage return as a line feed
    assert cell.quotePrefix


@pytest.mark.parametrize("text", ATTACKS)
def test_styled_sheets_write_formula_like_text_as_text(text):
    workbook = Workbook()
    write_table(workbook.active, ["名称"], [[text]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value in (text, text.replace("\r", "\n"))


@pytest.mark.parametrize("text", ATTACKS)
def test_csv_prefixes_formula_like_text_with_an_apostrophe(text):
    rows = list(csv.reader(io.StringIO("".join(csv_lines(["联系电话"], [[text]])))))
    assert rows[1] == ["'" + text]


def test_csv_starts_with_a_bom_and_writes_plain_values():
    text = "".join(
        csv_lines(["名称", "金额", "日期", "空"], [["阳光", Decimal("30000"), datetime.date(2026, 1, 2), None]])
    )
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:])))[1] == ["阳光", "30000.00", "2026-01-02", ""]


def test_xlsx_keeps_numbers_and_dates_typed():
    content = xlsx_bytes(["金额", "日期"], [[Decimal("1234.5"), datetime.date(2026, 3, 1)]], title="t")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == 1234.5 and sheet["A2"].number_format == "#,##0.00"
    assert sheet["B2"].value == datetime.datetime(2026, 3, 1)


def test_cells_read_as_people_typed_them():
    assert cell_text(None) == ""
    assert cell_text("  阳光 ") == "阳光"
    assert cell_text(30000.0) == "30000"
    assert cell_text(datetime.datetime(2026, 1, 2)) == "2026-01-02"
    assert is_blank([None, " ", ""]) and not is_blank([None, "x"])
    assert normalize_header(" 名 称 ") == "名称"
    assert normalize_header("社会组织名称", {"社会组织名称": "名称"}) == "名称"


def test_csv_in_gb18030_is_recognised(tmp_path):
    path = tmp_path / "机构.csv"
    path.write_bytes("名称,代码\n阳光,1\n".encode("gb18030"))
    assert csv_encoding(path.read_bytes()) == "gb18030"
    with open_table(path) as table:
        assert table.headers == ["名称", "代码"]
        assert [cells for _, cells in table.rows] == [["阳光", "1"]]


def test_unknown_or_missing_files_are_refused(tmp_path):
    with pytest.raises(ImportFileError, match="找不到文件"), open_table(tmp_path / "a.csv"):
        pass
    (tmp_path / "a.doc").write_text("x")
    with pytest.raises(ImportFileError, match="不支持的文件类型"), open_table(tmp_path / "a.doc"):
        pass
    with pytest.raises(ImportFileError, match="无法读取Excel文件"):
        (tmp_path / "b.xlsx").write_text("not a workbook")
        with open_table(tmp_path / "b.xlsx"):
            pass


def test_csv_chunks_group_lines_into_blocks_with_the_same_text():
    rows = [[f"阳光{number}", Decimal(number), datetime.date(2026, 1, 2)] for number in range(2000)]
    lines = list(csv_lines(["名称", "金额", "日期"], rows))
    chunks = list(csv_chunks(["名称", "金额", "日期"], rows, chunk_chars=4096))
    assert "".join(chunks) == "".join(lines)
    assert len(chunks) < len(lines) / 50
    assert all(len(chunk) >= 4096 for chunk in chunks[:-1])
    assert list(csv_chunks(["名称"], [])) == ["\ufeff名称\r\n"]


def test_write_csv_and_write_xlsx_write_into_files(tmp_path):
    rows = [["=1+1", Decimal("12.5"), datetime.date(2026, 3, 1)], ["阳光", None, None]]
    with (tmp_path / "out.csv").open("wb") as handle:
        write_csv(handle, ["名称", "金额", "日期"], iter(rows))
    text = (tmp_path / "out.csv").read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["名称", "金额", "日期"],
        ["'=1+1", "12.50", "2026-03-01"],
        ["阳光", "", ""],
    ]
    with (tmp_path / "out.xlsx").open("wb") as handle:
        write_xlsx(handle, ["名称", "金额", "日期"], iter(rows), title="导出")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet.title == "导出"
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 12.5 and sheet["C2"].value == datetime.datetime(2026, 3, 1)
