"""Spreadsheets in and out: the one reader of xlsx/csv files and the one formula-safe writer.

Reading: `open_table(path)` streams a file's header and rows (openpyxl read-only for xlsx, the csv module for csv,
UTF-8 or GB 18030), `cell_text` turns any cell into trimmed text, `RowError` names a bad cell the way the person who
typed it will look for it (row number as the spreadsheet shows it, the column's header, the value, the reason), and
`ImportResult` is what an all-or-nothing import reports. A file that cannot be read at all raises `ImportFileError`.
Every import is capped before it can exhaust memory or time (`check_xlsx_archive`, `capped_rows`): the xlsx
archive's uncompressed size (settings.IMPORT_MAX_UNCOMPRESSED_MB), the data rows (IMPORT_MAX_ROWS) and the
characters of one cell (IMPORT_MAX_CELL_CHARS); the refusal names the cap, and no message echoes more than the
start of a cell (`clip`).

Writing: `xlsx_bytes`, `write_table` and `csv_lines` write every text that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) as literal text, so an export never carries a live formula.
Large files are written into a file with flat memory: `write_xlsx` (openpyxl write-only) and `write_csv`, whose
`csv_chunks` also feed streaming responses a block of lines at a time.
`XLSXFormat` and `CSVFormat` are the admin's import-export formats (django-import-export): they read like the
library's and write through `xlsx_bytes` and `csv_lines`, so the admin's exports are formula-safe the same way.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")


# ---- reading -------------------------------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, unknown format, required columns missing, no rows, a cap
    exceeded). A cap's refusal also keeps its lazy `template` and `params`, to be rendered in another language."""

    template: Any = None
    params: dict[str, Any] | None = None


def cap_error(template, **params) -> ImportFileError:
    error = ImportFileError(str(template) % params)
    error.template, error.params = template, params
    return error


CLIP_CHARS = 50
TOO_LARGE_UNPACKED = gettext_lazy(
    "Excel 文件解压后约 %(size)d MB，超过导入上限 %(limit)d MB：请删去不需要的内容或分成几个文件导入。"
)
TOO_MANY_ROWS = gettext_lazy("文件超过 %(limit)d 行的导入上限：请分成几个文件导入。")
CELL_TOO_LONG = gettext_lazy(
    "第%(row)d行 %(column)s 有 %(length)d 字，超过单元格上限 %(limit)d 字（开头：%(start)s）。"
)


def clip(text: Any, limit: int = CLIP_CHARS) -> str:
    """The start of a cell for a message: never the whole of a long value."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_uncompressed_mb() -> int:
    return _limit("IMPORT_MAX_UNCOMPRESSED_MB", 50)


def max_rows() -> int:
    return _limit("IMPORT_MAX_ROWS", 100_000)


def max_cell_chars() -> int:
    return _limit("IMPORT_MAX_CELL_CHARS", 2_000)


def check_xlsx_archive(source: str | Path | bytes | Any) -> None:
    """Refuse an xlsx file (a zip archive) whose parts would unpack past IMPORT_MAX_UNCOMPRESSED_MB, before any XML
    of it is parsed. Anything that is not a zip archive is left to the reader to refuse."""
    position = source.tell() if hasattr(source, "tell") else None
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        with zipfile.ZipFile(handle) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        if position is not None:
            source.seek(position)
    limit = max_uncompressed_mb()
    if total > limit * 1024 * 1024:
        raise cap_error(TOO_LARGE_UNPACKED, size=total // (1024 * 1024), limit=limit)


def capped_rows(
    rows: Iterable[tuple[int, Sequence[Any]]], headers: Sequence[str] = ()
) -> Iterator[tuple[int, Sequence[Any]]]:
    """(row number, cells) as given, refusing past IMPORT_MAX_ROWS data rows or a cell longer than
    IMPORT_MAX_CELL_CHARS (the refusal shows only the start of that cell)."""
    row_cap, char_cap = max_rows(), max_cell_chars()
    for count, (number, cells) in enumerate(rows, start=1):
        if count > row_cap:
            raise cap_error(TOO_MANY_ROWS, limit=row_cap)
        for position, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > char_cap:
                column = headers[position] if position < len(headers) and headers[position] else position + 1
                raise cap_error(
                    CELL_TOO_LONG, row=number, column=column, length=len(cell), limit=char_cap, start=clip(cell, 20)
                )
        yield number, cells


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1
    column: str  # the column's header, or "" for the row as a whole
    value: str
    reason: str

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row}
        if self.column:
            where += f" {self.column}"
        if self.value:
            where += f"“{clip(self.value)}”"
        return f"{where}：{self.reason}"


@dataclass
class ImportResult:
    """What an all-or-nothing import did (or, in a dry run, would do)."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    # What deserves a look but does not stop the import (shown in the preview and the result).
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def normalize_header(header: Any, aliases: Mapping[str, str] | None = None) -> str:
    """The canonical header for a header cell: spaces and full-width forms removed, `aliases` resolved."""
    text = unicodedata.normalize("NFKC", "" if header is None else str(header))
    text = "".join(text.split())
    return (aliases or {}).get(text, text)


def cell_text(value: Any) -> str:
    """The cell as trimmed text: Excel numbers without a spurious ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


@dataclass
class Table:
    headers: list[str]  # canonical headers, as in the file's first row
    rows: Iterator[tuple[int, Sequence[Any]]]  # (row number, cells) for every row after the header
    total_rows: int | None  # data rows, when the file says


def csv_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) unless `head`, the start of a file, is not UTF-8: then GB 18030 (Excel in China)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        return csv_encoding(handle.read(1 << 20))


@contextmanager
def open_table(path: str | Path, *, normalize: Callable[[Any], str] = normalize_header) -> Iterator[Table]:
    """The file's header and rows, streamed (openpyxl read-only mode for xlsx, the csv module for csv)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFileError(_("找不到文件：%(path)s") % {"path": path})
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        check_xlsx_archive(path)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors for damaged files
            raise ImportFileError(_("无法读取Excel文件：%(error)s") % {"error": exc}) from exc
        try:
            sheet = workbook.active  # the sheet the file opens on, as the admin's import reads it
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None) or ()
            total = (sheet.max_row - 1) if sheet.max_row else None
            if total is not None and total > max_rows():
                raise cap_error(TOO_MANY_ROWS, limit=max_rows())
            headers = [normalize(cell) for cell in header]
            yield Table(headers, capped_rows(enumerate(rows, start=2), headers), total)
        finally:
            workbook.close()
    elif suffix in (".csv", ".txt"):
        encoding = _sniff_encoding(path)
        with path.open(newline="", encoding=encoding) as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader, None) or []
                headers = [normalize(cell) for cell in header]
                yield Table(headers, capped_rows(enumerate(reader, start=2), headers), None)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise ImportFileError(
                    _("无法读取CSV文件（第%(line)d行附近）：%(error)s") % {"line": reader.line_num, "error": exc}
                ) from exc
    else:
        raise ImportFileError(
            _("不支持的文件类型“%(suffix)s”：请使用 .xlsx 或 .csv 文件") % {"suffix": suffix or path.name}
        )


# ---- writing -------------------------------------------------------------------------------------------------------


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def escape_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (for CSV, which has no cell types)."""
    return "'" + text if is_formula_like(text) else text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return escape_formula(str(value))


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer inside a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text line by line, starting with a byte-order mark so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_csv_value(header) for header in headers])
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row])


CSV_CHUNK_CHARS = 64 * 1024


def csv_chunks(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, chunk_chars: int | None = None
) -> Iterator[str]:
    """The CSV text of `csv_lines` in pieces of about `chunk_chars` characters (CSV_CHUNK_CHARS by default): a
    streaming response or a file gets one write per piece, not one per line."""
    chunk_chars = chunk_chars or CSV_CHUNK_CHARS
    pending: list[str] = []
    size = 0
    for line in csv_lines(headers, rows):
        pending.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def write_csv(handle: BinaryIO, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Write the CSV (UTF-8 with a byte-order mark) into a binary file a chunk at a time: flat memory."""
    for chunk in csv_chunks(headers, rows):
        handle.write(chunk.encode("utf-8"))


def _set_value(cell, value: Any, *, number_format: str | None = None) -> None:
    """Give an openpyxl cell its value the formula-safe way: text is always text, numbers and dates formatted."""
    if isinstance(value, bool):
        cell.value = _("是") if value else _("否")
        cell.data_type = "s"
    elif isinstance(value, datetime.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal | int | float):
        cell.value = value
        if isinstance(value, Decimal):
            cell.number_format = number_format or MONEY_FORMAT
    else:
        text = str(value)
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if is_formula_like(text):
            cell.quotePrefix = True  # and kept text when edited in Excel


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """An Excel workbook written row by row (openpyxl write-only mode), returned as bytes (for small files)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title=title)
    return buffer.getvalue()


def write_xlsx(target: BinaryIO, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> None:
    """Write an Excel workbook into a binary file row by row (openpyxl write-only mode: the rows go to a temporary
    file as they come, then into the archive), so memory does not grow with the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"

    def cell(value):
        if value is None:
            return None
        written = WriteOnlyCell(sheet)
        _set_value(written, value)
        return written

    sheet.append([cell(header) for header in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    workbook.save(target)


def write_cell(sheet: Worksheet, row: int, column: int, value: Any, *, number_format: str | None = None):
    """Write one cell of a styled (not write-only) sheet, formula-safe like `xlsx_bytes`."""
    cell = sheet.cell(row=row, column=column)
    if value is not None:
        _set_value(cell, value, number_format=number_format)
    return cell


def write_table(
    sheet: Worksheet,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
    number_format: str | None = None,
    first_row: int = 1,
) -> int:
    """A header row (bold, shaded, frozen) and the data rows below it; returns the next free row."""
    for column, label in enumerate(header, start=1):
        cell = write_cell(sheet, first_row, column, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    row_number = first_row
    for row_number, row in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(row, start=1):
            write_cell(sheet, row_number, column, value, number_format=number_format)
    if first_row == 1:
        sheet.freeze_panes = "A2"
    for column, width in enumerate(widths or [16] * len(header), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return row_number + 1


def write_pairs(sheet: Worksheet, pairs: Iterable[tuple[Any, Any]], *, number_format: str | None = None) -> None:
    """A two-column sheet of labels (bold) and values: the summary sheet of a report."""
    for row_number, (label, value) in enumerate(pairs, start=1):
        write_cell(sheet, row_number, 1, label).font = HEADER_FONT
        write_cell(sheet, row_number, 2, value, number_format=number_format)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 60


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- the admin's import-export formats ------------------------------------------------------------------------------


def _dataset_rows(dataset) -> Iterator[Sequence[Any]]:
    for row in dataset:
        yield row


def _capped_dataset(dataset):
    """Refuse a dataset past the import caps (rows, characters of a cell)."""
    headers = [str(header) for header in (dataset.headers or [])]
    for _row in capped_rows(enumerate(dataset, start=2), headers):
        pass
    return dataset


class XLSXFormat(base_formats.XLSX):
    """django-import-export's xlsx, read within the import caps, written by `xlsx_bytes`: text cells stay text,
    never formulas."""

    def create_dataset(self, in_stream):
        check_xlsx_archive(in_stream)
        return _capped_dataset(super().create_dataset(in_stream))

    def export_data(self, dataset, **kwargs) -> bytes:
        return xlsx_bytes(dataset.headers or [], _dataset_rows(dataset), title=dataset.title or "Sheet")


class CSVFormat(base_formats.CSV):
    """CSV as Chinese users have it: read as UTF-8 or GB 18030 (what Excel saves in China), written by `csv_lines`
    (a byte-order mark so that Excel shows the Chinese text, formula-like text escaped)."""

    def is_binary(self):
        return True  # the admin hands over bytes, decoded here once the encoding is known

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(csv_encoding(in_stream[: 1 << 20]))
        try:
            return _capped_dataset(super().create_dataset(in_stream, **kwargs))
        except csv.Error as exc:
            raise ImportFileError(_("无法读取CSV文件：%(error)s") % {"error": exc}) from exc

    def export_data(self, dataset, **kwargs) -> str:
        return "".join(csv_lines(dataset.headers or [], _dataset_rows(dataset)))
