"""Importing a draft purchase list's items from Excel, and exporting a list's items with the same headers.

Imports are all or nothing: the file is read into a dataset, contracts.resources.PurchaseItemResource checks and
writes every row inside one transaction (through the item services), and one bad row rolls everything back. Every bad
row is reported with its row number as the spreadsheet shows it (the header is row 1), the column's header, the value
and the reason in Chinese. A dry run checks and counts without writing, for the preview page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from contracts.models import PurchaseItem, PurchaseList
from contracts.resources import HEADERS, PurchaseItemResource, category_labels, normalize_header
from contracts.services.common import require_list_writer
from contracts.workflows import PURCHASE_LIST
from core.spreadsheets import ImportFileError, RowError, capped_rows, cell_text, check_xlsx_archive, xlsx_bytes

__all__ = [
    "HEADERS",
    "ImportFileError",
    "ItemImportResult",
    "PreviewRow",
    "RowError",
    "purchase_items_import",
    "purchase_items_xlsx",
    "read_items",
]

ACTION_LABELS = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("新增"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("更新"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("无变化"),
}


@dataclass(frozen=True)
class PreviewRow:
    """What the import does with one good row."""

    row: int
    action: str  # RowResult.IMPORT_TYPE_NEW, _UPDATE or _SKIP
    code: str
    service_name: str
    budget: str

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


@dataclass
class ItemImportResult:
    dry_run: bool
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self._count(RowResult.IMPORT_TYPE_NEW)

    @property
    def updated(self) -> int:
        return self._count(RowResult.IMPORT_TYPE_UPDATE)

    @property
    def unchanged(self) -> int:
        return self._count(RowResult.IMPORT_TYPE_SKIP)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_items(content: bytes) -> tuple[tablib.Dataset, list[int]]:
    """The first sheet of an xlsx file as a dataset with the canonical headers, and each data row's row number.

    Blank rows are left out (their numbers are skipped, so later rows keep the numbers the spreadsheet shows).
    Raises ImportFileError for a file that cannot be read, lacks or repeats a column, or has no data rows.
    """
    import openpyxl

    check_xlsx_archive(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors for damaged files
        raise ImportFileError(_("无法读取Excel文件：%(error)s") % {"error": exc}) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [normalize_header(cell) for cell in (next(rows, None) or ())]
        positions: dict[str, int] = {}
        repeated = []
        for position, name in enumerate(header):
            if name in positions:
                repeated.append(name)
            if name in HEADERS.values():
                positions.setdefault(name, position)
        repeated = [name for name in repeated if name in HEADERS.values()]
        if repeated:
            raise ImportFileError(_("以下列出现了不止一次：%(columns)s") % {"columns": "、".join(repeated)})
        missing = [name for name in HEADERS.values() if name not in positions]
        if missing:
            raise ImportFileError(
                _("缺少必需的列：%(columns)s（第1行应为列名：%(expected)s）")
                % {"columns": "、".join(missing), "expected": "、".join(HEADERS.values())}
            )
        dataset = tablib.Dataset(headers=list(HEADERS.values()))
        numbers: list[int] = []
        for number, cells in capped_rows(enumerate(rows, start=2), header):
            if _is_blank(cells):
                continue
            width = len(cells)
            dataset.append([cells[positions[name]] if positions[name] < width else None for name in HEADERS.values()])
            numbers.append(number)
    finally:
        workbook.close()
    if not numbers:
        raise ImportFileError(_("文件中没有数据行（第1行为列名，数据从第2行开始）"))
    return dataset, numbers


def check_importer(actor, purchase_list: PurchaseList) -> None:
    """The item services' own checks, before the file is read: the actor edits the list, the list is a draft."""
    require_list_writer(actor, purchase_list)
    PURCHASE_LIST.check("import_items", purchase_list.status)


def _raw(dataset: tablib.Dataset, number: int) -> dict[str, Any]:
    return dict(zip(dataset.headers, dataset[number - 1], strict=True))


def purchase_items_import(
    *, actor, purchase_list: PurchaseList, content: bytes, dry_run: bool = False
) -> ItemImportResult:
    """Import the items in the xlsx `content` into the draft `purchase_list`, all or nothing.

    Raises PermissionDenied when `actor` may not edit the list, ValidationError (code `wrong_state`) when the list
    is not a draft and ImportFileError when the file as a whole cannot be imported.
    """
    check_importer(actor, purchase_list)
    dataset, numbers = read_items(content)
    resource = PurchaseItemResource(purchase_list=purchase_list, actor=actor)
    resource.row_numbers = {index: number for index, number in enumerate(numbers, start=1)}
    outcome = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    if outcome.base_errors:
        raise ImportFileError("；".join(str(error.error) for error in outcome.base_errors))

    result = ItemImportResult(dry_run=dry_run)
    for invalid in outcome.invalid_rows:
        raw = _raw(dataset, invalid.number)
        row = resource.spreadsheet_row(invalid.number)
        for name, messages in invalid.error_dict.items():
            header = HEADERS.get(name, "")
            value = cell_text(raw.get(header)) if header else ""
            result.errors.extend(RowError(row, header, value, str(message)) for message in messages)
    for number, errors in outcome.row_errors():
        row = resource.spreadsheet_row(number)
        result.errors.extend(RowError(row, "", "", str(error.error)) for error in errors)
    result.errors.sort(
        key=lambda error: (error.row, list(HEADERS.values()).index(error.column) if error.column else -1)
    )

    for index, row_result in enumerate(outcome.rows, start=1):
        if row_result.import_type not in ACTION_LABELS:
            continue
        raw = _raw(dataset, index)
        result.rows.append(
            PreviewRow(
                row=resource.spreadsheet_row(index),
                action=row_result.import_type,
                code=cell_text(raw[HEADERS["code"]]),
                service_name=cell_text(raw[HEADERS["service_name"]]),
                budget=cell_text(raw[HEADERS["budget"]]),
            )
        )
    return result


def export_rows(purchase_list: PurchaseList) -> list[list]:
    labels = category_labels()
    rows = []
    for item in PurchaseItem.objects.filter(purchase_list=purchase_list).order_by("code"):
        rows.append(
            [
                item.code,
                labels.get(item.category, item.category),
                item.subcategory,
                item.service_name,
                item.description,
                item.provider_requirements,
                Decimal(item.quantity),
                item.unit,
                Decimal(item.budget),
                item.service_start_on,
                item.service_end_on,
                item.performance_targets,
            ]
        )
    return rows


def purchase_items_xlsx(purchase_list: PurchaseList) -> bytes:
    """The list's items as an xlsx file with the import headers (text that looks like a formula stays text)."""
    return xlsx_bytes(list(HEADERS.values()), export_rows(purchase_list), title="购买项目")


def export_filename(purchase_list: PurchaseList) -> str:
    return _("购买项目-%(year)s-%(pk)s-%(date)s.xlsx") % {
        "year": purchase_list.year,
        "pk": purchase_list.pk,
        "date": timezone.localdate().isoformat(),
    }
