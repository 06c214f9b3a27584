"""Request and response rules that hold for every page and API route.

- `RefuseNulBytesMiddleware`: a path or query string holding a NUL byte (`%00`) is answered 400 before any view runs
  (PostgreSQL refuses NUL in text, so it would otherwise end as a 500 wherever the value reaches a query).
- `RequestBodyLimitMiddleware`: a request announcing a body larger than its path's upload limit (settings
  REQUEST_BODY_LIMITS_MB by path prefix, else UPLOAD_MAX_MB) plus 1 MB for the form's other fields is answered 413,
  naming that limit, before anything reads the body (nothing is written to disk). A front web server should cap
  bodies too (README: "Behind a TLS proxy").
- `PrivacyHeadersMiddleware`: Permissions-Policy on every response; `Cache-Control: no-store` on every response to
  a signed-in user (private pages, evidence and document downloads) unless the view chose its own caching.
- `OfficialIdleTimeoutMiddleware`: an official (registrar, purchaser, staff) idle for settings.OFFICIAL_IDLE_MINUTES
  is signed out; the next page asks them to sign in again. The time of their last request is written to the session
  at most once a minute (IDLE_MARK_SECONDS): not a session write and commit on every page an official opens, and
  never a later sign-out (the mark is at most a minute older than their last request, so an official idle for
  29–30 minutes of a 30-minute limit may be asked to sign in again, one idle for longer always is).
"""

from __future__ import annotations

import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

BAD_REQUEST = _("请求中含有不允许的字符（空字符）。")


def _in_both(text) -> dict[str, str]:
    result = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            result[language] = str(text)
    return result


class Rendered:
    """A lazy template with its parameters, rendered in whichever language is active."""

    def __init__(self, template, params):
        self.template, self.params = template, params

    def __str__(self) -> str:
        return str(self.template) % self.params


def bad_request(request, message=BAD_REQUEST, *, code: str = "bad_request", status: int = 400) -> HttpResponse:
    """A refusal before any view: the API's error body under /api/, a short text page elsewhere."""
    with translation.override(translation.get_language_from_request(request)):
        text = str(message)
    if request.path_info.startswith("/api/"):
        messages = _in_both(message)
        body = {
            "error": {
                "code": code,
                "message": text,
                "message_zh": messages["zh-hans"],
                "message_en": messages["en"],
                "fields": {},
            }
        }
        return JsonResponse(body, status=status)
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _has_nul(text: str) -> bool:
    return "\x00" in text or b"\x00" in unquote_to_bytes(text)


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.path) or _has_nul(request.META.get("QUERY_STRING", "")):
            return bad_request(request)
        return self.get_response(request)


FORM_FIELDS_ALLOWANCE = 1024 * 1024
TOO_LARGE = _("请求内容过大：此处上传的文件不能超过 %(limit)d MB。")


def body_limit_mb(path: str) -> int:
    """The upload limit in MB of the page or API route at `path`."""
    for prefix, limit in getattr(settings, "REQUEST_BODY_LIMITS_MB", ()):
        if path.startswith(prefix):
            return int(limit)
    return int(settings.UPLOAD_MAX_MB)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit_mb(request.path_info)
        if length > limit * 1024 * 1024 + FORM_FIELDS_ALLOWANCE:
            message = Rendered(TOO_LARGE, {"limit": limit})
            if request.path_info.startswith("/api/"):
                return bad_request(request, message, code="request_too_large", status=413)
            with translation.override(translation.get_language_from_request(request)):
                page = f'<!doctype html><meta charset="utf-8"><title>413</title><p>{escape(str(message))}</p>'

            response = HttpResponse(page, status=413, content_type="text/html; charset=utf-8")
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.setdefault("Permissions-Policy", policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


IDLE_SESSION_KEY = "qiyue-last-request"
IDLE_MARK_SECONDS = 60
SIGNED_OUT_IDLE = _("您已超过 %(minutes)d 分钟未操作，为安全起见已自动退出，请重新登录。")


def _is_official(user) -> bool:
    return bool(
        user.is_authenticated
        and (
            user.is_staff
            or user.is_superuser
            or getattr(user, "is_registrar", False)
            or getattr(user, "is_purchaser", False)
        )
    )


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """Signing in is a request: the idle mark starts with it (an official's first page then writes nothing more)."""
    if request is not None and hasattr(request, "session") and _is_official(user):
        request.session[IDLE_SESSION_KEY] = time.time()


class OfficialIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and _is_official(user):
            now = time.time()
            minutes = int(getattr(settings, "OFFICIAL_IDLE_MINUTES", 30))
            last = request.session.get(IDLE_SESSION_KEY)
            if last is not None and now - float(last) > minutes * 60:
                logout(request)
                if request.path_info.startswith("/api/"):
                    return self.get_response(request)  # the API answers as to anyone not signed in
                messages.warning(request, str(SIGNED_OUT_IDLE) % {"minutes": minutes})
                return redirect_to_login(request.get_full_path())
            if last is None or now - float(last) >= IDLE_MARK_SECONDS:
                request.session[IDLE_SESSION_KEY] = now
        return self.get_response(request)
