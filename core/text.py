"""Names as people type (or paste) them: one normal form, nothing invisible, no direction overrides.

`normalize_name(text)` is what every service stores for a name (an organization's name, a person's name):

- Unicode NFKC, so full-width letters, digits and spaces become their ordinary forms (ＡＢＣ１２３ → ABC123);
- invisible characters removed: zero-width spaces and joiners, word joiners, the byte-order mark, soft hyphens, the
  Hangul fillers and other format characters that render as nothing; control characters removed, tabs and line breaks
  become spaces; combining marks with no base character to attach to are dropped; runs of spaces become one;
- refused (`ValidationError`, code `name_bidi_control`): bidirectional controls (U+202A–U+202E, U+2066–U+2069,
  U+200E, U+200F, U+061C), which make a name display differently from what it is (a right-to-left override turns
  "中心gnp.exe" round);
- refused (code `name_empty`): a name with no letter or digit left (only spaces, zero-width or combining characters).

The Mongolian vowel separator (U+180E) and free variation selectors (U+180B–U+180D) are part of Mongolian spelling and
are kept.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.services import refusal

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Kept although Unicode calls them format characters: Mongolian spelling needs them.
KEPT_FORMAT_CHARACTERS = frozenset("\u180e")
# Characters that render as nothing but are not format characters (Hangul fillers, Khmer inherent vowels, CGJ).
INVISIBLE_CHARACTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
# Most names: Chinese characters of the CJK Unified Ideographs block and ASCII letters and digits, single spaces between
# them. Each of those characters is its own NFKC form, visible, neither a control nor a combining mark, and a letter or
# a digit: such a name is already in its stored form.
_ALREADY_NORMAL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+(?: [\u4e00-\u9fffA-Za-z0-9]+)*")


def _is_invisible(character: str) -> bool:
    if character in KEPT_FORMAT_CHARACTERS:
        return False
    if character in INVISIBLE_CHARACTERS:
        return True
    return unicodedata.category(character) == "Cf"


def bidi_controls_in(text: str) -> list[str]:
    """The bidirectional control characters in `text`, as U+XXXX codes (in order, without repeats)."""
    found: list[str] = []
    for character in text or "":
        code = f"U+{ord(character):04X}"
        if character in BIDI_CONTROLS and code not in found:
            found.append(code)
    return found


def normalize_name(text: str | None, *, label=None) -> str:
    """The stored form of a name (see the module docstring); raises a coded ValidationError when none is left or the
    text carries bidirectional controls. `label` names the field in the message (default 名称)."""
    if text and _ALREADY_NORMAL.fullmatch(text):
        return text  # what _normalized would return, without looking at each character
    return _normalized(text, label=label)


def _normalized(text: str | None, *, label=None) -> str:
    label = label or _("名称")
    raw = text or ""
    controls = bidi_controls_in(raw)
    if controls:
        raise refusal(
            _("%(label)s含有改变文字方向的控制字符（%(characters)s），请删除后重新输入。"),
            code="name_bidi_control",
            label=label,
            characters="、".join(controls),
        )
    normalized = unicodedata.normalize("NFKC", raw)
    kept: list[str] = []
    for character in normalized:
        category = unicodedata.category(character)
        if character.isspace():
            kept.append(" ")
        elif category == "Cc" or _is_invisible(character):
            continue
        elif category in ("Mn", "Me") and (not kept or kept[-1] == " ") and character not in "\u180b\u180c\u180d":
            continue  # a combining mark with nothing to combine with
        else:
            kept.append(character)
    name = " ".join("".join(kept).split())
    if not any(unicodedata.category(character)[0] in "LN" for character in name):
        raise refusal(
            _("%(label)s不能为空，也不能只由空格、不可见字符或组合符号组成。"), code="name_empty", label=label
        )
    return name


def name_refusal(text: str | None, *, label=None) -> tuple[str, ValidationError | None]:
    """(normalized name, None), or (the text as given, the refusal)."""
    try:
        return normalize_name(text, label=label), None
    except ValidationError as error:
        return text or "", error
