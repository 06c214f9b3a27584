"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015) checks for civil-affairs organizations.

`validate_uscc` normalizes the input (spaces, full-width characters, lower case) and raises a ValidationError coded
after the first problem found (`length`, `alphabet`, `department`, `category`, `region_format`, `inner_check`,
`check_digit`, `region`, `category_mismatch`), its message lazy with its params. `validate_organization_uscc` adds the
one rule between the code and the organization's declared type (the category digit); the registration services, the
forms, the admin and the import all call it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from stdnum.cn import uscc as stdnum_uscc

from core.services import refusal

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
CIVIL_AFFAIRS = "5"
CATEGORY_NAMES = {
    "1": gettext_noop("社会团体"),
    "2": gettext_noop("社会服务机构(民办非企业单位)"),
    "3": gettext_noop("基金会"),
    "9": gettext_noop("其他"),
}
INNER_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Government departments and public institutions are registered by the establishment authorities (机构编制部门).
ESTABLISHMENT = "1"
ESTABLISHMENT_CATEGORY_NAMES = {
    "1": gettext_noop("机关"),
    "2": gettext_noop("事业单位"),
    "3": gettext_noop("群众团体"),
    "9": gettext_noop("其他"),
}


def normalize_uscc(value: str) -> str:
    """Upper-case the code and drop spaces, hyphens and full-width forms (全角)."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def _inner_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def inner_check_digit(entity8: str) -> str:
    """GB 11714 check character for the 8 characters at positions 9-16."""
    total = sum(_inner_value(ch) * weight for ch, weight in zip(entity8, INNER_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_digit(first17: str) -> str:
    """GB 32100 check character for the first 17 characters (python-stdnum)."""
    return stdnum_uscc.calc_check_digit(first17)


def make_uscc(category: str, region_code: str, entity8: str, *, authority: str = CIVIL_AFFAIRS) -> str:
    """Build a valid code from its parts (for demo data, fixtures and tests); a civil-affairs code by default."""
    first17 = authority + category + region_code + entity8 + inner_check_digit(entity8)
    return first17 + check_digit(first17)


def validate_uscc(
    value: str,
    *,
    category: str | None = None,
    category_label: str | None = None,
    region_codes: Container[str] | None = None,
    authority: str = CIVIL_AFFAIRS,
) -> str:
    """Return the normalized code or raise ValidationError naming the problem.

    `authority` is the registering body the first character must name: 5 (civil affairs, the default) for social
    organizations, 1 (the establishment authorities, 机构编制) for government departments.

    `category` is the digit the organization's declared type requires (1, 2, 3 or 9) and `category_label` its name.
    `region_codes` is a set of known GB/T 2260 codes; when omitted the Region table is asked.
    """
    code = normalize_uscc(value)
    if len(code) != LENGTH:
        raise refusal(_("统一社会信用代码应为18位，当前为%(length)d位"), code="length", length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise refusal(
                _("第%(position)d位“%(char)s”不是有效字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）"),
                code="alphabet",
                position=position,
                char=char,
            )
    if code[0] != authority:
        if authority == ESTABLISHMENT:
            raise refusal(
                _("第1位登记管理部门代码应为1（机构编制部门），当前为%(char)s"), code="department", char=code[0]
            )
        raise refusal(_("第1位登记管理部门代码应为5（民政部门），当前为%(char)s"), code="department", char=code[0])
    if authority == ESTABLISHMENT and code[1] not in ESTABLISHMENT_CATEGORY_NAMES:
        raise refusal(
            _("第2位机构类别代码应为1（机关）、2（事业单位）、3（群众团体）或9（其他），当前为%(char)s"),
            code="category",
            char=code[1],
        )
    if authority == CIVIL_AFFAIRS and code[1] not in CATEGORY_NAMES:
        raise refusal(
            _("第2位机构类别代码应为1（社会团体）、2（社会服务机构）、3（基金会）或9（其他），当前为%(char)s"),
            code="category",
            char=code[1],
        )
    if not code[2:8].isdigit():
        raise refusal(_("第3-8位应为6位数字的行政区划代码，当前为%(value)s"), code="region_format", value=code[2:8])
    if any(not ch.isdigit() and ch not in ALPHABET for ch in code[8:16]):
        raise refusal(_("第9-16位组织机构代码含有无效字符"), code="alphabet")
    expected_inner = inner_check_digit(code[8:16])
    if code[16] != expected_inner:
        raise refusal(
            _("第17位组织机构代码校验码应为%(expected)s，当前为%(actual)s"),
            code="inner_check",
            expected=expected_inner,
            actual=code[16],
        )
    expected = check_digit(code[:17])
    if code[17] != expected:
        raise refusal(
            _("第18位校验码应为%(expected)s，当前为%(actual)s"), code="check_digit", expected=expected, actual=code[17]
        )
    region_code = code[2:8]
    if region_codes is None:
        from registry.models import Region

        known = Region.objects.filter(code=region_code).exists()
    else:
        known = region_code in region_codes
    if not known:
        # The message's param is called `code` too: built directly rather than through refusal(code=…).
        raise ValidationError(
            _("第3-8位登记管理机关行政区划代码%(code)s不是已知的行政区划"), code="region", params={"code": region_code}
        )
    if category is not None and code[1] != category:
        raise refusal(
            _("第2位机构类别代码%(char)s表示“%(meaning)s”，与所填类型“%(declared)s”不一致"),
            code="category_mismatch",
            char=code[1],
            meaning=_(CATEGORY_NAMES[code[1]]),
            declared=category_label or _(CATEGORY_NAMES.get(category, category)),
        )
    return code


def validate_organization_uscc(
    value: str, org_type: str | None, *, region_codes: Container[str] | None = None, type_label: Any = None
) -> str:
    """`validate_uscc` with the category digit the declared `org_type` requires (an unknown type checks none).

    `type_label` names the type in the category_mismatch message (default: the type's lazy label).
    """
    from registry.models import Organization

    category = Organization.TYPE_CATEGORY_DIGIT.get(org_type) if org_type else None
    if category is None:
        return validate_uscc(value, region_codes=region_codes)
    label = type_label if type_label is not None else Organization.Type(org_type).label
    return validate_uscc(value, category=category, category_label=label, region_codes=region_codes)


def validate_department_uscc(value: str, *, region_codes: Container[str] | None = None) -> str:
    """A government department's code: registered by the establishment authorities (first character 1), category 1
    (机关), 2, 3 or 9, with the same check characters and region rule as an organization's."""
    return validate_uscc(value, region_codes=region_codes, authority=ESTABLISHMENT)
