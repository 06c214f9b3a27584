"""api.callables: DRF's "is this a callable of no required argument" is answered once per function, the same way."""

from __future__ import annotations

import functools

import pytest
import rest_framework.fields
import rest_framework.relations

from api import callables
from registry.models import Organization


def no_arguments():
    return 1


def one_argument(value):
    return value


def optional(value=None, *rest, **named):
    return value


class Thing:
    def plain(self):
        return 1

    def needs(self, value):
        return value

    @property
    def prop(self):
        return 1


CASES = [
    no_arguments,
    one_argument,
    optional,
    Thing().plain,
    Thing().needs,
    functools.partial(one_argument, 1),
    functools.partial(one_argument, value=1),
    functools.partial(Thing().needs, 2),
    functools.partial(Thing().needs),
    Organization(org_type=Organization.Type.SERVICE).get_org_type_display,
    Organization().get_status_display,
    lambda: 1,
    lambda value: value,
    Thing,
    "text",
    7,
]


@pytest.mark.parametrize("obj", CASES)
def test_the_answer_is_drfs(obj):
    callables._answers.clear()
    expected = callables._ask(obj)
    assert callables.is_simple_callable(obj) is expected
    assert callables.is_simple_callable(obj) is expected  # read back


def test_a_builtin_is_refused_as_drf_refuses_it():
    with pytest.raises(rest_framework.fields.BuiltinSignatureError):
        callables.is_simple_callable(len)


def test_one_answer_per_function_whatever_the_instance():
    callables._answers.clear()
    first, second = Organization(), Organization()
    assert callables.is_simple_callable(first.get_status_display)
    assert callables.is_simple_callable(second.get_status_display)
    assert callables.is_simple_callable(Thing().plain) and callables.is_simple_callable(Thing().plain)
    assert not callables.is_simple_callable(Thing().needs)
    assert len(callables._answers) == 3


def test_drf_asks_through_the_cache():
    assert rest_framework.fields.is_simple_callable is callables.is_simple_callable
    assert rest_framework.relations.is_simple_callable is callables.is_simple_callable
