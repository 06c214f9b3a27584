"""What a write to a table changes besides it: the tables the database's triggers write to, read from the catalogue.

Stored facts are kept by triggers (registry 0009, contracts 0009 and 0010): an insert into registry_rating updates
registry_organization, an organization renamed updates its contracts' search columns. A write to a table therefore
changes the tables its triggers write to, and theirs in turn. What each trigger writes is read from the catalogue
(the trigger's function on PostgreSQL, its body on SQLite) once per process and database, and read again after
every `migrate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

STATEMENT_TARGET = re.compile(r'\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM|REPLACE\s+INTO)\s+[`"\[]?(\w+)', re.IGNORECASE)
_BEGIN = re.compile(r"\bBEGIN\b", re.IGNORECASE)
_CALL = re.compile(r"\b(\w+)\s*\(")
# PL/pgSQL's EXECUTE of a statement built at run time; a constant string (`EXECUTE '…';`, with USING or not) is not
# built: its text, and so its targets, are in the body (a function may EXECUTE one so that it is planned on each run).
_DYNAMIC = re.compile(r"\bEXECUTE\s+(?!FUNCTION\b|PROCEDURE\b|'(?:[^']|'')*'\s*(?:;|USING\b))", re.IGNORECASE)
_TRIGGER_WRITES: dict[str, dict[str, frozenset[str] | None]] = {}

_TRIGGERS_SQL = {
    # PostgreSQL: each trigger's table and function, and every function of the schema (a trigger's function may call
    # others that do the writing).
    "postgresql": (
        "SELECT c.relname, p.proname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = ANY(current_schemas(false))",
        "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = ANY(current_schemas(false))",
    ),
    # SQLite: the trigger's statements are its body.
    "sqlite": (
        "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'",
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",
    ),
}


def _trigger_writes(using: str) -> dict[str, frozenset[str] | None]:
    """Each table with triggers → the tables its triggers write to, through the functions they call (None: a body
    that builds its statements at run time, whose targets cannot be read)."""
    found = _TRIGGER_WRITES.get(using)
    if found is not None:
        return found
    connection = connections[using]
    queries = _TRIGGERS_SQL.get(connection.vendor)
    if queries is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(queries[0])
        triggers = cursor.fetchall()
        cursor.execute(queries[1])
        bodies = {name.lower(): body or "" for name, body in cursor.fetchall()}
    if connection.vendor == "sqlite":
        # The statements only: the header names the trigger's own event ("AFTER UPDATE OF … ON …").
        bodies = {name: body[begin.end() :] if (begin := _BEGIN.search(body)) else "" for name, body in bodies.items()}
    writes: dict[str, set[str] | None] = {}
    for table, function in triggers:
        table = table.lower()
        targets = _function_writes(function.lower(), bodies, set())
        if targets is None or writes.get(table, set()) is None:
            writes[table] = None
        else:
            writes.setdefault(table, set()).update(targets)
    found = {table: None if targets is None else frozenset(targets) for table, targets in writes.items()}
    _TRIGGER_WRITES[using] = found
    return found


def _function_writes(name: str, bodies: dict[str, str], seen: set[str]) -> set[str] | None:
    """The tables a function's (or trigger's) body writes to, with those of the functions it calls."""
    seen.add(name)
    body = bodies.get(name, "")
    if _DYNAMIC.search(body):
        return None
    targets = {match.lower() for match in STATEMENT_TARGET.findall(body)}
    for called in {match.lower() for match in _CALL.findall(body)} & bodies.keys() - seen:
        more = _function_writes(called, bodies, seen)
        if more is None:
            return None
        targets |= more
    return targets


def implied_tables(tables: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> set[str] | None:
    """The tables a write to `tables` changes: those, and every table their triggers write to, transitively (None
    when a trigger's targets cannot be read: anything may have changed)."""
    try:
        writes = _trigger_writes(using)
    except DatabaseError:
        return None
    changed = {table.lower() for table in tables}
    pending = list(changed)
    while pending:
        targets = writes.get(pending.pop(), frozenset())
        if targets is None:
            return None
        for target in targets - changed:
            changed.add(target)
            pending.append(target)
    return changed


def forget_triggers(**kwargs) -> None:
    """Read the catalogue again on the next question (after `migrate`: connected by `core.pagecache.install`)."""
    _TRIGGER_WRITES.clear()
