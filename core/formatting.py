"""How amounts, scores, percentages and dates are written, on pages, in PDFs, messages and exports alike.

Templates use the same functions as filters: `{% load formatting %}` then `{{ amount|yuan }}`, `{{ score|points }}`,
`{{ rate|percent }}`.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
DASH = "—"


def amount(value: Decimal | int | None) -> str:
    """12345.6 → "12,345.60" (thousands grouped, two decimals); "" for None."""
    return "" if value is None else f"{value:,.2f}"


def yuan(value: Decimal | int | None) -> str:
    """12345.6 → "12,345.60 元" in Chinese, "12,345.60 yuan" in English; "—" for None."""
    return DASH if value is None else _("%(amount)s 元") % {"amount": amount(value)}


def wan(value: Decimal | int) -> Decimal:
    """An amount in 万元 (10,000 yuan), two decimals."""
    return (Decimal(value) / 10000).quantize(CENT, rounding=ROUND_HALF_UP)


def round_half_up(value: Decimal | int) -> Decimal:
    """Two decimals, halves rounded up (89.995 → 90.00)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def points(value: Decimal | int | None) -> str:
    """A score, weight or total with two decimals (halves up); "—" for None."""
    return DASH if value is None else f"{round_half_up(value):.2f}"


def percent(value: Decimal | None) -> str:
    """Decimal("4.00") → "4%", Decimal("3.50") → "3.5%"; "" for None."""
    return "" if value is None else f"{Decimal(value).normalize():f}%"


def iso_date(value: datetime.date | None) -> str:
    """2026-07-01, or an em dash when there is none."""
    return value.isoformat() if value else DASH


def ascii_number_text(text: str) -> str:
    """A typed number made plain: full-width forms normalized deliberately (NFKC: "１００．５" → "100.5"), any other
    script's digits (Arabic-Indic "٣", Devanagari, …) refused with ValueError rather than read as another number."""
    normalized = unicodedata.normalize("NFKC", text).strip()
    if any(character.isdecimal() and not ("0" <= character <= "9") for character in normalized):
        raise ValueError(text)
    return normalized
