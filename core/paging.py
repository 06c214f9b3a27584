"""Pages of a long list that cost the same at any depth: keyset ("seek") pagination over any ordered queryset.

`KeysetPaginator(queryset, per_page)` reads the queryset's ordering (its `order_by`, or the model's
`Meta.ordering`), makes it total by ending it with the primary key (unless a unique column of the model already
ends it), and reads one page in two queries:

1. the page's keys: `SELECT pk, <ordering columns> … WHERE <after the cursor> ORDER BY … LIMIT per_page + 1`. The
   condition "after the cursor" is a row comparison `(a, b, pk) > (x, y, z)` for keys sorted the same way (an index
   on the ordering answers it by seeking, never by skipping rows), spelled out key by key where directions differ
   or a key may be NULL;
2. the page's rows, for those primary keys only, so whatever the queryset computes per row is computed for the rows
   shown and no others: read by their primary keys alone with the queryset's `select_related`, deferred columns and
   prefetches, by SQL compiled once per shape (`core.byids.records_by_ids`), their annotations read with their keys
   in the first query; or, for a queryset whose records cannot be read so (one that groups, is distinct, has extra
   SQL …), the queryset itself filtered by the primary keys.

A page is addressed by `?page=N` (a plain page number: its keys are read with OFFSET from the nearer end of the list,
so the last page costs what the first does) or by `?page=N&cursor=…`, the link the previous or next page gives: the
cursor holds the key values of the row where that page ended, and the page after it is read by seeking, at the
same cost at page 2 and page 8,000. Rows inserted or deleted while someone pages never make a row appear twice or
be skipped (OFFSET pages shift under both). A cursor made for another ordering (the visitor changed the sort) or
that cannot be read is ignored: the page number decides.

Orderings that cannot be keyed (a random order, `extra()`, a sort on a to-many relation or on a foreign key that
sorts by its model's own ordering) are served by Django's Paginator: `KeysetPaginator.supports(queryset)` says which.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import hashlib
import json
import math
import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, reduce

from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import connections
from django.db.models import BooleanField, Count, Expression, F, OrderBy, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.constants import LOOKUP_SEP

from core import pagecache
from core.byids import annotation_names, by_ids_shape, records_by_ids

CURSOR_PARAMETER = "cursor"
AFTER, BEFORE = "a", "b"


class CursorInvalid(ValueError):
    """A cursor that was not made by this paginator for this ordering."""


# ---- the ordering as keys ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One column of the ordering: what to select and filter on (a field path or an annotation name), its direction,
    where its NULLs fall, and the field that reads a cursor's value back."""

    ref: str
    descending: bool
    nullable: bool
    nulls_first: bool  # as the ordering says explicitly (else the database's default)
    nulls_last: bool
    nulls_high: bool  # the database sorts NULL above every value (PostgreSQL) or below (SQLite)
    field: object

    @property
    def nulls_after(self) -> bool:
        """Whether NULLs come after every value in the order the list is read."""
        if self.nulls_first or self.nulls_last:
            return self.nulls_last
        return self.nulls_high != self.descending

    def order(self, reverse: bool = False) -> OrderBy:
        nulls_first, nulls_last = (
            (self.nulls_last, self.nulls_first) if reverse else (self.nulls_first, self.nulls_last)
        )
        return OrderBy(
            F(self.ref),
            descending=self.descending != reverse,
            nulls_first=nulls_first or None,
            nulls_last=nulls_last or None,
        )

    def read(self, value):
        if value is None:
            if not self.nullable:
                raise CursorInvalid("NULL in a key that is never NULL")
            return None
        try:
            return self.field.to_python(value)
        except (ValidationError, TypeError, ValueError) as error:
            raise CursorInvalid(str(error)) from error


class RowCompare(Expression):
    """`(a, b, c) > (x, y, z)` (or `<`): the row comparison PostgreSQL answers from a matching index."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, refs, values, fields, operator: str):
        super().__init__()
        self.lhs = [F(ref) for ref in refs]
        self.rhs = [Value(value, output_field=field) for value, field in zip(values, fields, strict=True)]
        self.operator = operator

    def get_source_expressions(self):
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, expressions):
        half = len(expressions) // 2
        self.lhs, self.rhs = list(expressions[:half]), list(expressions[half:])

    def as_sql(self, compiler, connection):
        sql, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expression in side:
                part_sql, part_params = compiler.compile(expression)
                parts.append(part_sql)
                params.extend(part_params)
            sql.append("(" + ", ".join(parts) + ")")
        return f"{sql[0]} {self.operator} {sql[1]}", params


def _join_is_nullable(path_infos) -> bool:
    return any(getattr(info.join_field, "null", False) for info in path_infos)


def keys_of(queryset: QuerySet) -> tuple[QuerySet, list[Key]] | None:
    """The queryset (with an annotation for any ordering expression that is not a plain column) and the keys of its
    total ordering; None when the ordering cannot be keyed."""
    query = queryset.query
    if query.extra_order_by or query.combinator or query.distinct_fields or query.is_sliced:
        return None
    terms = list(query.order_by) or (list(query.get_meta().ordering) if query.default_ordering else [])
    nulls_high = _nulls_high(queryset)
    meta = query.get_meta()
    keys: list[Key] = []
    for index, term in enumerate(terms):
        if isinstance(term, str):
            if term == "?" or "." in term:
                return None
            descending = term.startswith("-")
            name, nulls_first, nulls_last = term.lstrip("-+"), False, False
        else:
            if not isinstance(term, OrderBy):
                term = term.asc() if hasattr(term, "asc") else OrderBy(term)
            descending, nulls_first, nulls_last = term.descending, bool(term.nulls_first), bool(term.nulls_last)
            if isinstance(term.expression, F):
                name = term.expression.name
            else:
                name = f"_page_key_{index}"
                queryset = queryset.annotate(**{name: term.expression})
                query = queryset.query
        key, unique = _key(query, meta, name, descending, nulls_first, nulls_last, nulls_high)
        if key is None:
            return None
        keys.append(key)
        if unique:
            return queryset, keys
    pk = meta.pk
    keys.append(Key("pk", keys[-1].descending if keys else False, False, False, False, nulls_high, pk))
    return queryset, keys


def _nulls_high(queryset: QuerySet) -> bool:
    """PostgreSQL and Oracle sort NULL above every value; SQLite and MySQL below."""
    return connections[queryset.db].vendor in ("postgresql", "oracle")


def _key(query, meta, name, descending, nulls_first, nulls_last, nulls_high) -> tuple[Key | None, bool]:
    if name in query.annotations:
        annotation = query.annotations[name]
        nullable = not isinstance(annotation, Count)
        return Key(name, descending, nullable, nulls_first, nulls_last, nulls_high, annotation.output_field), False
    ref = "pk" if name == "pk" else name
    try:
        path, final_field, _, rest = query.names_to_path(name.split(LOOKUP_SEP), meta)
    except (FieldError, FieldDoesNotExist):
        return None, False
    if rest or any(info.m2m for info in path):
        return None, False
    field = final_field
    if name == "pk":
        field = meta.pk
    elif field.is_relation:
        if field.related_model._meta.ordering and not name.endswith("_id"):
            return None, False  # Django sorts by the related model's ordering: not one column
        field = field.target_field
    nullable = bool(getattr(final_field, "null", False)) or _join_is_nullable(path)
    unique = not path and (name == "pk" or getattr(final_field, "unique", False)) and not nullable
    return Key(ref, descending, nullable, nulls_first, nulls_last, nulls_high, field), unique


def after(keys: Sequence[Key], values: Sequence, *, reverse: bool = False) -> Q:
    """The rows that come after `values` in the ordering (before them when `reverse`)."""
    groups: list[list[tuple[Key, object]]] = []
    for key, value in zip(keys, values, strict=True):
        last = groups[-1] if groups else None
        if (
            last is not None
            and not key.nullable
            and not last[-1][0].nullable
            and last[-1][0].descending == key.descending
        ):
            last.append((key, value))
        else:
            groups.append([(key, value)])
    branches, equal_so_far = [], Q()
    for group in groups:
        branches.append(equal_so_far & _group_after(group, reverse))
        equal_so_far &= _group_equal(group)
    condition = reduce(operator.or_, branches)
    key, value = groups[0][0]
    if not key.nullable and len(keys) > 1:
        # The first key's bound alone as well, so that an index on it (also one on a joined table, which a row
        # comparison cannot use) is entered at the cursor, not at its start.
        lookup = "lte" if key.descending != reverse else "gte"
        condition &= Q(**{f"{key.ref}__{lookup}": value})
    return condition


def _group_after(group, reverse: bool) -> Q:
    key, value = group[0]
    descending = key.descending != reverse
    if len(group) > 1:
        refs = [k.ref for k, _ in group]
        fields = [k.field for k, _ in group]
        return Q(RowCompare(refs, [v for _, v in group], fields, "<" if descending else ">"))
    nulls_after = key.nulls_after != reverse
    if value is None:  # past a NULL come only the values, when NULLs come first
        return Q(pk__in=[]) if nulls_after else Q(**{f"{key.ref}__isnull": False})
    beyond = Q(**{f"{key.ref}__{'lt' if descending else 'gt'}": value})
    if key.nullable and nulls_after:
        beyond |= Q(**{f"{key.ref}__isnull": True})
    return beyond


def _group_equal(group) -> Q:
    condition = Q()
    for key, value in group:
        condition &= Q(**{f"{key.ref}__isnull": True}) if value is None else Q(**{key.ref: value})
    return condition


# ---- cursors -------------------------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _fingerprint(keys: Sequence[Key]) -> str:
    spelled = ",".join(f"{'-' if key.descending else ''}{key.ref}" for key in keys)
    return hashlib.sha256(spelled.encode()).hexdigest()[:8]


def encode_cursor(keys: Sequence[Key], values: Sequence, direction: str) -> str:
    payload = {"o": _fingerprint(keys), "d": direction, "v": [_plain(value) for value in values]}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(keys: Sequence[Key], token: str) -> tuple[str, list]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise CursorInvalid("unreadable") from error
    if not isinstance(payload, dict) or payload.get("o") != _fingerprint(keys):
        raise CursorInvalid("made for another ordering")
    direction, values = payload.get("d"), payload.get("v")
    if direction not in (AFTER, BEFORE) or not isinstance(values, list) or len(values) != len(keys):
        raise CursorInvalid("malformed")
    return direction, [key.read(value) for key, value in zip(keys, values, strict=True)]


# ---- the paginator and its pages -----------------------------------------------------------------------------------


class KeysetPage(Sequence):
    """One page, read like Django's Page (`number`, `has_next()`, `object_list`, `paginator`), plus the cursors of
    the links to its neighbours (`next_cursor`, `previous_cursor`; None where the page number alone is as cheap)."""

    keyset = True

    def __init__(self, object_list, *, number, paginator, has_previous, has_next, first_values, last_values):
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self._has_previous = has_previous
        self._has_next = has_next
        keys = paginator.keys
        self.next_cursor = encode_cursor(keys, last_values, AFTER) if has_next and last_values else None
        self.previous_cursor = (
            encode_cursor(keys, first_values, BEFORE) if has_previous and first_values and number > 2 else None
        )

    def __repr__(self):
        return f"<Keyset page {self.number} of {self.paginator.num_pages}>"

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self._has_previous

    def has_other_pages(self) -> bool:
        return self._has_next or self._has_previous

    def next_page_number(self) -> int:
        return min(self.number + 1, self.paginator.num_pages)

    def previous_page_number(self) -> int:
        return max(self.number - 1, 1)

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class KeysetPaginator:
    """Keyset pages of `queryset` (see the module's docstring). `count` and `num_pages` are read once, lazily (a
    first page that holds the whole list gives them itself)."""

    def __init__(self, queryset: QuerySet, per_page: int):
        keyed = keys_of(queryset)
        if keyed is None:
            raise ValueError("this ordering cannot be keyed; check KeysetPaginator.supports first")
        self.queryset, self.keys = keyed
        self.per_page = max(int(per_page), 1)

    @staticmethod
    def supports(queryset) -> bool:
        return isinstance(queryset, QuerySet) and keys_of(queryset) is not None

    @cached_property
    def count(self) -> int:
        return pagecache.count(self.queryset)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)

    def page(self, number=1, cursor: str | None = None, *, strict: bool = False) -> KeysetPage:
        """Page `number` (a bad or out-of-range number gives the nearest page, or raises ValueError when `strict`),
        reached by `cursor` when one is given and valid for this ordering."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            if strict:
                raise ValueError("not a page number") from None
            number = 1
        if number == 1 and not cursor and "count" not in self.__dict__:
            return self._first()
        if strict and (number < 1 or number > self.num_pages):
            raise ValueError("no such page")
        number = min(max(number, 1), self.num_pages)
        if cursor:
            try:
                direction, values = decode_cursor(self.keys, cursor)
            except CursorInvalid:
                if strict:
                    raise ValueError("cursor invalid") from None
            else:
                page = self._page_from(values, direction, number)
                if page is not None:
                    return page
        return self._numbered(number)

    # -- reading -----------------------------------------------------------------------------------------------------

    @cached_property
    def _annotations(self) -> tuple[list[str], list[tuple[str, int]]] | None:
        """When the page's records are read by their ids alone (`core.byids.records_by_ids`): the annotations read
        with the page's keys besides the keys themselves, and where each annotation of a record is in a row of
        keys. None when the records are read by the queryset itself."""
        if by_ids_shape(self.queryset) is None:
            return None
        refs = [key.ref for key in self.keys]
        names = annotation_names(self.queryset)
        carried = [name for name in names if name not in refs]
        places = {ref: 1 + index for index, ref in enumerate(refs)}
        places.update({name: 1 + len(refs) + index for index, name in enumerate(carried)})
        return carried, [(name, places[name]) for name in names]

    @cached_property
    def _keyed(self) -> QuerySet:
        """The queryset the keys are read from: without its `select_related`, which a query of values leaves unread
        and every copy of the queryset would copy again."""
        return self.queryset.select_related(None) if self.queryset.query.select_related else self.queryset

    def _keys_of_rows(self, condition: Q | None, *, reverse: bool, start: int, stop: int) -> list[tuple]:
        narrow = self._keyed.order_by(*(key.order(reverse) for key in self.keys))
        if condition is not None:
            narrow = narrow.filter(condition)
        carried = self._annotations[0] if self._annotations is not None else ()
        return list(narrow.values_list("pk", *(key.ref for key in self.keys), *carried)[start:stop])

    def _records(self, rows: list[tuple]) -> list:
        ids = [row[0] for row in rows]
        records = records_by_ids(self.queryset, ids) if self._annotations is not None else None
        if records is None:
            found = {record.pk: record for record in self.queryset.filter(pk__in=ids)}
            return [found[pk] for pk in ids if pk in found]
        found = {record.pk: record for record in records}
        by_pk = {row[0]: row for row in rows}
        places = self._annotations[1]
        for pk, record in found.items():
            row = by_pk[pk]
            for name, place in places:
                setattr(record, name, row[place])
        page = [found[pk] for pk in ids if pk in found]
        if self.queryset._prefetch_related_lookups:
            prefetch_related_objects(page, *self.queryset._prefetch_related_lookups)
        return page

    def _build(self, rows, number, *, has_previous, has_next) -> KeysetPage:
        width = len(self.keys) + 1
        return KeysetPage(
            self._records(rows),
            number=number,
            paginator=self,
            has_previous=has_previous,
            has_next=has_next,
            first_values=list(rows[0][1:width]) if rows else None,
            last_values=list(rows[-1][1:width]) if rows else None,
        )

    def _page_from(self, values, direction, number) -> KeysetPage | None:
        reverse = direction == BEFORE
        rows = self._keys_of_rows(
            after(self.keys, values, reverse=reverse), reverse=reverse, start=0, stop=self.per_page + 1
        )
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows:
            return None  # nothing left past the cursor (rows deleted): the page number decides
        if reverse:
            if not more:
                return self._numbered(1)  # back at the start: the first page, whole
            rows.reverse()
            return self._build(rows, max(number, 2), has_previous=True, has_next=True)
        return self._build(rows, number, has_previous=True, has_next=more)

    def _first(self) -> KeysetPage:
        """The first page, read before the list is counted: when it holds the whole list (a search that finds a few
        rows), the count is the rows read and is never asked of the database (nor of the cache)."""
        rows = self._keys_of_rows(None, reverse=False, start=0, stop=self.per_page + 1)
        more = len(rows) > self.per_page
        if not more:
            self.count = len(rows)
        return self._build(rows[: self.per_page], 1, has_previous=False, has_next=more)

    def _numbered(self, number: int) -> KeysetPage:
        per_page, count = self.per_page, self.count
        start, stop = (number - 1) * per_page, min(number * per_page, count)
        if number > 1 and start > count - stop:  # nearer the end: read backwards from it
            rows = self._keys_of_rows(None, reverse=True, start=count - stop, stop=count - start)
            rows.reverse()
        else:
            rows = self._keys_of_rows(None, reverse=False, start=start, stop=start + per_page)
        return self._build(rows, number, has_previous=number > 1, has_next=number < self.num_pages)
