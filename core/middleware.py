"""Request and response rules that hold for every page and API route.

- `RefuseNulBytesMiddleware`: a path or query string holding a NUL byte (`%00`) is answered 400 before any view runs
  (PostgreSQL refuses NUL in text, so it would otherwise end as a 500 wherever the value reaches a query).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

BAD_REQUEST = _("请求中含有不允许的字符（空字符）。")


def _in_both(text) -> dict[str, str]:
    result = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            result[language] = str(text)
    return result


def bad_request(request, message=BAD_REQUEST, *, code: str = "bad_request", status: int = 400) -> HttpResponse:
    """A refusal before any view: the API's error body under /api/, a short text page elsewhere."""
    if request.path_info.startswith("/api/"):
        messages = _in_both(message)
        body = {
            "error": {
                "code": code,
                "message": str(message),
                "message_zh": messages["zh-hans"],
                "message_en": messages["en"],
                "fields": {},
            }
        }
        return JsonResponse(body, status=status)
    return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


def _has_nul(text: str) -> bool:
    return "\x00" in text or b"\x00" in unquote_to_bytes(text)


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.path) or _has_nul(request.META.get("QUERY_STRING", "")):
            return bad_request(request)
        return self.get_response(request)
