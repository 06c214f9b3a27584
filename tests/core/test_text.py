"""Names: NFKC, invisible characters stripped, bidirectional controls and names with nothing visible refused."""

import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.text import _normalized, normalize_name
from tests.errors import all_codes


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  新城区\u200b乐龄\u200d养老服务中心 ", "新城区乐龄养老服务中心"),
        ("\ufeff阳光社工\u2060中心", "阳光社工中心"),
        ("ＡＢＣ社会工作服务中心１２３", "ABC社会工作服务中心123"),
        ("呼和浩特市\u3000新城区\t邻里\n互助会", "呼和浩特市 新城区 邻里 互助会"),
        ("\u0301\u0301阳光中心", "阳光中心"),  # combining marks with nothing to combine with
        ("Cafe\u0301 社区", "Café 社区"),  # composed by NFKC
        ("ᠮᠣᠩᠭᠣᠯ\u180eᠠ", "ᠮᠣᠩᠭᠣᠯ\u180eᠠ"),  # the Mongolian vowel separator is spelling, kept
        ("软\u00ad件协会", "软件协会"),
    ],
)
def test_names_are_stored_in_one_normal_form(typed, stored):
    assert normalize_name(typed) == stored


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200c\u200d", "\u0301\u0302\u0303", "\ufeff \u2060", "\u3164"])
def test_a_name_with_nothing_visible_is_refused(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_name(typed)
    assert all_codes(caught.value) == {"name_empty"}


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u200f", "\u061c"])
def test_bidirectional_controls_are_refused(control):
    with pytest.raises(ValidationError) as caught:
        normalize_name(f"阳光{control}中心gnp.exe")
    assert all_codes(caught.value) == {"name_bidi_control"}
    assert f"U+{ord(control):04X}" in caught.value.messages[0]


@given(st.text(max_size=40))
def test_normalizing_is_idempotent_and_leaves_nothing_invisible(text):
    try:
        name = normalize_name(text)
    except ValidationError:
        return
    assert normalize_name(name) == name
    assert name == name.strip() and "  " not in name
    assert not any(character in name for character in "\u200b\u200c\u200d\u2060\ufeff\u202e\u2066")


def test_every_character_a_name_may_keep_unexamined_is_its_own_stored_form():
    """The characters `normalize_name` returns unexamined when a name holds nothing else (CJK Unified Ideographs,
    ASCII letters and digits, single spaces between them): the full examination keeps each of them as it is."""
    characters = [chr(code) for code in range(0x4E00, 0xA000)] + list(string.ascii_letters + string.digits)
    for character in characters:
        assert _normalized(character) == character
        assert _normalized(f"{character} {character}") == f"{character} {character}"


@given(
    st.text(
        alphabet=st.sampled_from(["社", "会", "工", "作", "中", "心", "A", "z", "7", " ", "\u3000", "（", "\u200b"]),
        max_size=12,
    )
)
def test_names_returned_unexamined_are_what_the_full_examination_stores(text):
    try:
        expected = _normalized(text)
    except ValidationError as error:
        with pytest.raises(ValidationError) as raised:
            normalize_name(text)
        assert raised.value.code == error.code
    else:
        assert normalize_name(text) == expected
