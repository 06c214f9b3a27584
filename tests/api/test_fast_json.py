"""FastJSONRenderer writes what DRF's JSONRenderer writes, byte for byte."""

import dataclasses
import datetime
import decimal
import json
import uuid
from collections import OrderedDict

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from api.renderers import FastJSONRenderer
from contracts.models import Contract


@dataclasses.dataclass
class Point:
    x: int


SAMPLES = [
    {"name": "呼和浩特市阳光社会工作服务中心", "amount": 120000.5, "count": 3, "ok": True, "none": None},
    {"dates": [datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 30, 5, 123456, tzinfo=datetime.UTC)]},
    {"time": datetime.time(9, 15), "delta": datetime.timedelta(days=2, seconds=5)},
    {"money": decimal.Decimal("1234.50"), "id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"lazy": gettext_lazy("合同"), "choice": Contract.Status.SIGNED},
    {"separators": "line\u2028paragraph\u2029end", "quote": 'say "hi" \\ /', "control": "a\tb\nc\x01"},
    {"dashes first": "无 — 有…\u2009", "then a separator": "— …\u2029", "dashes only": "—→…‘’“”"},
    ["—" * 3 + "\u2028", "\u2029"],
    {1: "int key", "nested": OrderedDict([("b", [1, 2, {"c": []}]), ("a", {})])},
    {"deep": [{"keys": {2: "int", 2.5: "float", True: "bool", None: "none", "s": "str"}}], "after": "中文"},
    [1, 2.0, -0.0, 0.25, 120000.5, 99.99, 12345678901234567, "x"],
    {"big": 2**70},
    {"tuple": (1, "二")},
    "plain string",
]


@pytest.mark.parametrize("data", SAMPLES, ids=range(len(SAMPLES)))
def test_fast_renderer_writes_what_drf_writes(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_floats_in_exponent_form_are_the_same_numbers():
    """The one textual difference: exponents (1e-07 in Python, 1e-7 from orjson), far from any amount or score."""
    data = [1e-7, 1e16, 1.5e300]
    assert json.loads(FastJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data)) == data


def test_a_dataclass_is_refused_as_drf_refuses_it():
    with pytest.raises(TypeError):
        JSONRenderer().render({"point": Point(1)})
    with pytest.raises(TypeError):
        FastJSONRenderer().render({"point": Point(1)})


def test_indented_output_is_drf_own():
    context = {"indent": 2}
    data = {"a": [1, {"b": "二"}]}
    assert FastJSONRenderer().render(data, renderer_context=context) == JSONRenderer().render(
        data, renderer_context=context
    )
    assert FastJSONRenderer().render(None) == b""
