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


def pruned_plainly(value):
    """Pruning written the plain way (isinstance at every value), to compare the fast one with."""
    if isinstance(value, dict):
        items = ((key, pruned_plainly(item)) for key, item in value.items())
        return {key: item for key, item in items if not _empty(item)}
    if isinstance(value, list):
        return [item for item in map(pruned_plainly, value) if not _empty(item)]
    return value


def _empty(item) -> bool:
    return item is None or item == "" or (isinstance(item, (dict, list)) and not item)


class Text(str):
    pass


class Ordered(dict):
    pass


LEAVES = st.one_of(
    st.none(), st.just(""), st.text(max_size=3), st.integers(), st.floats(allow_nan=False), st.booleans(),
    st.builds(Text, st.sampled_from(["", "x"])),
)  # fmt: skip
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=2), inner, max_size=4),
        st.builds(Ordered, st.dictionaries(st.text(max_size=2), inner, max_size=3)),
    ),
    max_leaves=25,
)


@given(value=VALUES)
def test_prune_is_plain_pruning(value):
    assert prune(value) == pruned_plainly(value)
    assert repr(prune(value)) == repr(pruned_plainly(value))
