"""The type-ahead of regions and departments: what a lookup field offers for the text typed (by name, code, the name
of the region above, pinyin or initials) and the one row a text names."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.db.models import Q, QuerySet

from core.search import compact, pinyin_forms, search_words
from registry.models import Department, Region

SUGGESTIONS = 10

_LATIN = re.compile(r"[a-z]")


@functools.lru_cache(maxsize=20_000)
def _pinyin(name: str) -> str:
    """The name's full pinyin and initials (`huhehaoteshi hhhts`), kept per process: names of regions and
    departments are few and rarely change."""
    return " ".join(pinyin_forms(name))


def region_label(region: Region) -> str:
    """呼和浩特市新城区（150102）: a county names its city; the code makes the label one region's."""
    return f"{region.label}（{region.code}）"


def department_label(department: Department) -> str:
    return f"{department.name}（{department.code}）"


def _named_suggestions(queryset: QuerySet, text: str, *, context: str, limit: int) -> list:
    """Rows of `queryset` whose name, code or `context` (the name of the region above) contain every word of
    `text`, or whose name's pinyin or initials do: Chinese words and codes narrow in the database, words with Latin
    letters are matched against the pinyin in Python (the candidates are a few thousand rows at most). Exact names
    and codes first, then names starting with the first word, then by code."""
    words = search_words(text)
    if not words:
        return []
    rows = queryset
    latin = []
    for word in words:
        if _LATIN.search(word):
            latin.append(word)
        else:
            rows = rows.filter(Q(name__contains=word) | Q(**{f"{context}__contains": word}) | Q(code__icontains=word))
    if latin:
        # A Latin word may be a code (MZ150100) as well as pinyin.
        found = []
        for row in rows.order_by("code").iterator(chunk_size=2000):
            parent = (getattr(row, context.split("__")[0]) or None) if "__" in context else None
            haystack = f"{row.name} {row.code.casefold()} {_pinyin(row.name)}"
            if parent is not None:
                haystack += f" {parent.name} {_pinyin(parent.name)}"
            if all(word in haystack for word in latin):
                found.append(row)
    else:
        found = list(rows.order_by("code")[: limit * 20])
    stripped, code = text.strip(), compact(text)

    def rank(row) -> tuple:
        exact = row.name == stripped or row.code.upper() == code
        return (0 if exact else 1 if row.name.startswith(words[0]) else 2, row.code)

    return sorted(found, key=rank)[:limit]


def region_suggestions(text: str, *, regions: QuerySet[Region] | None = None, limit: int = SUGGESTIONS) -> list[Region]:
    """What a type-ahead region field offers for `text`, among `regions` (every region by default): by name (a
    county also by its city's name), code, pinyin or initials."""
    regions = Region.objects.all() if regions is None else regions
    return _named_suggestions(regions.select_related("parent"), text, context="parent__name", limit=limit)


def department_suggestions(
    text: str, *, departments: QuerySet[Department] | None = None, limit: int = SUGGESTIONS
) -> list[Department]:
    """What a type-ahead department field offers for `text`, among `departments` (every department by default): by
    name, code, the name of its region, pinyin or initials."""
    departments = Department.objects.all() if departments is None else departments
    return _named_suggestions(departments.select_related("region"), text, context="region__name", limit=limit)


def _label_code(text: str) -> str:
    """The code inside a suggestion's "名称（代码）", or the whole text."""
    inner = text.rsplit("（", 1)[-1].rsplit("(", 1)[-1]
    if inner != text:
        inner = inner.rstrip("）)")
    return compact(inner)


def _named_find(queryset: QuerySet, text: str, suggest: Callable[..., list]) -> tuple[object | None, list]:
    text = (text or "").strip()
    if not text:
        return None, []
    code = _label_code(text)
    if code:
        found = queryset.filter(code__iexact=code).first()
        if found is not None:
            return found, []
    exact = list(queryset.filter(name=text)[:2])
    if len(exact) == 1:
        return exact[0], []
    candidates = suggest(text, limit=6)
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


def region_find(text: str, *, regions: QuerySet[Region] | None = None) -> tuple[Region | None, list[Region]]:
    """The one region of `regions` that `text` names (its code, a suggestion's label, its exact name, or a search
    with one result), or None with the candidates."""
    regions = Region.objects.all() if regions is None else regions
    return _named_find(
        regions.select_related("parent"),
        text,
        lambda text, limit: region_suggestions(text, regions=regions, limit=limit),
    )


def department_find(
    text: str, *, departments: QuerySet[Department] | None = None
) -> tuple[Department | None, list[Department]]:
    """The one department of `departments` that `text` names (its code, a suggestion's label, its exact name, or a
    search with one result), or None with the candidates."""
    departments = Department.objects.all() if departments is None else departments
    return _named_find(
        departments.select_related("region"),
        text,
        lambda text, limit: department_suggestions(text, departments=departments, limit=limit),
    )
