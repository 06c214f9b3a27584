"""The file format of the organization import and export: its columns, their Chinese headers, and reading a file's
header row.

The headers are the format itself, the same in every language, in the order the export writes them; a file may use
the other spellings seen in registry exports (HEADER_ALIASES) and may leave out the optional columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheets import ImportFileError
from core.spreadsheets import normalize_header as core_normalize_header
from core.spreadsheets import open_table as core_open_table


@dataclass(frozen=True)
class Column:
    """One column of the file: the model field it fills, its header, and whether file and cell may leave it out."""

    field: str
    header: str
    required: bool = True  # the cell must be filled
    optional_column: bool = False  # the file may leave the whole column out


# The headers are the file format (the same in every language), in the order the export writes them.
COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码"),
    Column("name", "名称"),
    Column("org_type", "类型"),
    Column("registration_authority", "登记管理机关"),
    Column("supervisory_unit", "业务主管单位", required=False),
    Column("legal_representative", "法定代表人"),
    Column("registered_funds", "注册资金"),
    Column("established_on", "成立日期"),
    Column("domicile", "住所"),
    Column("business_scope", "业务范围", required=False),
    Column("region", "所属区划"),
    Column("status", "状态"),
    Column("contact_phone", "联系电话", required=False, optional_column=True),
    Column("contact_email", "联系邮箱", required=False, optional_column=True),
    Column("certificate_valid_until", "证书有效期至", required=False, optional_column=True),
)
# The organization's evaluation grade: not Organization fields, each row with a grade becomes a Rating.
RATING_COLUMNS: tuple[Column, ...] = (
    Column("rating_grade", "评估等级", required=False, optional_column=True),
    Column("rating_score", "评估得分", required=False, optional_column=True),
    Column("rating_awarded_on", "评定日期", required=False, optional_column=True),
)
ALL_COLUMNS: tuple[Column, ...] = COLUMNS + RATING_COLUMNS
COLUMN_BY_FIELD: dict[str, Column] = {column.field: column for column in COLUMNS}
HEADER_BY_FIELD: dict[str, str] = {column.field: column.header for column in ALL_COLUMNS}
# Other spellings seen in registry exports (the model's verbose names), mapped to the canonical header.
HEADER_ALIASES = {"注册资金(元)": "注册资金", "开办资金": "注册资金", "登记状态": "状态", "社会组织名称": "名称"}
# Foreign keys are stored by id.
ATTNAME = {"registration_authority": "registration_authority_id", "region": "region_id"}


def normalize_header(header: Any) -> str:
    """The canonical header for a header cell: spaces and full-width forms removed, aliases resolved."""
    return core_normalize_header(header, HEADER_ALIASES)


def open_table(path):
    """The file's header (canonical organization headers) and rows: core.spreadsheets.open_table."""
    return core_open_table(path, normalize=normalize_header)


def column_positions(headers: Sequence[str]) -> dict[str, int]:
    """Field -> position of its column; raises ImportFileError for missing or repeated columns."""
    positions: dict[str, int] = {}
    fields_by_header = {column.header: column.field for column in ALL_COLUMNS}
    repeated = []
    for position, header in enumerate(headers):
        field_name = fields_by_header.get(header)
        if field_name is None:
            continue
        if field_name in positions:
            repeated.append(header)
        positions[field_name] = position
    if repeated:
        raise ImportFileError(_("以下列出现了不止一次：%(columns)s") % {"columns": "、".join(repeated)})
    missing = [column.header for column in COLUMNS if not column.optional_column and column.field not in positions]
    if missing:
        raise ImportFileError(
            _("缺少必需的列：%(columns)s（第1行应为列名：%(expected)s）")
            % {
                "columns": "、".join(missing),
                "expected": "、".join(column.header for column in COLUMNS if not column.optional_column),
            }
        )
    return positions


_COLUMN_ORDER = {column.header: index for index, column in enumerate(ALL_COLUMNS)}


def column_order(header: str) -> int:
    """Where a column stands in the file format (errors are reported row by row, in this order)."""
    return _COLUMN_ORDER.get(header, len(_COLUMN_ORDER))
