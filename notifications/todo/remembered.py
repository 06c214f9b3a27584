"""The list kept between requests, kind by kind, until a write to the tables each kind is read from commits
(`assemble_remembered`)."""

from __future__ import annotations

import datetime

from django.utils import translation

from core import pagecache
from core.services import today as local_today
from notifications.todo.kinds import _KINDS, DEFAULT_LIMIT, Group, _shown, kinds_for
from notifications.todo.plans import _holds_every_still, _plan, _user_key, assemble, row_versions


def assemble_remembered(user, *, on: datetime.date | None = None, limit: int = DEFAULT_LIMIT) -> list[Group]:
    """`assemble`, remembered per user, day, `limit` and language, each kind's group until a write to one of the
    tables it is read from commits (`core.pagecache`'s table generations: never stale, never kept from a transaction
    that has written, computed afresh when the page cache is off). A write elsewhere — a payment recorded, while this
    is a registrar's list of complaints and ratings — leaves the list as it was kept; a write to one kind's tables
    reads that kind again, and only that one. A kind's count and first keys (its arm of the union) and its items as
    shown (its first rows, read by key) are watched apart: an organization renamed reads again the items that show
    organizations' names, not the counts of complaints. Another user's list is another entry. What is kept is the
    figures, the first keys and the items as shown (text, link, deadline), not the rows, with what the SQL was built
    on: the user's row and department, and the answers about the data (`Region.holds_every`), any change of which
    reads every kind again. A kind whose items read the database beyond their rows, and every kind of a plan that is
    not kept, goes with any write, as the pages do."""
    on = on or local_today()
    if getattr(user, "pk", None) is None or not pagecache.enabled():
        return assemble(user, on=on, limit=limit)
    key = _key(user, on, limit)
    generation, entry = pagecache.recall(*key)
    chosen = [k.key for k in kinds_for(user)]
    kept: dict[str, tuple] = {}
    now: dict[str, str] = {}
    answers = None  # the answers about the data, when known to hold still
    if entry is not None and entry["user"] == _row_key(user):
        kept = entry["kinds"]
        watched = {table for k in chosen if k in kept for watch in kept[k][:2] for table in (watch[0] or ())}
        now = pagecache.generations(watched | entry["answered"].keys())
        # The answers about the data the SQL was built on hold while the tables they were read from are unchanged;
        # otherwise they are asked again.
        if all(now.get(table) == value for table, value in entry["answered"].items()) or _holds_every_still(
            user, entry["answers"], changed=True
        ):
            answers = entry["answers"]
        else:
            kept = {}
    kept_generation = entry["generation"] if entry is not None else None
    fresh, to_read = {}, {}
    for kind_key in chosen:
        counted, shown_from, head = kept.get(kind_key, ((None, None), (None, None), None))[:3]
        if kind_key not in kept or not _still(counted, now, generation, kept_generation):
            continue
        if _still(shown_from, now, generation, kept_generation):
            fresh[kind_key] = kept[kind_key]
        else:
            to_read[kind_key] = head  # the same first keys, their rows read again
    if len(fresh) < len(chosen):
        plan = _plan(user, on, limit, None, answers=answers)
        index = {k.key: i for i, k in enumerate(plan.kinds)}
        to_count = [i for i, k in enumerate(plan.kinds) if k.key not in fresh and k.key not in to_read]
        stale = to_count + [index[k] for k in to_read]
        answered = _answer_tables(plan.answers) | _department_tables(user)
        needed = {t for i in stale for tables in (plan.arm_tables[i], plan.item_tables[i]) for t in (tables or ())}
        missing = (needed | answered) - now.keys()
        if missing or not now:
            # Read before the rows, as `pagecache.remember` reads the generation: a write committed meanwhile is
            # seen by the next request.
            now = {**now, **pagecache.generations(missing)}
        heads = plan.heads(to_count) if to_count else [[] for _ in plan.kinds]
        for kind_key, head in to_read.items():
            heads[index[kind_key]] = list(head)
        read_more: set[int] = set()
        versions: dict[int, dict] = {}
        unchanged = _items_unchanged(plan, kept, stale, heads)
        groups = plan.groups(
            heads,
            user,
            read_more=read_more,
            versions=versions,
            kept={i: list(kept[plan.kinds[i].key][3][2]) for i in unchanged},
        )
        for i in stale:
            group = groups.get(i)
            shown = (
                None if group is None else (group.count, group.overdue_count, [_shown(item) for item in group.items])
            )
            fresh[plan.kinds[i].key] = (
                _watch(plan.arm_tables[i], now),
                _watch(None if i in read_more else plan.item_tables[i], now),
                heads[i][: max(limit, 1)],
                shown,
                kept[plan.kinds[i].key][4] if i in unchanged else versions.get(i),
            )
        pagecache.keep(
            *key,
            value={
                "user": _row_key(user),
                "answers": plan.answers,
                "answered": {table: now[table] for table in (*answered, pagecache.EPOCH_KEY)},
                "generation": generation,
                "kinds": fresh,
            },
        )
    groups = [
        Group(kind=_KINDS[kind_key], count=shown[0], overdue_count=shown[1], items=list(shown[2]))
        for kind_key in chosen
        if (shown := fresh[kind_key][3]) is not None
    ]
    groups.sort(key=lambda group: 0 if group.overdue_count else 1)
    return groups


def _key(user, on: datetime.date, limit: int) -> tuple:
    return ("todo", user.pk, on.isoformat(), limit, translation.get_language())


def forget_remembered(user, *, on: datetime.date | None = None, limit: int = DEFAULT_LIMIT) -> None:
    """Forget the user's list as remembered for the day (in the active language): the next request reads every kind,
    as the first request of a day does."""
    pagecache.keep(*_key(user, on or local_today(), limit), value=None)


def _items_unchanged(plan, kept: dict, stale: list[int], heads: list[list[tuple]]) -> set[int]:
    """The kinds among `stale` whose items are those kept although a table they are read from was written to: the
    same first keys with the same overdue flags, and every row the items were made of at the version it had when
    they were read (PostgreSQL's row versions, read in one query; an organization edited elsewhere in the province
    leaves the complaints' items as they were). Elsewhere, none."""
    candidates = {}
    for i in stale:
        entry = kept.get(plan.kinds[i].key)
        if entry is None or len(entry) < 5 or not entry[4] or entry[3] is None:
            continue
        if [(pk, flag) for pk, _c, _o, flag in heads[i][: plan.limit]] != [
            (pk, flag) for pk, _c, _o, flag in entry[2][: plan.limit]
        ]:
            continue
        candidates[i] = entry[4]
    if not candidates:
        return set()
    now = row_versions(plan.db, {row for made_of in candidates.values() for row in made_of})
    return {i for i, made_of in candidates.items() if all(now.get(row) == version for row, version in made_of.items())}


def _watch(tables: frozenset[str] | None, now: dict[str, str]) -> tuple:
    """What a kept part of a group holds while: its tables and their generations now (None: any write)."""
    if tables is None:
        return (None, None)
    return (tables, {table: now.get(table) for table in (*tables, pagecache.EPOCH_KEY)})


def _still(watch: tuple, now: dict, generation: str | None, kept_generation: str | None) -> bool:
    """Whether a kept part of a group still holds: none of its tables written since (nor everything, the epoch), or
    — for one kept without its tables — no write at all since."""
    tables, generations = watch
    if tables is None:
        return generation is not None and generation == kept_generation
    return all(now.get(table) is not None and now.get(table) == value for table, value in generations.items())


def _row_key(user) -> tuple:
    """The user's own row as the SQL of their list may depend on it (their department's region, which it may depend
    on too, is watched by its tables: `_department_tables`)."""
    return _user_key(user, with_region=False)


def _department_tables(user) -> set[str]:
    """The tables of the user's department and its region, when the user has a department."""
    if not getattr(user, "department_id", None):
        return set()
    department = user._meta.get_field("department").related_model
    region = department._meta.get_field("region").related_model
    return {department._meta.db_table.lower(), region._meta.db_table.lower()}


def _answer_tables(answers: dict) -> set[str]:
    """The tables the answers about the data (`Region.holds_every(holder)`) are read from: the regions' and each
    holder's."""
    tables = set()
    for holder in answers:
        tables.add(holder._meta.db_table.lower())
        tables.add(holder._meta.get_field("region").related_model._meta.db_table.lower())
    return tables
