"""Importing administrative penalties (行政处罚) from xlsx or csv files with Chinese headers, all or nothing.

One row is one decision. Columns: 统一社会信用代码, 处罚决定书文号, 处罚决定日期, 处罚机关, 处罚种类, 违法事实, 处罚依据
(required); 社会组织名称, 金额, 执行状态, 状态变更日期 (optional). The authority is found as the organization import
finds it (name, code, the region's name + 民政局, common short forms); each row is checked with the rules of
registry.services.penalties.penalty_record, and a registrar may import penalties only of organizations they keep.

A decision is keyed by its authority and number: a row identical to a recorded decision changes nothing (so a file
can be imported twice), one that differs is refused like a duplicate number, as is a number given twice in the file.
One bad row and nothing is written; every bad row is reported with its row number, column, value and reason. As with
penalty_record, 撤销登记 or a fine of 50,000 yuan or more lists the organization on the serious-violation list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.spreadsheets import ImportFileError, ImportResult, RowError, cell_text, is_blank
from core.spreadsheets import normalize_header as core_normalize_header
from core.spreadsheets import open_table as core_open_table
from registry.imports import check_importer, parse_funds, parse_optional_date
from registry.imports.lookups import Lookups, compact
from registry.models import Organization, Penalty
from registry.permissions import can_manage_organization
from registry.services.penalties import normalize_number, penalty_problems, serious_listing_for
from registry.uscc import normalize_uscc

COLUMNS = {
    "uscc": "统一社会信用代码",
    "name": "社会组织名称",
    "decision_number": "处罚决定书文号",
    "decided_on": "处罚决定日期",
    "authority": "处罚机关",
    "kind": "处罚种类",
    "amount": "金额",
    "facts": "违法事实",
    "legal_basis": "处罚依据",
    "status": "执行状态",
    "status_changed_on": "状态变更日期",
}
OPTIONAL = {"name", "amount", "status", "status_changed_on"}
ALIASES = {
    "名称": "社会组织名称",
    "文号": "处罚决定书文号",
    "决定书文号": "处罚决定书文号",
    "处罚日期": "处罚决定日期",
    "决定日期": "处罚决定日期",
    "作出处罚决定机关": "处罚机关",
    "处罚类别": "处罚种类",
    "罚款金额": "金额",
    "金额(元)": "金额",
    "罚款金额(元)": "金额",
    "状态": "执行状态",
}
KIND_NAMES = {
    **{str(label): value for value, label in Penalty.Kind.choices},
    "没收违法所得": Penalty.Kind.CONFISCATION,
    "没收非法财产": Penalty.Kind.CONFISCATION,
    "停止活动": Penalty.Kind.SUSPENSION,
    "责令限期停止活动": Penalty.Kind.SUSPENSION,
}
STATUS_NAMES = {str(label): value for value, label in Penalty.Status.choices} | {"有效": Penalty.Status.IN_FORCE}


@dataclass
class PenaltyImportResult(ImportResult):
    serious_listings: int = 0  # organizations put on the serious-violation list by an imported penalty


def _header(header: Any) -> str:
    return core_normalize_header(header, ALIASES)


def _positions(headers: list[str]) -> dict[str, int]:
    by_header = {header: field for field, header in COLUMNS.items()}
    positions = {by_header[header]: index for index, header in enumerate(headers) if header in by_header}
    missing = [COLUMNS[field] for field in COLUMNS if field not in OPTIONAL and field not in positions]
    if missing:
        raise ImportFileError(
            _("缺少必需的列：%(columns)s（第1行应为列名：%(expected)s）")
            % {
                "columns": "、".join(missing),
                "expected": "、".join(COLUMNS[f] for f in COLUMNS if f not in OPTIONAL),
            }
        )
    return positions


def _choice(value: Any, names: dict[str, str], message: str) -> str:
    text = compact(cell_text(value))
    if text in names:
        return names[text]
    raise ValueError(message)


def _optional_date(value: Any):
    return parse_optional_date(value) if cell_text(value) else None


def _amount(value: Any):
    return parse_funds(value) if cell_text(value) else None


def _kind(value: Any) -> str:
    message = _("不是有效的处罚种类，应为：%(kinds)s") % {
        "kinds": "、".join(str(label) for label in Penalty.Kind.labels)
    }
    return _choice(value, KIND_NAMES, message)


def _status(value: Any) -> str:
    if not cell_text(value):
        return Penalty.Status.IN_FORCE
    return _choice(value, STATUS_NAMES, _("不是有效的执行状态，应为：生效、已履行或已撤销"))


def _history_reason(source_name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("批量导入行政处罚：%(file)s") % {"file": source_name}


def penalties_import(*, actor, source: str | Path, dry_run: bool = False) -> PenaltyImportResult:
    """Import the penalties in the xlsx or csv file `source`, all or nothing (`dry_run`: check and count only)."""
    check_importer(actor)
    source = Path(source)
    lookups = Lookups.load()
    result = PenaltyImportResult(dry_run=dry_run)
    today = timezone.localdate()
    rows: list[tuple[int, dict[str, Any]]] = []
    with open_penalty_table(source) as table:
        positions = _positions(table.headers)
        for number, cells in table.rows:
            if is_blank(cells):
                continue
            rows.append((number, {f: (cells[p] if p < len(cells) else None) for f, p in positions.items()}))
    if not rows:
        raise ImportFileError(_("文件中没有数据行（第1行为列名，数据从第2行开始）"))
    codes = {normalize_uscc(cell_text(raw.get("uscc"))) for _number, raw in rows}
    organizations = {
        organization.uscc: organization
        for organization in Organization.objects.filter(uscc__in=codes).select_related("region")
    }
    seen: dict[tuple[int, str], int] = {}
    new: list[Penalty] = []
    for number, raw in rows:
        result.total += 1
        errors: list[RowError] = []

        def refuse(field: str, reason: Any, number=number, raw=raw, errors=errors) -> None:
            errors.append(RowError(number, COLUMNS[field], cell_text(raw.get(field)), str(reason)))

        values: dict[str, Any] = {}
        organization = organizations.get(normalize_uscc(cell_text(raw.get("uscc"))))
        if organization is None:
            refuse("uscc", _("必须填写") if not cell_text(raw.get("uscc")) else _("没有该统一社会信用代码的社会组织"))
        elif actor is not None and not can_manage_organization(actor, organization):
            refuse("uscc", _("该社会组织不在您所在部门的辖区内，您不能导入它的行政处罚"))
        elif cell_text(raw.get("name")) and compact(cell_text(raw["name"])) != compact(organization.name):
            refuse("name", _("与该代码登记的名称“%(name)s”不一致") % {"name": organization.name})
        parsers = {
            "decided_on": _optional_date,
            "authority": lookups.department,
            "kind": _kind,
            "amount": _amount,
            "status": _status,
            "status_changed_on": _optional_date,
        }
        for field, parse in parsers.items():
            try:
                values[field] = parse(raw.get(field))
            except ValueError as exc:
                refuse(field, exc)
        decision_number = normalize_number(cell_text(raw.get("decision_number")))
        authority = values.get("authority")
        existing = None
        if authority is not None and decision_number:
            key = (authority.pk, decision_number)
            first = seen.setdefault(key, number)
            if first != number:
                refuse(
                    "decision_number",
                    _("与第%(first)d行的处罚机关和文号重复（第%(first)d行、第%(row)d行）")
                    % {"first": first, "row": number},
                )
            existing = Penalty.objects.filter(authority=authority, decision_number=decision_number).first()
        facts, legal_basis = cell_text(raw.get("facts")), cell_text(raw.get("legal_basis"))
        status, changed_on = values.get("status"), values.get("status_changed_on")
        if status in (Penalty.Status.FULFILLED, Penalty.Status.ANNULLED) and changed_on is None:
            if "status_changed_on" not in {e.column for e in errors}:
                refuse("status_changed_on", _("执行状态为已履行或已撤销时必须填写状态变更日期"))
        decided_on = values.get("decided_on")
        if changed_on is not None and (changed_on > today or (decided_on and changed_on < decided_on)):
            refuse("status_changed_on", _("状态变更日期应在处罚决定日期之后、今天之前"))
        identical = (
            existing is not None
            and organization is not None
            and (existing.organization_id, existing.decided_on, existing.kind, existing.amount, existing.facts)
            == (organization.pk, decided_on, values.get("kind"), values.get("amount"), facts)
            and existing.legal_basis == legal_basis
        )
        if not identical and not any(e.column in (COLUMNS["decided_on"], COLUMNS["kind"]) for e in errors):
            for field, error in penalty_problems(
                organization=organization,
                decision_number=decision_number,
                decided_on=decided_on,
                authority=authority,
                kind=values.get("kind"),
                amount=values.get("amount"),
                facts=facts,
                legal_basis=legal_basis,
                on=today,
            ):
                if field == "authority" and COLUMNS["authority"] in {e.column for e in errors}:
                    continue
                refuse(field, error.messages[0])
        if errors:
            result.errors.extend(errors)
            continue
        if identical:
            result.unchanged += 1
            continue
        result.created += 1
        new.append(
            Penalty(
                organization=organization,
                decision_number=decision_number,
                decided_on=decided_on,
                authority=authority,
                kind=values["kind"],
                amount=values.get("amount"),
                facts=facts,
                legal_basis=legal_basis,
                status=status,
                status_changed_on=changed_on,
                status_reason=_("导入时的执行状态") if changed_on else "",
            )
        )
    if result.ok and not dry_run and new:
        with transaction.atomic():
            for penalty in new:
                penalty.full_clean()
            bulk_create_with_history(
                new,
                Penalty,
                default_user=actor if actor is not None and actor.pk else None,
                default_change_reason=_history_reason(source.name),
            )
            saved = Penalty.objects.filter(
                decision_number__in=[penalty.decision_number for penalty in new]
            ).select_related("organization", "authority")
            keys = {(penalty.authority_id, penalty.decision_number) for penalty in new}
            for penalty in saved:
                if (penalty.authority_id, penalty.decision_number) in keys and serious_listing_for(
                    penalty, actor=actor
                ):
                    result.serious_listings += 1
    return result


def open_penalty_table(path: Path):
    return core_open_table(path, normalize=_header)
