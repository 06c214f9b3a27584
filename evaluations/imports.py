"""Indicator sets to and from Excel (xlsx), with Chinese column headers.

The file format (first sheet, header in row 1, one indicator per row, parents usually before their children):

| 指标编码 | 上级编码 | 指标名称 | 层级 | 分值 | 满分 | 评分说明 |

指标编码, 指标名称 and 分值 are required in every row; 上级编码 is empty for a first-level indicator; 层级 (1-3) is
checked against the parents when given; 满分 defaults to 分值; 评分说明 is free text. The order of the rows is the
order of the indicators among their siblings.

An import is all or nothing: every problem is reported with its row number as the spreadsheet shows it (the header
is row 1) and nothing is written unless the whole file is a valid indicator set (a tree at most three levels deep,
each parent's 分值 equal to the sum of its children's, the leaves' 分值 summing to 100). A valid file becomes a new
draft set, or a new draft version when a set of that name exists, or replaces the indicators of that name's draft.

A refused import raises `IndicatorImportError`: a ValidationError whose refusals about the file as a whole are coded
(`unreadable_file`, `missing_columns`, `weights_not_100`, …) and whose row problems are coded `invalid_row`, each
kept as a `RowError` (row, column, value, reason) in `row_errors`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from core.formatting import points
from core.services import lazy_message, lock, refusal, require, save
from core.spreadsheets import (
    ImportFileError,
    RowError,
    capped_rows,
    cell_text,
    check_xlsx_archive,
    workbook_bytes,
    write_pairs,
    write_table,
)
from evaluations import permissions
from evaluations.models import Indicator, IndicatorSet
from evaluations.selectors import indicator_tree

CODE = "指标编码"
PARENT = "上级编码"
NAME = "指标名称"
LEVEL = "层级"
WEIGHT = "分值"
MAX_SCORE = "满分"
GUIDANCE = "评分说明"
HEADERS = (CODE, PARENT, NAME, LEVEL, WEIGHT, MAX_SCORE, GUIDANCE)
REQUIRED_HEADERS = (CODE, NAME, WEIGHT)
HUNDRED = Decimal("100")
MAX_ROWS = 500


_row_text = lazy(str, str)  # a RowError as text, in the language active when it is shown


class IndicatorImportError(ValidationError):
    """The file was not imported. `general` are the coded refusals about the file as a whole, `row_errors` the
    problems of single rows; the error itself carries both (each row coded `invalid_row`), so `messages` lists every
    problem as text."""

    def __init__(self, general: list[ValidationError], row_errors: list[RowError] | None = None):
        self.general = list(general)
        self.row_errors = list(row_errors or [])
        rows = [ValidationError(_row_text(error), code="invalid_row") for error in self.row_errors]
        super().__init__(self.general + rows)

    @property
    def general_messages(self) -> list[str]:
        """The refusals about the file as a whole, as text."""
        return ValidationError(self.general).messages if self.general else []


@dataclass(frozen=True)
class IndicatorImport:
    indicator_set: IndicatorSet
    indicator_count: int
    replaced_draft: bool  # the indicators of an existing draft were replaced


@dataclass
class _Row:
    row: int
    code: str
    parent_code: str
    name: str
    level: int | None
    weight: Decimal
    max_score: Decimal
    guidance: str
    depth: int = 0


def _header(value: Any) -> str:
    return "".join(cell_text(value).split())


def _read_rows(file) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    """The header's column positions and the non-blank data rows (row number, cells) of the first sheet."""
    source: str | Path | IO[bytes] = file
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        check_xlsx_archive(source)
    except ImportFileError as error:
        raise IndicatorImportError([refusal(error.template, code="file_too_large", **error.params)]) from None
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, KeyError and XML errors for anything that is not an xlsx workbook
        raise IndicatorImportError(
            [refusal(_("无法读取该文件：请上传 Excel 工作簿（.xlsx）。"), code="unreadable_file")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise IndicatorImportError([refusal(_("文件是空的。"), code="empty_file")])
        positions: dict[str, int] = {}
        for index, value in enumerate(header_cells):
            header = _header(value)
            if header in HEADERS and header not in positions:
                positions[header] = index
        missing = [header for header in REQUIRED_HEADERS if header not in positions]
        if missing:
            raise IndicatorImportError(
                [
                    refusal(
                        _("缺少必需的列：%(missing)s。表头应为：%(headers)s。"),
                        code="missing_columns",
                        missing="、".join(missing),
                        headers="、".join(HEADERS),
                    )
                ]
            )
        data = []
        try:
            numbered = list(capped_rows(enumerate(rows, start=2), [_header(value) for value in header_cells]))
        except ImportFileError as error:
            raise IndicatorImportError([refusal(error.template, code="file_too_large", **error.params)]) from None
        for number, cells in numbered:
            if cells is None or all(cell_text(value) == "" for value in cells):
                continue
            data.append((number, cells))
            if len(data) > MAX_ROWS:
                raise IndicatorImportError(
                    [refusal(_("指标不能超过 %(max)d 行。"), code="too_many_rows", max=MAX_ROWS)]
                )
        if not data:
            raise IndicatorImportError([refusal(_("文件中没有指标。"), code="no_rows")])
        return positions, data
    finally:
        workbook.close()


def _number(text: str, *, low_exclusive: Decimal, high: Decimal) -> Decimal:
    """The cell's number; a ValueError whose argument is the (lazy) reason otherwise."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("须为数字")) from None
    if not value.is_finite():
        raise ValueError(_("须为数字"))
    value = value.normalize() if value == value.to_integral_value() else value
    if value.as_tuple().exponent < -2:
        # Excel stores 12.3 as a binary float; anything beyond two decimals that is not float noise is refused.
        rounded = value.quantize(Decimal("0.01"))
        if abs(rounded - value) > Decimal("0.0000001"):
            raise ValueError(_("最多保留两位小数"))
        value = rounded
    if value <= low_exclusive or value > high:
        raise ValueError(lazy_message(_("须大于 %(low)s 且不超过 %(high)s"), {"low": low_exclusive, "high": high}))
    return value.quantize(Decimal("0.01"))


def _parse(positions: dict[str, int], data: list[tuple[int, tuple]]) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}

    def cell(cells: tuple, header: str) -> str:
        index = positions.get(header)
        return cell_text(cells[index]) if index is not None and index < len(cells) else ""

    for number, cells in data:
        row_errors: list[RowError] = []
        code = cell(cells, CODE)
        parent_code = cell(cells, PARENT)
        name = cell(cells, NAME)
        level_text = cell(cells, LEVEL)
        weight_text = cell(cells, WEIGHT)
        max_text = cell(cells, MAX_SCORE)
        guidance = cell(cells, GUIDANCE)
        if not code:
            row_errors.append(RowError(number, CODE, "", _("必须填写")))
        elif len(code) > 20:
            row_errors.append(RowError(number, CODE, code, _("不能超过20个字符")))
        elif code in seen:
            row_errors.append(
                RowError(number, CODE, code, lazy_message(_("与第%(row)d行的编码重复"), {"row": seen[code]}))
            )
        else:
            seen[code] = number
        if not name:
            row_errors.append(RowError(number, NAME, "", _("必须填写")))
        elif len(name) > 200:
            row_errors.append(RowError(number, NAME, name[:20], _("不能超过200个字符")))
        level = None
        if level_text:
            if level_text not in ("1", "2", "3"):
                row_errors.append(RowError(number, LEVEL, level_text, _("须为 1、2 或 3")))
            else:
                level = int(level_text)
        weight = max_score = Decimal("0")
        if not weight_text:
            row_errors.append(RowError(number, WEIGHT, "", _("必须填写")))
        else:
            try:
                weight = _number(weight_text, low_exclusive=Decimal("0"), high=HUNDRED)
            except ValueError as error:
                row_errors.append(RowError(number, WEIGHT, weight_text, error.args[0]))
        if max_text:
            try:
                max_score = _number(max_text, low_exclusive=Decimal("0"), high=Decimal("9999.99"))
            except ValueError as error:
                row_errors.append(RowError(number, MAX_SCORE, max_text, error.args[0]))
        else:
            max_score = weight
        if parent_code and parent_code == code:
            row_errors.append(RowError(number, PARENT, parent_code, _("不能以本指标作为上级")))
        errors.extend(row_errors)
        rows.append(_Row(number, code, parent_code, name, level, weight, max_score, guidance))
    return rows, errors


def _check_tree(rows: list[_Row]) -> tuple[list[ValidationError], list[RowError]]:
    """Parents exist, no cycles, at most three levels, 层级 consistent, weights add up."""
    errors: list[RowError] = []
    by_code = {row.code: row for row in rows if row.code}
    children: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.parent_code:
            if row.parent_code not in by_code:
                errors.append(RowError(row.row, PARENT, row.parent_code, _("文件中没有该编码的指标")))
                continue
            children[row.parent_code].append(row)
    if errors:
        return [], errors
    for row in rows:
        chain = [row.code]
        current = row
        while current.parent_code:
            current = by_code[current.parent_code]
            if current.code in chain:
                errors.append(RowError(row.row, PARENT, row.parent_code, _("上级编码形成循环")))
                break
            chain.append(current.code)
        else:
            row.depth = len(chain)
            if row.depth > Indicator.MAX_LEVEL:
                errors.append(
                    RowError(
                        row.row,
                        PARENT,
                        row.parent_code,
                        lazy_message(_("指标最多三级，本指标为第%(depth)d级"), {"depth": row.depth}),
                    )
                )
            elif row.level is not None and row.level != row.depth:
                errors.append(
                    RowError(
                        row.row,
                        LEVEL,
                        str(row.level),
                        lazy_message(_("按上级编码应为第%(depth)d级"), {"depth": row.depth}),
                    )
                )
    if errors:
        return [], errors
    for row in rows:
        kids = children.get(row.code)
        if kids:
            total = sum((kid.weight for kid in kids), Decimal("0"))
            if total != row.weight:
                errors.append(
                    RowError(
                        row.row,
                        WEIGHT,
                        points(row.weight),
                        lazy_message(_("下级指标分值合计为 %(sum)s，应与本指标分值相等"), {"sum": points(total)}),
                    )
                )
    leaf_sum = sum((row.weight for row in rows if row.code not in children), Decimal("0"))
    messages = []
    if leaf_sum != HUNDRED:
        messages.append(
            refusal(_("末级指标分值合计为 %(sum)s，应为 100.00。"), code="weights_not_100", sum=points(leaf_sum))
        )
    return messages, errors


def _target_set(actor, name: str, description: str) -> tuple[IndicatorSet, bool]:
    """The draft to fill: the name's existing draft (emptied), a new version of the name, or a new set."""
    draft = IndicatorSet.objects.filter(name=name, status=IndicatorSet.Status.DRAFT).first()
    if draft is not None:
        lock(draft)
        for root in Indicator.objects.filter(indicator_set=draft, parent__isnull=True):
            root._history_user = actor
            root.delete()
        if description:
            draft.description = description
            save(draft, actor=actor)
        return draft, True
    latest = IndicatorSet.objects.filter(name=name).order_by("-version").first()
    if latest is not None:
        version = IndicatorSet.objects.filter(name=name).aggregate(latest=Max("version"))["latest"] + 1
        indicator_set = IndicatorSet(
            name=name,
            version=version,
            description=description or latest.description,
            previous_version=latest,
            created_by=actor,
        )
    else:
        indicator_set = IndicatorSet(name=name, version=1, description=description, created_by=actor)
    save(indicator_set, actor=actor)
    return indicator_set, False


@transaction.atomic
def indicator_set_import(*, actor, file, name: str, description: str = "") -> IndicatorImport:
    """Import an indicator set from an xlsx file (a path or an uploaded file) as a draft named `name`.

    Raises IndicatorImportError (a ValidationError) listing every problem; nothing is written then.
    """
    require(permissions.can_manage_indicator_sets(actor), _("只有登记管理人员或购买主体人员可以维护指标体系。"))
    name = (name or "").strip()
    if not name:
        raise IndicatorImportError([refusal(_("请填写指标体系名称。"), code="required")])
    if len(name) > 200:
        raise IndicatorImportError([refusal(_("指标体系名称不能超过200个字符。"), code="name_too_long")])
    positions, data = _read_rows(file)
    rows, errors = _parse(positions, data)
    if errors:
        raise IndicatorImportError([], errors)
    messages, errors = _check_tree(rows)
    if messages or errors:
        raise IndicatorImportError(messages, errors)

    indicator_set, replaced = _target_set(actor, name, (description or "").strip())
    created: dict[str, Indicator] = {}
    sibling_order: dict[str, int] = defaultdict(int)
    for row in sorted(rows, key=lambda row: (row.depth, row.row)):
        parent = created.get(row.parent_code) if row.parent_code else None
        indicator = Indicator(
            indicator_set=indicator_set,
            parent=parent,
            level=row.depth,
            code=row.code,
            name=row.name,
            weight=row.weight,
            max_score=row.max_score,
            guidance=row.guidance,
            order=sibling_order[row.parent_code],
        )
        sibling_order[row.parent_code] += 1
        save(indicator, actor=actor, reason=gettext("从 Excel 导入"))
        created[row.code] = indicator
    return IndicatorImport(indicator_set=indicator_set, indicator_count=len(created), replaced_draft=replaced)


def indicator_set_export(indicator_set: IndicatorSet) -> bytes:
    """The set as an xlsx workbook in the import format (first sheet), with a second sheet describing the set."""
    tree = indicator_tree(indicator_set)
    by_id = {indicator.pk: indicator for indicator in tree}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("指标")
    write_table(
        sheet,
        HEADERS,
        (
            [
                indicator.code,
                by_id[indicator.parent_id].code if indicator.parent_id in by_id else "",
                indicator.name,
                indicator.level,
                indicator.weight,
                indicator.max_score,
                indicator.guidance,
            ]
            for indicator in tree
        ),
        widths=[12, 12, 36, 8, 10, 10, 60],
    )
    about = workbook.create_sheet(gettext("说明"))
    write_pairs(
        about,
        [
            (gettext("指标体系"), indicator_set.name),
            (gettext("版本"), indicator_set.version),
            (gettext("状态"), indicator_set.get_status_display()),
            (gettext("说明"), indicator_set.description),
            (
                gettext("填写要求"),
                gettext("末级指标分值合计须为 100；上级指标分值等于其下级指标分值之和；满分为空时按分值计。"),
            ),
        ],
    )
    return workbook_bytes(workbook)
