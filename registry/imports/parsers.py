"""Cell parsers of the organization import: each takes the raw cell (a string from CSV; a string, number or date from
Excel) and returns the Python value, or raises ValueError with the reason in the reader's language.

The admin's django-import-export resource (registry/resources.py) calls the same parsers from its widgets.
`parse_optional_date` is the generic date cell, used by other apps' imports too.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.services import lazy_message
from core.spreadsheets import cell_text
from core.text import normalize_name
from registry.imports.columns import COLUMN_BY_FIELD
from registry.imports.lookups import Lookups, compact
from registry.models import Department, Organization, Region
from registry.services.rules import funds_refusal
from registry.uscc import validate_organization_uscc


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


def name_parser(field_name: str) -> Callable[[Any, Lookups | None], str]:
    """A text column holding a name: stored normalized like every name (core.text.normalize_name)."""
    parse_text = text_parser(field_name)
    label = Organization._meta.get_field(field_name).verbose_name

    def parse(value: Any, lookups: Lookups | None = None) -> str:
        text = parse_text(value, lookups)
        if not text:
            return text
        try:
            return normalize_name(text, label=label)
        except ValidationError as error:
            raise ValueError(lazy_message(error.message, error.params)) from None

    return parse


def _choice_names(choices: type, extra: dict[str, str]) -> dict[str, str]:
    """Chinese label (the msgid, whatever the active language), value and extra spellings -> stored value."""
    names = {}
    with translation.override(None):
        for value, label in choices.choices:
            names[compact(str(label))] = value
            names[compact(value).lower()] = value
    names.update({compact(name): value for name, value in extra.items()})
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
    key = compact(text)
    return names.get(key) or names.get(key.lower())


INVALID_TYPE = gettext_lazy(
    "不是有效的类型，应为“社会团体”“社会服务机构(民办非企业单位)”（也可写“民办非企业单位”或“社会服务机构”）“基金会”或“其他”"
)
INVALID_STATUS = gettext_lazy("不是有效的登记状态，应为“正常”“注销”或“撤销登记”")


def _parse_choice(value: Any, kind: str, invalid: Any) -> str:
    text = cell_text(value)
    if not text:
        raise ValueError(_("必须填写"))
    choice = _choice_of(kind, text)
    if choice is None:
        raise ValueError(str(invalid))
    return choice


def parse_org_type(value: Any, lookups: Lookups | None = None) -> str:
    return _parse_choice(value, "type", INVALID_TYPE)


def parse_status(value: Any, lookups: Lookups | None = None) -> str:
    return _parse_choice(value, "status", INVALID_STATUS)


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
        text = compact(value).replace(",", "")
        if not _NUMBER.fullmatch(text):
            raise ValueError(_("应为以元为单位的数字（可带千位分隔逗号），如 30000 或 30,000.00"))
        amount = Decimal(text)
    if not amount.is_finite():
        raise ValueError(_("应为以元为单位的数字"))
    negative = funds_refusal(amount)
    if negative is not None:
        raise ValueError(negative.messages[0])
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
    """The normalized code, checked with registry.uscc.validate_organization_uscc (the category digit the row's type
    requires, when the type is known; the type named as the file names it)."""
    text = cell_text(value)
    if not text:
        raise ValueError(_("必须填写"))
    region_codes = lookups.region_codes if lookups is not None else None
    try:
        return validate_organization_uscc(
            text, org_type, region_codes=region_codes, type_label=TYPE_LABELS.get(org_type)
        )
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
    text = compact(cell_text(value)).upper()
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
        text = compact(value)
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


PARSERS: dict[str, Callable[[Any, Lookups], Any]] = {
    "org_type": parse_org_type,
    "name": name_parser("name"),
    "registration_authority": parse_department,
    "supervisory_unit": text_parser("supervisory_unit"),
    "legal_representative": name_parser("legal_representative"),
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
