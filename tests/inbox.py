"""Helpers for the to-do tests of every app: what a user's list holds on a given day."""

from __future__ import annotations

import datetime

from notifications import todo


def todo_counts(user, on: datetime.date) -> dict[str, tuple[int, int]]:
    """kind key → (count, overdue count) on the user's list at `on`."""
    return {group.key: (group.count, group.overdue_count) for group in todo.assemble(user, on=on)}


def todo_urls(user, on: datetime.date, key: str) -> list[str]:
    for group in todo.assemble(user, on=on):
        if group.key == key:
            return [item.url for item in group.items]
    return []


def todo_group(user, on: datetime.date, key: str) -> todo.Group | None:
    return next((group for group in todo.assemble(user, on=on) if group.key == key), None)
