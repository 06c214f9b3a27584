"""What Chinese users type into a search box, turned into conditions every app's search selector shares.

A record that can be searched stores two derived columns, written with the record (see `pinyin_sort_key` and
`search_document`):

- a sort key: the pinyin of its name, syllable by syllable (`hu he hao te shi …`), so that lists sort the way a
  Chinese reader expects (阿拉善盟 before 包头市 before 呼和浩特市) rather than by code point;
- a search document: the searchable texts folded to one case, followed by the name's full pinyin
  (`huhehaoteshi…`) and its initials (`hhhts…`). A query's words must each occur in it, in any order
  (`search_condition`), so "赛罕 阳光", "yangguang" and "ygshgz" all find 呼和浩特市赛罕区阳光社会工作服务中心.

On PostgreSQL the document carries a trigram (pg_trgm) GIN index, which serves `ILIKE '%…%'` for any word of three
characters or more; docs/benchmarks.md has the measurements. On SQLite the same condition is a plain scan.

Contracts and purchase-list items store a document too (their number or code, title or service name, buyer, list, and
a contract's supplier's own document) with its tokens as a stored text-search vector, computed by database triggers
rather than by the writer (contracts migration 0010); evaluations are searched through their contract's columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin as PypinyinConverter

MAX_WORDS = 6
MAX_QUERY_LENGTH = 100
# Short forms people type for long words of organization names ("阳光社工" for 阳光社会工作服务中心): a name's
# document also holds the name with these replaced.
ABBREVIATIONS = (("社会工作", "社工"), ("志愿服务", "志愿"), ("养老服务", "养老"))
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_NOT_LATIN = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Full-width forms to half-width, one case: what a document stores and a query word is compared with."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def search_words(query: str) -> list[str]:
    """The words of a query (split at spaces and Chinese or Latin separators), folded, at most MAX_WORDS."""
    words = []
    for word in _SEPARATORS.split(fold(query)[:MAX_QUERY_LENGTH]):
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def compact(text: str) -> str:
    """Letters and digits only, upper case: how codes (统一社会信用代码, contract numbers) are compared."""
    return re.sub(r"[^0-9A-Z]", "", fold(text).upper())


# What pypinyin gives for a run of characters without pinyin (Latin letters, digits, punctuation) is marked, so that
# one conversion yields both the syllables and the initials: a Chinese syllable's initial is its first letter
# (pypinyin's FIRST_LETTER style), any other run stays whole in both.
_NO_PINYIN = "\x00"


def _mark(chars: str) -> str:
    return _NO_PINYIN + chars


class _WordCache(DefaultConverter):
    """pypinyin's converter with each segmented word converted once per process: names share most of their words
    (社会, 服务, 中心, 协会, the regions' names), and converting a word is most of the cost of writing an
    organization's search columns."""

    LIMIT = 100_000

    def __init__(self) -> None:
        super().__init__()
        self.words: dict[tuple, list[list[str]]] = {}

    def convert(self, words, style, heteronym, errors, strict, **kwargs):
        key = (words, style, heteronym, errors, strict)
        found = self.words.get(key)
        if found is None or kwargs:
            found = super().convert(words, style, heteronym, errors, strict, **kwargs)
            if kwargs:
                return found
            if len(self.words) >= self.LIMIT:
                self.words.clear()
            self.words[key] = found
        return [list(item) for item in found]


_PINYIN = PypinyinConverter(_WordCache())


@dataclass(frozen=True)
class Pinyin:
    """A text's pinyin, from one conversion: its syllables (Latin letters and digits only) and its initials."""

    syllables: tuple[str, ...]
    initials: str

    @property
    def full(self) -> str:
        return "".join(self.syllables)

    def sort_key(self, max_length: int = 255) -> str:
        return " ".join(syllable for syllable in self.syllables if syllable)[:max_length]


def pinyin_of(text: str) -> Pinyin:
    syllables, initials = [], []
    for item in _PINYIN.lazy_pinyin(fold(text), errors=_mark):
        if item.startswith(_NO_PINYIN):
            item = initial = item[1:]
        else:
            initial = item[:1]
        syllables.append(_NOT_LATIN.sub("", item))
        initials.append(_NOT_LATIN.sub("", initial))
    return Pinyin(tuple(syllables), "".join(initials))


def pinyin_sort_key(text: str, max_length: int = 255) -> str:
    """The text's pinyin syllables separated by spaces (`hu he hao te shi`); Latin letters and digits kept as they
    are. Sorting by it orders Chinese names alphabetically by pinyin."""
    return pinyin_of(text).sort_key(max_length)


def pinyin_forms(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials): `huhehaoteshi`, `hhhts`."""
    pinyin = pinyin_of(text)
    return pinyin.full, pinyin.initials


def search_document(texts: Iterable[str], *, names: Iterable[str] = (), known: dict[str, Pinyin] | None = None) -> str:
    """The stored search column: every text folded, then each name's full pinyin and initials (`known`: names whose
    pinyin the caller already has)."""
    parts = [fold(text) for text in texts if text]
    for name in names:
        if name:
            short = fold(name)
            for long, abbreviation in ABBREVIATIONS:
                short = short.replace(long, abbreviation)
            if short != fold(name):
                parts.append(short)
            pinyin = (known or {}).get(name) or pinyin_of(name)
            parts.extend((pinyin.full, pinyin.initials))
    return " ".join(parts)


_CHINESE_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def is_short_chinese(word: str) -> bool:
    """One or two Chinese characters: too short for a trigram index to narrow anything."""
    return 1 <= len(word) <= 2 and bool(_CHINESE_RUN.fullmatch(word))


def search_tokens(document: str) -> str:
    """The segmented column beside the document: every Chinese character and every pair of adjacent characters,
    separated by spaces. On PostgreSQL a GIN index over its tsvector finds one- and two-character words, which a
    trigram index cannot."""
    tokens: set[str] = set()
    for run in _CHINESE_RUN.findall(document):
        tokens.update(run)
        tokens.update(map(str.__add__, run, run[1:]))  # each pair of adjacent characters
    return " ".join(sorted(tokens))


def search_condition(
    words: Iterable[str],
    field: str = "search_document",
    tokens_field: str | None = None,
    vector_field: str | None = None,
) -> Q:
    """Every word occurs in the document (case-insensitively), in any order.

    With `tokens_field` on PostgreSQL, a word of one or two Chinese characters is looked up in the segmented column
    (an exact token match there is the same as a substring match in the document) through its full-text GIN index;
    longer words use the document's trigram index. `vector_field` instead names a stored text-search vector of the
    tokens (contracts, purchase-list items), matched without computing a vector for each row.

    A short word's condition also carries the plain substring test on the document (the same rows: an exact token
    match is a substring match). PostgreSQL tests the cheaper condition first, so when a list ordered by an index is
    read row by row until a page is full, `to_tsvector` runs on the matching rows only, not on every row passed over
    (on the directory, 9 ms instead of 220 ms for `阳光`)."""
    from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
    from django.db import connection

    condition = Q()
    postgresql = connection.vendor == "postgresql"
    for word in words:
        if postgresql and vector_field is not None and is_short_chinese(word):
            condition &= Q(**{f"{field}__contains": word})
            condition &= Q(**{vector_field: SearchQuery(word, search_type="plain", config="simple")})
        elif postgresql and tokens_field is not None and is_short_chinese(word):
            vector = SearchVector(tokens_field, config="simple")
            condition &= Q(**{f"{field}__contains": word})
            condition &= Q(SearchVectorExact(vector, SearchQuery(word, search_type="plain", config="simple")))
        else:
            condition &= Q(**{f"{field}__contains": word})
    return condition


def matches_all(words: Iterable[str], *texts: str) -> bool:
    """The same test in Python (for records whose document is built on the fly)."""
    haystack = " ".join(fold(text) for text in texts if text)
    return all(word in haystack for word in words)


def rank_by(tiers: Sequence[Q]) -> Case:
    """The rank a search orders its hits by first: 0 for the rows of the first condition (exact names and codes),
    1 for the rows of the second that are not of the first, and so on; len(tiers) for the rest."""
    return Case(
        *(When(condition, then=Value(position)) for position, condition in enumerate(tiers)),
        default=Value(len(tiers)),
        output_field=IntegerField(),
    )


def first_ranked(queryset: QuerySet, tiers: Sequence[Q], limit: int) -> list:
    """The first `limit` rows of a search ordered by `("rank", *rest)`, rank being `rank_by(tiers)`: read tier by
    tier, each in the rest of the order, until `limit` rows are found. The same rows in the same order as
    `queryset[:limit]`, but the database never ranks every match: a tier of exact names or numbers is a few index
    lookups, and the rest is read in an index's order and stopped at `limit` (for a common word, thousands of matches
    were sorted to show twenty)."""
    rest = [key for key in queryset.query.order_by if key != "rank"]
    rows: list = []
    before = Q()
    with _without_parallel_workers(queryset.db):
        for condition in (*tiers, None):
            part = queryset.order_by(*rest)
            if before:
                part = part.exclude(before)
            if condition is not None:
                part = part.filter(condition)
            rows.extend(part[: limit - len(rows)])
            if len(rows) >= limit or condition is None:
                return rows
            before |= condition
    return rows


@contextmanager
def _without_parallel_workers(using: str) -> Iterator[None]:
    """On PostgreSQL, a search's first rows without parallel workers: the planner, which cannot tell how many rows
    a short Chinese word matches (the two conditions of `search_condition` look independent to it), expects few and
    starts two workers to scan an index for them — 30 ms of starting workers to read twenty rows that one process
    finds in 2 ms. The connection's own setting is put back afterwards (inside a transaction that fails, its rollback
    puts it back)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'), "
            "set_config('max_parallel_workers_per_gather', '0', false)"
        )
        previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, false)", [previous])
        except DatabaseError:
            pass
