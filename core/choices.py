"""A model field's choice labels looked up once per page instead of once per row.

Django's `get_FOO_display()` builds the dictionary of its field's choices on every call (each label a lazy
translation, hashed as it goes in): for the status of 50 rows of an API page, or a choice column of 25 rows of a
table, that dictionary is built 50 or 25 times. `label_of(model, name)` builds it once and gives a function of a
record with the same answer — the label in the active language, or the value itself when it is not a choice — for a
model whose `get_FOO_display` is Django's own; None for any other (a model that overrides it, a field without
choices).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def label_of(model: type, name: str) -> Callable[[object], object] | None:
    try:
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None
    if not getattr(field, "choices", ()):
        return None
    display = inspect.getattr_static(model, f"get_{name}_display", None)
    if not (
        isinstance(display, functools.partialmethod)
        and display.func is Model._get_FIELD_display
        and display.keywords.get("field") is field
    ):
        return None
    choices = dict(make_hashable(field.flatchoices))
    attname = field.attname

    def label(record):
        value = getattr(record, attname)
        return force_str(choices.get(make_hashable(value), value), strings_only=True)

    return label


@functools.lru_cache(maxsize=512)
def cached_label_of(model: type, name: str) -> Callable[[object], object] | None:
    """`label_of`, looked up once per model and field: a model's choices are fixed when it is defined, and the
    labels stay lazy, so each answer is in the active language."""
    return label_of(model, name)


def display(record, name: str):
    """`record.get_<name>_display()`, the same answer, with the field's choices looked up once per model and field
    (`cached_label_of`)."""
    label = cached_label_of(type(record), name)
    return label(record) if label is not None else getattr(record, f"get_{name}_display")()
