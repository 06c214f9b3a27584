"""Importing social organizations from Excel (xlsx) and CSV files with Chinese column headers.

One set of rules serves every way in: `manage.py import_organizations` streams a file through `organizations_import`,
and the admin's django-import-export resource (registry/resources.py) calls the same cell parsers from its widgets and
the same cross-row checks from its hooks. Every parser takes the raw cell (a string from CSV; a string, number or date
from Excel) and returns the Python value, or raises ValueError with the reason in Chinese.

Imports are all or nothing: one bad row and nothing is written, and every bad row is reported with its row number as
the spreadsheet shows it (the header is row 1), the column's header, the value and the reason. Rows are keyed by the
unified social credit code: a known code updates the organization when something differs, an unknown one registers it,
and an identical row changes nothing. Created and changed organizations get their history rows (simple-history), with
the importing user as history_user when there is one.

Three optional columns carry an evaluation grade (评估等级, 评估得分, 评定日期). Once the organizations are written,
each row with a grade gets its Rating (valid five years from the award, awarded by the organization's registration
authority) unless the organization already has that grade from that day, so re-importing a file adds no rating twice.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connections, models, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_history_model_for_model

from accounts.permissions import is_registrar, is_superuser, user_covers_region
from core.spreadsheets import ImportFileError, RowError, cell_text, is_blank
from core.spreadsheets import ImportResult as BaseImportResult
from core.spreadsheets import normalize_header as core_normalize_header
from core.spreadsheets import open_table as core_open_table
from registry.models import Department, Organization, Rating, Region
from registry.uscc import validate_uscc

# --- the file format -----------------------------------------------------------------------------------------------


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

PROGRESS_EVERY = 5000
BATCH_SIZE = 500
ANSWERS_KEPT = 10_000


def normalize_header(header: Any) -> str:
    """The canonical header for a header cell: spaces and full-width forms removed, aliases resolved."""
    return core_normalize_header(header, HEADER_ALIASES)


@dataclass
class ImportResult(BaseImportResult):
    ratings_created: int = 0


def open_table(path):
    """The file's header (canonical organization headers) and rows: core.spreadsheets.open_table."""
    return core_open_table(path, normalize=normalize_header)


# --- what the checks need from the database ------------------------------------------------------------------------


def _compact(value: Any) -> str:
    """NFKC-normalized text without any spaces, for matching codes and names."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


class Lookups:
    """Regions and departments, loaded once per import, answering the cell parsers without further queries."""

    def __init__(self, regions: Sequence[Region], departments: Sequence[Department], today: datetime.date):
        self.today = today
        self.regions_by_code: dict[str, Region] = {region.code: region for region in regions}
        self.regions_by_id: dict[int, Region] = {region.pk: region for region in regions}
        self.region_codes = frozenset(self.regions_by_code)
        self.full_names: dict[str, str] = {}
        by_name: dict[str, set[str]] = defaultdict(set)
        for region in regions:
            chain = [
                self.regions_by_code[code].name
                for code in region.path.strip("/").split("/")
                if code in self.regions_by_code and self.regions_by_code[code].level != Region.Level.NATIONAL
            ] or [region.name]
            self.full_names[region.code] = "".join(chain)
            # Every tail of the chain names the region: 新城区, 呼和浩特市新城区, 内蒙古自治区呼和浩特市新城区.
            for start in range(len(chain)):
                by_name[_compact("".join(chain[start:]))].add(region.code)
        self.region_codes_by_name = {name: sorted(codes) for name, codes in by_name.items()}
        self.departments_by_code: dict[str, Department] = {}
        departments_by_name: dict[str, list[Department]] = defaultdict(list)
        for department in departments:
            self.departments_by_code[_compact(department.code).upper()] = department
            departments_by_name[_compact(department.name)].append(department)
        self.departments_by_name = dict(departments_by_name)
        # A file names the same few regions and departments over and over: remember each cell's answer.
        self._answers: dict[tuple[str, str], Region | Department | str] = {}

    @classmethod
    def load(cls) -> Lookups:
        regions = list(Region.objects.only("id", "code", "name", "level", "path", "parent_id"))
        departments = list(Department.objects.select_related("region"))
        return cls(regions, departments, timezone.localdate())

    def full_name(self, region: Region) -> str:
        return self.full_names.get(region.code, region.name)

    def _remembered(self, kind: str, value: Any, find: Callable[[str], Any]) -> Any:
        text = cell_text(value)
        answer = self._answers.get((kind, text))
        if answer is None:
            try:
                answer = find(text)
            except ValueError as exc:
                answer = str(exc)
            if len(self._answers) < ANSWERS_KEPT:
                self._answers[kind, text] = answer
        if isinstance(answer, str):
            raise ValueError(answer)
        return answer

    def region(self, value: Any) -> Region:
        """The region a cell names: a 6-digit code, or a name that only one region has."""
        return self._remembered("region", value, self._find_region)

    def department(self, value: Any) -> Department:
        """The civil-affairs department a cell names: its code or its (unique) name."""
        return self._remembered("department", value, self._find_department)

    def _find_region(self, text: str) -> Region:
        if not text:
            raise ValueError(_("必须填写（6位行政区划代码或完整名称）"))
        key = _compact(text)
        if key.isdigit():
            region = self.regions_by_code.get(key)
            if region is None:
                raise ValueError(_("不是已知的行政区划代码"))
            return region
        codes = self.region_codes_by_name.get(key, ())
        if not codes:
            raise ValueError(_("不是已知的行政区划，请填写6位区划代码或完整名称，如“内蒙古自治区呼和浩特市新城区”"))
        if len(codes) > 1:
            shown = "、".join(f"{self.full_names[code]}（{code}）" for code in codes[:5])
            raise ValueError(
                _("对应多个行政区划：%(regions)s；请填写区划代码或完整名称，如“%(example)s”")
                % {"regions": shown, "example": self.full_names[codes[0]]}
            )
        return self.regions_by_code[codes[0]]

    def _find_department(self, text: str) -> Department:
        if not text:
            raise ValueError(_("必须填写（部门名称或部门代码）"))
        key = _compact(text)
        department = self.departments_by_code.get(key.upper())
        if department is None:
            matches = self.departments_by_name.get(key, [])
            if not matches:
                raise ValueError(_("不是已知的部门，请填写登记管理机关的名称（如“呼和浩特市民政局”）或部门代码"))
            if len(matches) > 1:
                raise ValueError(
                    _("有多个同名部门，请改填部门代码：%(codes)s")
                    % {"codes": "、".join(f"{d.code}（{d.region.name}）" for d in matches)}
                )
            department = matches[0]
        if department.kind != Department.Kind.CIVIL_AFFAIRS:
            raise ValueError(_("登记管理机关应为民政部门，“%(name)s”不是民政部门") % {"name": department.name})
        return department


# --- cell parsers --------------------------------------------------------------------------------------------------


def _max_length(field_name: str) -> int | None:
    return Organization._meta.get_field(field_name).max_length


def text_parser(field_name: str) -> Callable[[Any, Lookups | None], str]:
    """A parser for a text column: required as COLUMNS says, no longer than the model field allows."""
    required = COLUMN_BY_FIELD[field_name].required
    max_length = _max_length(field_name)

    def parse(value: Any, lookups: Lookups | None = None) -> str:
        text = cell_text(value)
        if not text and required:
            raise ValueError(_("必须填写"))
        if max_length is not None and len(text) > max_length:
            raise ValueError(_("不能超过%(max)d个字符（现有%(length)d个）") % {"max": max_length, "length": len(text)})
        return text

    return parse


def _choice_names(choices: type, extra: dict[str, str]) -> dict[str, str]:
    """Chinese label (the msgid, whatever the active language), value and extra spellings -> stored value."""
    names = {}
    with translation.override(None):
        for value, label in choices.choices:
            names[_compact(str(label))] = value
            names[_compact(value).lower()] = value
    names.update({_compact(name): value for name, value in extra.items()})
    return names


TYPE_NAMES = _choice_names(
    Organization.Type,
    {"民办非企业单位": Organization.Type.SERVICE, "社会服务机构": Organization.Type.SERVICE},
)
STATUS_NAMES = _choice_names(Organization.Status, {})


def _labels(choices: type) -> dict[str, str]:
    with translation.override(None):
        return {value: str(label) for value, label in choices.choices}


# Stored value -> Chinese label: what the export writes and the messages name (the file format, in every language).
TYPE_LABELS = _labels(Organization.Type)
STATUS_LABELS = _labels(Organization.Status)


@functools.lru_cache(maxsize=256)
def _choice_of(names_key: str, text: str) -> str | None:
    names = TYPE_NAMES if names_key == "type" else STATUS_NAMES
    key = _compact(text)
    return names.get(key) or names.get(key.lower())


def parse_org_type(value: Any, lookups: Lookups | None = None) -> str:
    text = cell_text(value)
    if not text:
        raise ValueError(_("必须填写"))
    org_type = _choice_of("type", text)
    if org_type is None:
        raise ValueError(
            _(
                "不是有效的类型，应为“社会团体”“社会服务机构(民办非企业单位)”（也可写“民办非企业单位”或“社会服务机构”）“基金会”或“其他”"
            )
        )
    return org_type


def parse_status(value: Any, lookups: Lookups | None = None) -> str:
    text = cell_text(value)
    if not text:
        raise ValueError(_("必须填写"))
    status = _choice_of("status", text)
    if status is None:
        raise ValueError(_("不是有效的登记状态，应为“正常”“注销”或“撤销登记”"))
    return status


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_FUNDS_LIMIT = Decimal("1000000000000")  # max_digits=14, decimal_places=2
_CENT = Decimal("0.01")


def parse_funds(value: Any, lookups: Lookups | None = None) -> Decimal:
    """Yuan as a number: 30000, 30000.5 or 30,000.00 (Excel numbers as they are)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("必须填写"))
    if isinstance(value, bool):
        raise ValueError(_("应为以元为单位的数字"))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        amount = value
    else:
        text = _compact(value).replace(",", "")
        if not _NUMBER.fullmatch(text):
            raise ValueError(_("应为以元为单位的数字（可带千位分隔逗号），如 30000 或 30,000.00"))
        amount = Decimal(text)
    if not amount.is_finite():
        raise ValueError(_("应为以元为单位的数字"))
    if amount < 0:
        raise ValueError(_("注册资金不能为负数"))
    try:
        rounded = amount.quantize(_CENT)
    except InvalidOperation:
        raise ValueError(_("金额过大")) from None
    if rounded != amount:
        raise ValueError(_("最多保留两位小数"))
    if rounded >= _FUNDS_LIMIT:
        raise ValueError(_("金额过大，最多12位整数"))
    return rounded


_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # a time of 00:00 as Excel writes it into CSV
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _to_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel date whose cell lost its date format: days since 1899-12-30.
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(_("不是有效的日期"))
    match = _DATE.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
    if match is None:
        raise ValueError(_("日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日"))
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(_("不是有效的日期")) from None


def parse_established_on(value: Any, lookups: Lookups | None = None) -> datetime.date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("必须填写"))
    day = _to_date(value)
    today = lookups.today if lookups is not None else timezone.localdate()
    if day > today:
        raise ValueError(_("成立日期晚于今天，不能登记将来的日期"))
    return day


def parse_optional_date(value: Any, lookups: Lookups | None = None) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _to_date(value)


_parse_email_text = text_parser("contact_email")


def parse_email(value: Any, lookups: Lookups | None = None) -> str:
    text = _parse_email_text(value)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(_("不是有效的电子邮箱地址")) from None
    return text


def parse_uscc(value: Any, lookups: Lookups | None = None, *, org_type: str | None = None) -> str:
    """The normalized code, checked with registry.uscc.validate_uscc (category from the type when it is known)."""
    text = cell_text(value)
    if not text:
        raise ValueError(_("必须填写"))
    category = {}
    if org_type in Organization.TYPE_CATEGORY_DIGIT:
        category = {
            "category": Organization.TYPE_CATEGORY_DIGIT[org_type],
            "category_label": TYPE_LABELS[org_type],
        }
    region_codes = lookups.region_codes if lookups is not None else None
    try:
        return validate_uscc(text, region_codes=region_codes, **category)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


def parse_region(value: Any, lookups: Lookups) -> Region:
    return lookups.region(value)


def parse_department(value: Any, lookups: Lookups) -> Department:
    return lookups.department(value)


_GRADE = re.compile(r"([1-5])A|(A{1,5})")
_SCORE_LIMIT = Decimal("10000")  # Rating.score: max_digits=6, decimal_places=2


def parse_rating_grade(value: Any, lookups: Lookups | None = None) -> str | None:
    """1A-5A (also written 1a or AAAAA); an empty cell is no rating."""
    text = _compact(cell_text(value)).upper()
    if not text:
        return None
    match = _GRADE.fullmatch(text)
    if match is None:
        raise ValueError(_("不是有效的评估等级，应为1A、2A、3A、4A或5A"))
    return f"{match[1]}A" if match[1] else f"{len(match[2])}A"


def parse_rating_score(value: Any, lookups: Lookups | None = None) -> Decimal | None:
    """The evaluation score: a number of at least 0 with at most two decimals; an empty cell is no score."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = _("评估得分应为不小于0的数字（最多两位小数，小于10000）")
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, (int, Decimal)):
        score = Decimal(value)
    elif isinstance(value, float):
        score = Decimal(repr(value))
    else:
        text = _compact(value)
        if not _NUMBER.fullmatch(text):
            raise ValueError(message)
        score = Decimal(text)
    if not score.is_finite() or score < 0 or score >= _SCORE_LIMIT or score.quantize(_CENT) != score:
        raise ValueError(message)
    return score.quantize(_CENT)


def parse_rating_awarded_on(value: Any, lookups: Lookups | None = None) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day = _to_date(value)
    today = lookups.today if lookups is not None else timezone.localdate()
    if day > today:
        raise ValueError(_("评定日期晚于今天，不能登记将来的日期"))
    return day


RATING_PARSERS: dict[str, Callable[[Any, Lookups | None], Any]] = {
    "rating_grade": parse_rating_grade,
    "rating_score": parse_rating_score,
    "rating_awarded_on": parse_rating_awarded_on,
}


@dataclass(frozen=True)
class PendingRating:
    """A row's evaluation grade, created once the row's organization is written."""

    uscc: str
    grade: str
    score: Decimal | None
    awarded_on: datetime.date
    authority_id: int


def parse_rating(
    cells: dict[str, Any], lookups: Lookups | None, established_on: datetime.date | None = None
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The rating columns of one row (`cells`: field -> raw value): (grade, score, awarded_on) or None when the row
    carries no grade, and the (field, reason) problems."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for field_name, parser in RATING_PARSERS.items():
        if field_name not in cells:
            continue
        try:
            values[field_name] = parser(cells[field_name], lookups)
        except ValueError as exc:
            problems.append((field_name, str(exc)))
    failed = {field_name for field_name, _reason in problems}
    grade, awarded_on = values.get("rating_grade"), values.get("rating_awarded_on")
    if grade is not None and awarded_on is None and "rating_awarded_on" not in failed:
        problems.append(("rating_awarded_on", _("填写了评估等级时必须填写评定日期")))
    if (
        grade is None
        and "rating_grade" not in failed
        and (values.get("rating_score") is not None or awarded_on is not None)
    ):
        problems.append(("rating_grade", _("填写了评估得分或评定日期时必须填写评估等级")))
    if awarded_on is not None and established_on is not None and awarded_on < established_on:
        problems.append(
            (
                "rating_awarded_on",
                _("评定日期%(awarded)s早于成立日期%(established)s")
                % {"awarded": awarded_on.isoformat(), "established": established_on.isoformat()},
            )
        )
    if problems or grade is None:
        return None, problems
    return {"grade": grade, "score": values.get("rating_score"), "awarded_on": awarded_on}, problems


def ratings_create(pending: Sequence[PendingRating], *, user, reason: str, date: datetime.datetime, write: bool) -> int:
    """Create the pending ratings whose organization does not already hold that grade from that day, with their
    history rows; with `write` false only count them (organizations not yet in the database count as new)."""
    organization_ids: dict[str, int] = {}
    codes = sorted({rating.uscc for rating in pending})
    for start in range(0, len(codes), BATCH_SIZE):
        chunk = codes[start : start + BATCH_SIZE]
        organization_ids.update(Organization.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    held: set[tuple[int, str, datetime.date]] = set()
    ids = sorted(organization_ids.values())
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        held.update(
            Rating.objects.filter(organization_id__in=chunk).values_list("organization_id", "grade", "awarded_on")
        )
    new: list[Rating] = []
    for rating in pending:
        organization_id = organization_ids.get(rating.uscc)
        if organization_id is not None:
            key = (organization_id, rating.grade, rating.awarded_on)
            if key in held:
                continue
            held.add(key)
        new.append(
            Rating(
                organization_id=organization_id,
                grade=rating.grade,
                score=rating.score,
                awarded_on=rating.awarded_on,
                valid_until=Rating.validity_end(rating.awarded_on),
                awarding_authority_id=rating.authority_id,
            )
        )
    if write and new:
        bulk_create_with_history(
            new, Rating, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason, default_date=date
        )
    return len(new)


# Field -> parser, in the order a row is checked (the type before the code, whose category depends on it).
PARSERS: dict[str, Callable[[Any, Lookups], Any]] = {
    "org_type": parse_org_type,
    "name": text_parser("name"),
    "registration_authority": parse_department,
    "supervisory_unit": text_parser("supervisory_unit"),
    "legal_representative": text_parser("legal_representative"),
    "registered_funds": parse_funds,
    "established_on": parse_established_on,
    "domicile": text_parser("domicile"),
    "business_scope": text_parser("business_scope"),
    "region": parse_region,
    "status": parse_status,
    "contact_phone": text_parser("contact_phone"),
    "contact_email": parse_email,
    "certificate_valid_until": parse_optional_date,
}


# --- rules across cells and rows -----------------------------------------------------------------------------------


def registration_problems(values: dict[str, Any], lookups: Lookups) -> list[tuple[str, str]]:
    """(field, reason) for the rules between the cells of one row (the same rules as registry.services)."""
    problems = []
    authority: Department | None = values.get("registration_authority")
    region: Region | None = values.get("region")
    if authority is not None and region is not None and not authority.region.covers(region):
        problems.append(
            (
                "registration_authority",
                _("登记管理机关“%(authority)s”的辖区不包括%(region)s")
                % {"authority": authority.name, "region": lookups.full_name(region)},
            )
        )
    elif (
        authority is not None
        and values.get("org_type") == Organization.Type.FOUNDATION
        and authority.region.level not in (Region.Level.NATIONAL, Region.Level.PROVINCE)
    ):
        problems.append(
            (
                "registration_authority",
                _("基金会只能由国务院民政部门或省级民政部门登记，“%(name)s”不能登记基金会") % {"name": authority.name},
            )
        )
    valid_until, established_on = values.get("certificate_valid_until"), values.get("established_on")
    if valid_until is not None and established_on is not None and valid_until < established_on:
        problems.append(
            (
                "certificate_valid_until",
                _("证书有效期至%(until)s早于成立日期%(established)s")
                % {"until": valid_until.isoformat(), "established": established_on.isoformat()},
            )
        )
    return problems


def duplicate_reason(seen: dict[str, int], code: str, row: int) -> str | None:
    """Remember where `code` first appeared; for a later row, the reason naming both rows."""
    first = seen.setdefault(code, row)
    if first == row:
        return None
    return _("与第%(first)d行的统一社会信用代码重复（第%(first)d行、第%(row)d行）") % {"first": first, "row": row}


def check_importer(actor) -> None:
    """Only registrars and superusers import organizations (`actor=None` is the system itself)."""
    if actor is not None and not (is_superuser(actor) or is_registrar(actor)):
        raise PermissionDenied(_("只有登记管理机关工作人员或系统管理员可以导入社会组织"))


def _restricted(actor) -> bool:
    return actor is not None and not is_superuser(actor)


def region_refusal(actor, region: Region, lookups: Lookups) -> str | None:
    """Why `actor` may not import an organization located in `region` (None when they may)."""
    if not _restricted(actor) or user_covers_region(actor, region):
        return None
    return _("不在您所在部门（%(department)s）的辖区内，您不能导入%(region)s的社会组织") % {
        "department": actor.department.name,
        "region": lookups.full_name(region),
    }


def existing_refusal(actor, region: Region, lookups: Lookups) -> str | None:
    """Why `actor` may not change an organization already registered in `region` (None when they may)."""
    if not _restricted(actor) or user_covers_region(actor, region):
        return None
    return _("该社会组织已登记在%(region)s，不在您所在部门（%(department)s）的辖区内，您不能修改它") % {
        "region": lookups.full_name(region),
        "department": actor.department.name,
    }


def status_change_reason() -> str:
    """Recorded on the organization when an import changes its registration status (in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("通过批量导入变更登记状态")


def history_reason(source_name: str) -> str:
    """The change reason of the history rows an import writes (in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        if not source_name:
            return _("批量导入")
        return _("批量导入：%(file)s") % {"file": source_name}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # field name -> parsed value (model instances for the foreign keys)
    raw: dict[str, Any]
    rating: dict[str, Any] | None = None  # grade, score, awarded_on when the row carries an evaluation grade

    def model_values(self) -> dict[str, Any]:
        return {
            ATTNAME.get(name, name): (value.pk if name in ATTNAME else value) for name, value in self.values.items()
        }


def parse_row(row: int, cells: dict[str, Any], lookups: Lookups, actor=None) -> tuple[ParsedRow, list[RowError]]:
    """Parse and check one row (`cells`: field -> raw value, for the columns the file has)."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []

    def refuse(field_name: str, reason: str) -> None:
        errors.append(RowError(row, HEADER_BY_FIELD[field_name], cell_text(cells.get(field_name)), reason))

    for field_name, parser in PARSERS.items():
        if field_name not in cells:
            continue
        try:
            values[field_name] = parser(cells[field_name], lookups)
        except ValueError as exc:
            refuse(field_name, str(exc))
    try:
        values["uscc"] = parse_uscc(cells.get("uscc"), lookups, org_type=values.get("org_type"))
    except ValueError as exc:
        refuse("uscc", str(exc))
    for field_name, reason in registration_problems(values, lookups):
        refuse(field_name, reason)
    region = values.get("region")
    if region is not None:
        refusal = region_refusal(actor, region, lookups)
        if refusal:
            refuse("region", refusal)
    rating, problems = parse_rating(cells, lookups, values.get("established_on"))
    for field_name, reason in problems:
        refuse(field_name, reason)
    return ParsedRow(row, values, cells, rating), errors


# --- reading files -------------------------------------------------------------------------------------------------


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


# --- the import ----------------------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, *, actor, dry_run: bool, source_name: str, lookups: Lookups, batch_size: int):
        self.actor = actor
        self.dry_run = dry_run
        self.lookups = lookups
        self.batch_size = batch_size
        self.result = ImportResult(dry_run=dry_run)
        self.seen: dict[str, int] = {}
        self.batch: list[ParsedRow] = []
        self.ratings: list[PendingRating] = []
        self.now = timezone.now()
        self.reason = history_reason(source_name)
        self.status_reason = status_change_reason()
        self.history_user = actor if actor is not None and actor.pk else None
        self.writer = (
            None if dry_run else NewOrganizationWriter(date=self.now, user=self.history_user, reason=self.reason)
        )

    def add(self, parsed: ParsedRow, errors: list[RowError]) -> None:
        self.result.total += 1
        code = parsed.values.get("uscc")
        if code is not None:
            reason = duplicate_reason(self.seen, code, parsed.row)
            if reason:
                value = cell_text(parsed.raw.get("uscc"))
                errors.append(RowError(parsed.row, HEADER_BY_FIELD["uscc"], value, reason))
        if errors:
            self.result.errors.extend(errors)
            return
        if parsed.rating is not None:
            authority = parsed.values["registration_authority"]
            self.ratings.append(PendingRating(uscc=code, authority_id=authority.pk, **parsed.rating))
        self.batch.append(parsed)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Sort the batch into new, changed and unchanged organizations; write them while the file is still valid."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        existing = {
            organization.uscc: organization
            for organization in Organization.objects.filter(uscc__in=[parsed.values["uscc"] for parsed in batch])
        }
        creates: list[dict[str, Any]] = []
        updates: list[Organization] = []
        changed_fields: set[str] = set()
        for parsed in batch:
            values = parsed.model_values()
            organization = existing.get(values["uscc"])
            if organization is None:
                creates.append(values)
                continue
            refusal = existing_refusal(self.actor, self.lookups.regions_by_id[organization.region_id], self.lookups)
            if refusal:
                self.result.errors.append(RowError(parsed.row, HEADER_BY_FIELD["uscc"], values["uscc"], refusal))
                continue
            changes = [name for name, value in values.items() if getattr(organization, name) != value]
            if not changes:
                self.result.unchanged += 1
                continue
            for name in changes:
                setattr(organization, name, values[name])
            if "status" in changes:
                organization.status_changed_on = self.lookups.today
                organization.status_reason = self.status_reason
                changes += ["status_changed_on", "status_reason"]
            organization.updated_at = self.now
            changed_fields.update(changes)
            updates.append(organization)
        self.result.created += len(creates)
        self.result.updated += len(updates)
        if self.writer is None or self.result.errors:
            return
        if creates:
            self.writer.write(creates)
        if updates:
            bulk_update_with_history(
                updates,
                Organization,
                sorted(changed_fields | {"updated_at"}),
                default_user=self.history_user,
                default_change_reason=self.reason,
                default_date=self.now,
            )

    def add_ratings(self) -> None:
        """After the last batch: the rows' evaluation grades, for organizations now in the database."""
        if not self.result.ok:
            return
        self.result.ratings_created = ratings_create(
            self.ratings, user=self.history_user, reason=self.reason, date=self.now, write=self.writer is not None
        )


def _cell_reader(model_field: models.Field, connection, date: datetime.datetime) -> Callable[[dict[str, Any]], Any]:
    """How one column's database value is taken from a row of parsed values."""
    name = model_field.attname
    if name in ("created_at", "updated_at"):
        fixed = model_field.get_db_prep_save(date, connection)
        return lambda values: fixed
    default = model_field.get_default()
    if isinstance(model_field, (models.CharField, models.TextField)) or model_field.is_relation:
        return lambda values: values.get(name, default)  # text and ids: the driver takes them as they are
    return lambda values: model_field.get_db_prep_save(values.get(name, default), connection)


class NewOrganizationWriter:
    """Writes new organizations and their history rows, one batch at a time.

    The values come from the parsers already typed (text, ids, Decimal, date), so they go to the database as they are:
    one prepared INSERT run over the batch on SQLite, multi-row INSERTs on a database server; only the columns that
    need it pass through the field's get_db_prep_save. The history rows are then copied by the database
    itself with INSERT … SELECT: exactly what simple-history's bulk_create_with_history writes (every tracked column,
    history_type "+", the user, date and change reason). Going through Organization.objects.bulk_create and
    bulk_create_with_history instead costs several times more per row in Python than the whole import may take
    (docs/benchmarks.md has the figures).
    """

    HISTORY_COLUMNS = ("history_date", "history_type", "history_user", "history_change_reason")

    def __init__(self, *, date: datetime.datetime, user, reason: str):
        self.connection = connections[router.db_for_write(Organization)]
        connection, quote = self.connection, self.connection.ops.quote_name
        fields = [column for column in Organization._meta.concrete_fields if not column.primary_key]
        self.cells = [_cell_reader(column, connection, date) for column in fields]
        table = quote(Organization._meta.db_table)
        self.insert_sql = f"INSERT INTO {table} ({', '.join(quote(column.column) for column in fields)}) VALUES "
        self.row_placeholder = f"({', '.join(['%s'] * len(fields))})"
        limit = connection.features.max_query_params
        self.rows_per_statement = max(1, limit // len(fields)) if limit else None
        self.in_process = connection.vendor == "sqlite"
        history = get_history_model_for_model(Organization)
        tracked = [quote(column.column) for column in history.tracked_fields]
        extra = [quote(history._meta.get_field(name).column) for name in self.HISTORY_COLUMNS]
        self.history_sql = (
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked + extra)}) "
            f"SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {table} "
            f"WHERE {quote(Organization._meta.get_field('uscc').column)} IN "
        )
        self.history_params = [
            connection.ops.adapt_datetimefield_value(date),
            "+",
            user.pk if user is not None else None,
            reason,
        ]
        self.codes_per_statement = (limit - len(self.history_params)) if limit else None

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Insert `rows` (model attname -> value; columns the file left out take the field's default)."""
        cells = self.cells
        values = [[cell(row) for cell in cells] for row in rows]
        with self.connection.cursor() as cursor:
            if self.in_process:
                # SQLite runs in this process: one prepared statement run over the batch costs least.
                cursor.executemany(self.insert_sql + self.row_placeholder, values)
            else:
                # A database server: each statement is a round trip, so as many rows per statement as allowed.
                step = self.rows_per_statement or len(values)
                for start in range(0, len(values), step):
                    chunk = values[start : start + step]
                    cursor.execute(
                        self.insert_sql + ", ".join([self.row_placeholder] * len(chunk)),
                        list(itertools.chain.from_iterable(chunk)),
                    )
            codes = [row["uscc"] for row in rows]
            step = self.codes_per_statement or len(codes)
            for start in range(0, len(codes), step):
                chunk = codes[start : start + step]
                cursor.execute(self.history_sql + f"({', '.join(['%s'] * len(chunk))})", [*self.history_params, *chunk])


def organizations_import(
    *,
    actor,
    source: str | Path,
    dry_run: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import the organizations in the xlsx or csv file `source`, all or nothing.

    Rows are streamed: only the parsed rows of the current batch and the codes already seen are kept in memory.
    Batches are written inside one transaction as soon as they are checked; a bad row stops the writing, the rest of
    the file is still checked so that every error is reported, and the transaction is rolled back. `dry_run` checks
    and counts without writing. Raises ImportFileError for a file that cannot be read at all, PermissionDenied when
    `actor` may not import.
    """
    check_importer(actor)
    source = Path(source)
    lookups = Lookups.load()
    importer = _Importer(actor=actor, dry_run=dry_run, source_name=source.name, lookups=lookups, batch_size=batch_size)
    with open_table(source) as table, transaction.atomic():
        positions = column_positions(table.headers)
        items = list(positions.items())
        for number, cells in table.rows:
            if is_blank(cells):
                continue
            width = len(cells)
            raw = {name: (cells[position] if position < width else None) for name, position in items}
            parsed, errors = parse_row(number, raw, lookups, actor)
            importer.add(parsed, errors)
            if progress is not None and importer.result.total % PROGRESS_EVERY == 0:
                progress(importer.result.total, table.total_rows)
        importer.flush()
        importer.add_ratings()
        if importer.result.total == 0:
            raise ImportFileError(_("文件中没有数据行（第1行为列名，数据从第2行开始）"))
        if not importer.result.ok:
            transaction.set_rollback(True)
    importer.result.errors.sort(key=lambda error: (error.row, _column_order(error.column)))
    return importer.result


_COLUMN_ORDER = {column.header: index for index, column in enumerate(ALL_COLUMNS)}


def _column_order(header: str) -> int:
    return _COLUMN_ORDER.get(header, len(_COLUMN_ORDER))
