"""DRF's `is_simple_callable` (is this attribute a callable of no required argument, to be called for its value?),
answered once per function instead of once per field of every row.

A serializer field whose source is a method (`get_status_display`, a model property's getter) asks it for every
object it serializes, and each answer was an `inspect.signature`: a sixth of an API page of 50 organizations in
the profile. The answer depends only on the function behind the attribute — a bound method's function, a plain
function, or a `functools.partial` (what `get_FOO_display` is on an instance) of one of them with its number of
positional arguments and the names of its keywords — so it is kept per such key; anything else is asked every
time, as before.
"""

from __future__ import annotations

import functools
import inspect

import rest_framework.fields
import rest_framework.relations

_ask = rest_framework.fields.is_simple_callable
_answers: dict[tuple, bool] = {}
_MAX_ANSWERS = 4096


def _key(obj) -> tuple | None:
    if inspect.ismethod(obj):
        return ("method", obj.__func__) if inspect.isfunction(obj.__func__) else None
    if inspect.isfunction(obj):
        return ("function", obj)
    if isinstance(obj, functools.partial):
        inner = _key(obj.func)
        return None if inner is None else ("partial", inner, len(obj.args), tuple(sorted(obj.keywords)))
    return None


def is_simple_callable(obj) -> bool:
    """`rest_framework.fields.is_simple_callable`, remembered per function (see the module's docstring)."""
    key = _key(obj) if callable(obj) else None
    if key is None:
        return _ask(obj)
    try:
        return _answers[key]
    except KeyError:
        pass
    answer = _ask(obj)
    if len(_answers) >= _MAX_ANSWERS:
        _answers.clear()
    _answers[key] = answer
    return answer


def install() -> None:
    """Called once from the API's AppConfig.ready."""
    rest_framework.fields.is_simple_callable = is_simple_callable
    rest_framework.relations.is_simple_callable = is_simple_callable
