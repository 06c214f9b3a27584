"""JSON written by orjson, byte for byte what DRF's JSONRenderer writes for the same data.

The OCDS pages are megabytes of JSON (200 contracts: about 600 releases, 3.6 MB): the standard library's encoder
took about as long as building the releases; orjson takes a tenth of that. What orjson would write differently is
handed to DRF's own encoder (`default`): dates and times, Decimal, lazy translations, dataclasses; U+2028 and U+2029
are escaped as DRF escapes them. An indented response (the browsable API) and whatever orjson refuses are DRF's own.
Two differences are left, neither reachable from Qiyue's data (amounts and scores are decimals the database checks):
a float NaN or infinity, which DRF's strict JSON refuses, orjson writes as null; a float below 1e-4 or from 1e16 on is
written with orjson's exponent (1e-7 where Python writes 1e-07), the same number.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Keys that are not strings (which DRF writes as Python's json does) need OPT_NON_STR_KEYS, which makes orjson look
# at every key: half again its time for an OCDS page. Data is written without it first, and again with it only
# when orjson refuses a key.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_OPTIONS_ANY_KEYS = _OPTIONS | orjson.OPT_NON_STR_KEYS
_ENCODER = JSONEncoder()


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if not (self.compact and not self.ensure_ascii and self.strict) or self.get_indent(
            accepted_media_type, renderer_context or {}
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            try:
                body = orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS_ANY_KEYS)
            except orjson.JSONEncodeError:
                # What orjson refuses (an integer beyond 64 bits, a value neither knows): DRF's way, error included.
                return super().render(data, accepted_media_type, renderer_context)
        return _escape_line_separators(body)


# U+2028 and U+2029 in UTF-8: E2 80 A8 and E2 80 A9. Their first byte is rare in Chinese text (which lies in E3-E9),
# and a search for one byte is the fastest there is (memchr): each E2 found is looked at, rather than the body
# searched for each character (a search for a longer pattern is ten times slower on UTF-8, whose 80-BF bytes match
# its middle byte everywhere).
def _escape_line_separators(body: bytes) -> bytes:
    at = body.find(b"\xe2")
    while at != -1:
        if body[at + 1 : at + 3] in (b"\x80\xa8", b"\x80\xa9"):
            return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
        at = body.find(b"\xe2", at + 1)
    return body
