"""Queries by a page's ids, compiled once.

A list page reads its rows, and the figures shown beside them, by their ids (`WHERE id IN (…25 ids…)`), once the
page was cut. Building such a query and compiling it to SQL cost the page more than running it. Each function here
compiles its query once per shape (what it reads, the database connection, the number of ids), with ids no row has
in the ids' places, and afterwards runs the same SQL with the parameters in those places replaced by the page's ids,
converting what comes back with the same compiler (as the queryset itself would):

- `compiled_by_ids(model, name, key, build, ids)`: the rows of a `.values()` queryset, as dictionaries;
- `count_by(model, field, ids)`: how many rows of `model` have each of the ids in `field`;
- `related_by_ids(relation, ids, fields)`: the records a many-to-many field relates to each of the ids, with only
  the fields shown;
- `records_by_ids(queryset, ids)`: the records (model instances) with those ids, read as `queryset` reads its
  records (`select_related`, deferred columns) but by their primary keys alone: the ids are the ones the list's own
  conditions chose. `by_ids_shape(queryset)` says whether a queryset's records can be read so.

Anything that cannot be done so (ids that are not integers, a query whose parameters do not hold each stand-in id
exactly once) gets the queryset's own answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.utils.hashable import make_hashable

_ID_SENTINEL = -(2**52)  # ids no row has: compiled in the ids' places, to find where the ids' parameters are
_COMPILED_KEPT = 128


def _kept(connection) -> dict:
    return connection.__dict__.setdefault("_qiyue_compiled_by_ids", {})


def _compile(queryset: QuerySet, stand_ins: list[int]):
    """(compiler, sql, params, slots) of `queryset`, compiled with `stand_ins` in the ids' places: `slots` gives, for
    each parameter, the index of the id it stands for (None for the others). None when its parameters do not hold
    each stand-in exactly once; EmptyResultSet when the query can match nothing."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    places = {value: index for index, value in enumerate(stand_ins)}
    slots = [places.get(param) if type(param) is int else None for param in params]
    if sorted(slot for slot in slots if slot is not None) != list(range(len(stand_ins))):
        return None
    return compiler, sql, list(params), slots


def _keep(kept: dict, key: Hashable, entry) -> None:
    if len(kept) >= _COMPILED_KEPT:
        kept.pop(next(iter(kept)))
    kept[key] = entry


def _fetch(compiler, sql: str, params: list, slots: list, ids: list[int]):
    """The converted rows of the kept SQL run with `ids` in the stand-ins' places."""
    bound = [param if slot is None else ids[slot] for param, slot in zip(params, slots, strict=True)]
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, bound)
        rows = cursor.fetchall()
    return compiler.results_iter(results=[rows])


def _stand_ins(count: int) -> list[int]:
    return [_ID_SENTINEL - index for index in range(count)]


def compiled_by_ids(model, name: tuple, key: tuple, build: Callable[[list[int]], Any], ids: list[int]) -> list[dict]:
    """The rows of `build(ids)` (a `.values()` queryset filtered by `pk__in=ids`, or another column `__in=ids`, and
    whatever else `key` stands for), as dictionaries, with its SQL compiled once per `name`, `key`, database
    connection and number of ids."""
    if not all(type(pk) is int for pk in ids):
        return list(build(ids))
    kept = _kept(connections[router.db_for_read(model)])
    cache_key = (name, key, len(ids))
    entry = kept.get(cache_key)
    if entry is None:
        stand_ins = _stand_ins(len(ids))
        queryset = build(stand_ins)
        query = queryset.query
        try:
            compiled = _compile(queryset, stand_ins)
        except EmptyResultSet:
            return []
        if compiled is None:
            return list(build(ids))
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )  # as `.values()` names them (django.db.models.query.ValuesIterable)
        entry = (*compiled, names)
        _keep(kept, cache_key, entry)
    compiler, sql, params, slots, names = entry
    return [dict(zip(names, row, strict=True)) for row in _fetch(compiler, sql, params, slots, ids)]


def count_by(model, field: str, ids) -> dict[int, int]:
    """{id: number of rows of `model` whose `field` holds it} for `ids` (ids no row holds are left out): one grouped
    query, compiled once per model, field and number of ids."""
    ids = sorted(set(ids))
    if not ids:
        return {}

    def build(ids):
        rows = model._default_manager.filter(**{f"{field}__in": ids}).order_by()
        return rows.values(field).annotate(count=Count("pk"))

    rows = compiled_by_ids(model, ("count_by", model._meta.label, field), (), build, ids)
    return {row[field]: row["count"] for row in rows}


def related_by_ids(relation, ids, fields: tuple[str, ...]) -> dict[int, list]:
    """{id: [related records]} of a many-to-many field (`relation`, e.g. `Inspection.inspectors`) for the records
    with `ids` (ids with none are left out), each related record read with its primary key and `fields` only (the
    others deferred), in the order they were related: one query of the relation's table, compiled once per
    relation, fields and number of ids."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    field = relation.field
    through, target = field.remote_field.through, field.related_model
    source_name, target_name = field.m2m_field_name(), field.m2m_reverse_field_name()
    meta = target._meta
    names = [column.attname for column in meta.concrete_fields if column.primary_key or column.attname in fields]
    source = f"{source_name}_id"

    def build(ids):
        rows = through._default_manager.filter(**{f"{source}__in": ids}).order_by("pk")
        return rows.values(source, *(f"{target_name}__{name}" for name in names))

    label = ("related_by_ids", through._meta.label, tuple(names))
    db = router.db_for_read(through)
    found: dict[int, list] = {}
    for row in compiled_by_ids(through, label, (), build, ids):
        values = [row[f"{target_name}__{name}"] for name in names]
        found.setdefault(row[source], []).append(target.from_db(db, names, values))
    return found


# ---- records -------------------------------------------------------------------------------------------------------


def by_ids_shape(queryset) -> tuple | None:
    """What reading `queryset`'s records by their primary keys depends on besides the ids (its model, database,
    `select_related` and deferred columns), or None when its records cannot be read so: a queryset of values, one
    that groups, is distinct, has extra SQL, a filtered relation, locks its rows or carries related objects it was
    made from. Its conditions do not count (the ids were chosen by them), nor its annotations, whose values
    `records_by_ids` leaves to its caller (`annotation_names`)."""
    if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
        return None
    query = queryset.query
    if (
        queryset._known_related_objects
        or query.group_by is not None
        or query.distinct
        or query.combinator
        or query.extra
        or query.extra_tables
        or query.select
        or query.select_for_update
        or query._filtered_relations
        or query.is_sliced
    ):
        return None
    try:
        select_related = make_hashable(query.select_related)
    except TypeError:
        return None
    deferred, defer = query.deferred_loading
    return (query.model, queryset.db, select_related, frozenset(deferred), defer)


def annotation_names(queryset) -> tuple[str, ...]:
    """The annotations each record of `queryset` carries (what `records_by_ids` does not read)."""
    return tuple(queryset.query.annotation_select)


def _records_query(queryset, stand_ins: list[int]) -> QuerySet:
    query = queryset.query
    rows = QuerySet(model=query.model, using=queryset.db).filter(pk__in=stand_ins).order_by()
    rows.query.select_related = query.select_related
    rows.query.deferred_loading = query.deferred_loading
    return rows


def records_by_ids(queryset, ids: list[int]) -> list | None:
    """The records of `queryset`'s model with primary keys `ids` that exist, in no particular order, read with
    `queryset`'s `select_related` and deferred columns, without its conditions, annotations or prefetches; the SQL
    compiled once per shape (`by_ids_shape`) and number of ids. None when `queryset`'s records cannot be read so."""
    ids = sorted(set(ids))
    shape = by_ids_shape(queryset)
    if shape is None or not all(type(pk) is int for pk in ids):
        return None
    if not ids:
        return []
    db = queryset.db
    kept = _kept(connections[db])
    cache_key = ("records", shape, len(ids))
    entry = kept.get(cache_key)
    if entry is None:
        stand_ins = _stand_ins(len(ids))
        try:
            compiled = _compile(_records_query(queryset, stand_ins), stand_ins)
        except EmptyResultSet:
            return []
        if compiled is None:
            return None
        compiler = compiled[0]
        if compiler.has_extra_select or compiler.annotation_col_map:
            return None
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, stop = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:stop]]
        entry = (*compiled, klass_info["model"], init_list, start, stop, get_related_populators(klass_info, select, db))
        _keep(kept, cache_key, entry)
    compiler, sql, params, slots, model, init_list, start, stop, populators = entry
    records = []
    for row in _fetch(compiler, sql, params, slots, ids):
        record = model.from_db(db, init_list, row[start:stop])
        for populator in populators:
            populator.populate(row, record)
        records.append(record)
    return records
