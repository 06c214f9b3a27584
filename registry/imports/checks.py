"""The checks of one row beyond its cells: the rules between cells (the registration rules the services apply, the
evaluation grade's columns), the rules between rows (a code given twice) and who may import what; then `parse_row`,
which runs every parser and check on a row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_registrar, is_superuser, user_covers_region
from core.services import require
from core.spreadsheets import RowError, cell_text
from registry.imports.columns import ATTNAME, HEADER_BY_FIELD
from registry.imports.lookups import Lookups
from registry.imports.parsers import PARSERS, RATING_PARSERS, parse_uscc
from registry.models import Department, Region
from registry.services.rules import authority_jurisdiction_refusal, certificate_refusal


def parse_cells(
    parsers: dict[str, Callable[[Any, Lookups], Any]], cells: dict[str, Any], lookups: Lookups | None
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Run each parser on its cell, for the columns the file has: (field -> value, [(field, reason)])."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for field_name, parser in parsers.items():
        if field_name not in cells:
            continue
        try:
            values[field_name] = parser(cells[field_name], lookups)
        except ValueError as exc:
            problems.append((field_name, str(exc)))
    return values, problems


def parse_rating(
    cells: dict[str, Any], lookups: Lookups | None, established_on: datetime.date | None = None
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The rating columns of one row (`cells`: field -> raw value): (grade, score, awarded_on) or None when the row
    carries no grade, and the (field, reason) problems."""
    values, problems = parse_cells(RATING_PARSERS, cells, lookups)
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


def registration_problems(values: dict[str, Any], lookups: Lookups) -> list[tuple[str, str]]:
    """(field, reason) for the rules between the cells of one row: the rules of registry.services.rules that the
    registration services apply."""
    problems = []
    authority: Department | None = values.get("registration_authority")
    if authority is not None:
        refusal = authority_jurisdiction_refusal(
            authority, values.get("region"), values.get("org_type"), name_region=lookups.full_name
        )
        if refusal is not None:
            problems.append(("registration_authority", refusal.messages[0]))
    refusal = certificate_refusal(values.get("certificate_valid_until"), values.get("established_on"))
    if refusal is not None:
        problems.append(("certificate_valid_until", refusal.messages[0]))
    return problems


def uscc_region_warning(uscc: str | None, authority: Department | None, lookups: Lookups) -> str | None:
    """Positions 3-8 of the code name the region of the authority that issued it. Another region usually means the
    organization moved (its code never changes) or a typing error: worth a look, not a refusal."""
    if not uscc or authority is None or uscc[2:8] == authority.region.code:
        return None
    issued = lookups.regions_by_code.get(uscc[2:8])
    return _(
        "统一社会信用代码第3-8位的区划代码%(code)s（%(issued)s）与登记管理机关“%(authority)s”所在区划%(region)s"
        "（%(region_name)s）不一致；组织迁移后代码不变，如非迁移请核对代码"
    ) % {
        "code": uscc[2:8],
        "issued": lookups.full_name(issued) if issued is not None else _("未知区划"),
        "authority": authority.name,
        "region": authority.region.code,
        "region_name": lookups.full_name(lookups.regions_by_code.get(authority.region.code, authority.region)),
    }


def duplicate_reason(seen: dict[str, int], code: str, row: int) -> str | None:
    """Remember where `code` first appeared; for a later row, the reason naming both rows."""
    first = seen.setdefault(code, row)
    if first == row:
        return None
    return _("与第%(first)d行的统一社会信用代码重复（第%(first)d行、第%(row)d行）") % {"first": first, "row": row}


def check_importer(actor) -> None:
    """Only registrars and superusers import organizations (`actor=None` is the system itself)."""
    require(
        actor is None or is_superuser(actor) or is_registrar(actor),
        gettext_lazy("只有登记管理机关工作人员或系统管理员可以导入社会组织"),
        code="not_registrar",
    )


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
    warnings: list[RowError] = field(default_factory=list)  # worth a look, not a refusal

    def model_values(self) -> dict[str, Any]:
        values = {
            ATTNAME.get(name, name): (value.pk if name in ATTNAME else value) for name, value in self.values.items()
        }
        if self.values.get("region") is not None:
            values["region_code"] = self.values["region"].code  # derived, as Organization.save() keeps it
        return values


def parse_row(row: int, cells: dict[str, Any], lookups: Lookups, actor=None) -> tuple[ParsedRow, list[RowError]]:
    """Parse and check one row (`cells`: field -> raw value, for the columns the file has)."""
    errors: list[RowError] = []

    def refuse(field_name: str, reason: str) -> None:
        errors.append(RowError(row, HEADER_BY_FIELD[field_name], cell_text(cells.get(field_name)), reason))

    values, problems = parse_cells(PARSERS, cells, lookups)
    for field_name, reason in problems:
        refuse(field_name, reason)
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
    parsed = ParsedRow(row, values, cells, rating)
    warning = uscc_region_warning(values.get("uscc"), values.get("registration_authority"), lookups)
    if warning:
        parsed.warnings.append(RowError(row, HEADER_BY_FIELD["uscc"], values["uscc"], warning))
    return parsed, errors
