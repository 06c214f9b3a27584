"""The contract's history: its amendments grouped by contract_amend call, and the amount and term as signed and after
each change."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from itertools import groupby

from api.ocds.values import rows, zh_display
from contracts.models import Amendment, Contract


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None


def _period_from_text(text: str) -> tuple[datetime.date, datetime.date] | None:
    """'2026-01-01 至 2026-12-31' (as contract_amend records a term) -> the two dates."""
    parts = [part.strip() for part in (text or "").split("至")]
    if len(parts) != 2:
        return None
    try:
        return datetime.date.fromisoformat(parts[0]), datetime.date.fromisoformat(parts[1])
    except ValueError:
        return None


def amendment_groups(contract: Contract) -> list[list[Amendment]]:
    """The contract's amendments, one group per contract_amend call (same day and reason), oldest first."""
    amendments = sorted(rows(contract, "amendments"), key=lambda amendment: (amendment.amended_on, amendment.pk))
    return [list(group) for _, group in groupby(amendments, key=lambda item: (item.amended_on, item.reason))]


def state_as_signed(contract: Contract, groups: Sequence[Sequence[Amendment]]) -> dict:
    """Amount and term when signed: the first amendment of each kind remembers the value it replaced."""
    state = {"amount": contract.amount, "start_on": contract.start_on, "end_on": contract.end_on}
    seen: set[str] = set()
    for amendment in (item for group in groups for item in group):
        if amendment.kind in seen:
            continue
        seen.add(amendment.kind)
        if amendment.kind == Amendment.Kind.AMOUNT:
            amount = _decimal(amendment.old_value)
            if amount is not None:
                state["amount"] = amount
        elif amendment.kind == Amendment.Kind.DATES:
            dates = _period_from_text(amendment.old_value)
            if dates is not None:
                state["start_on"], state["end_on"] = dates
    return state


def apply_amendments(state: dict, group: Iterable[Amendment]) -> dict:
    state = dict(state)
    for amendment in group:
        if amendment.kind == Amendment.Kind.AMOUNT:
            amount = _decimal(amendment.new_value)
            if amount is not None:
                state["amount"] = amount
        elif amendment.kind == Amendment.Kind.DATES:
            dates = _period_from_text(amendment.new_value)
            if dates is not None:
                state["start_on"], state["end_on"] = dates
    return state


def amendment_description(group: Iterable[Amendment]) -> str:
    return "；".join(
        f"{zh_display(amendment, 'kind')}：{amendment.old_value or '—'} → {amendment.new_value or '—'}"
        for amendment in group
    )
