"""The shortcuts that make releases fast give what the slow way gives: route templates filled like reverse(), day
texts made once, Chinese labels whatever the active language, and pruning."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from api.ocds.values import day_end, day_start, path_to, prune, zh_display
from contracts.models import Contract

NUMBERS = st.text(
    alphabet=st.characters(blacklist_characters="/", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
)


@given(number=NUMBERS, pk=st.integers(min_value=0, max_value=10**12))
def test_path_to_is_reverse(number, pk):
    assert path_to("contracts:contract-pdf", number) == reverse("contracts:contract-pdf", args=[number])
    assert path_to("contracts:document-download", number, pk) == reverse(
        "contracts:document-download", args=[number, pk]
    )
    assert path_to("contracts:purchase-list-pdf", pk) == reverse("contracts:purchase-list-pdf", args=[pk])


def test_day_texts_follow_the_time_zone(settings):
    day = datetime.date(2026, 3, 1)
    assert day_start(day) == "2026-03-01T00:00:00+08:00"
    assert day_end(day) == "2026-03-01T23:59:59+08:00"
    settings.TIME_ZONE = "UTC"
    assert day_start(day) == "2026-03-01T00:00:00+00:00"


def test_labels_are_chinese_in_any_language():
    contract = Contract(method=Contract.Method.SINGLE_SOURCE)
    with translation.override("en"):
        assert zh_display(contract, "method") == "单一来源"


def test_prune_drops_empty_values_at_every_depth():
    value = {"a": "", "b": None, "c": [], "d": {}, "e": [{"f": None}, {"g": 0, "h": False}, ""], "i": {"j": {"k": []}}}
    assert prune(value) == {"e": [{"g": 0, "h": False}]}
