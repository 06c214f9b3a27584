"""One error body for every API failure, with the message in Chinese and in English.

Every error answers

    {"error": {"code": "invalid", "message": "...", "message_zh": "...", "message_en": "...", "fields": {...}}}

`message` is in the request's language (LocaleMiddleware: Accept-Language, the language cookie), `message_zh` and
`message_en` in each language, `fields` maps input names to their messages (request language) and is empty when the
error concerns no particular field.

The apps' services raise Django's ValidationError and PermissionDenied with messages already rendered in the active
language. `call_service` therefore renders a refusal in the other language by calling the service again under
`translation.override` inside a transaction that is always rolled back: a refused service changes nothing, so the
second call refuses in the same way and only the language differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

T = TypeVar("T")

ZH = "zh-hans"
EN = "en"

INVALID_INPUT = _("提交的数据有误，请按各字段的提示修改。")
NOT_FOUND = _("未找到。")


def _in(language: str, text: Any) -> str:
    with translation.override(language):
        return force_str(text)


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, (list, tuple)):
        return [message for value in detail for message in _flatten(value)]
    return [force_str(detail)]


def plain_errors(detail: Any) -> Any:
    """ErrorDetail trees as plain JSON (lists of strings, nested dicts for nested serializers)."""
    if isinstance(detail, dict):
        return {str(key): plain_errors(value) for key, value in detail.items()}
    if isinstance(detail, (list, tuple)):
        return [plain_errors(value) for value in detail]
    return force_str(detail)


class ApiError(exceptions.APIException):
    """An API error whose messages are rendered per language from lazy strings or from service re-runs.

    `messages` maps language codes to the top-level message; `fields` maps input names to lists of messages in the
    request's language.
    """

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        messages: dict[str, str],
        fields: dict[str, Any] | None = None,
    ):
        self.status_code = status_code
        self.code = code
        self.messages = messages
        self.fields = fields or {}
        super().__init__(detail=self.message_for(translation.get_language()), code=code)

    def message_for(self, language: str | None) -> str:
        if language and language.lower().startswith("en"):
            return self.messages.get(EN, "")
        return self.messages.get(ZH, "")

    @classmethod
    def lazy(cls, *, status_code: int, code: str, message: Promise | str, fields: dict | None = None) -> ApiError:
        return cls(
            status_code=status_code, code=code, messages={ZH: _in(ZH, message), EN: _in(EN, message)}, fields=fields
        )

    @classmethod
    def not_found(cls, message: Promise | str = NOT_FOUND) -> ApiError:
        return cls.lazy(status_code=status.HTTP_404_NOT_FOUND, code="not_found", message=message)

    @classmethod
    def invalid(cls, fields: dict[str, Any], message: Promise | str = INVALID_INPUT) -> ApiError:
        return cls.lazy(status_code=status.HTTP_400_BAD_REQUEST, code="invalid", message=message, fields=fields)


# --- services -------------------------------------------------------------------------------------------------------


def _validation_parts(error: DjangoValidationError) -> tuple[list[str], dict[str, list[str]]]:
    """(messages not tied to a field, {field: messages}) of a Django ValidationError."""
    if hasattr(error, "error_dict"):
        general: list[str] = []
        fields: dict[str, list[str]] = {}
        for field, errors in error.error_dict.items():
            messages = [message for item in errors for message in item.messages]
            if field == NON_FIELD_ERRORS:
                general.extend(messages)
            else:
                fields[field] = messages
        return general, fields
    return list(error.messages), {}


def _service_message(error: Exception) -> str:
    if isinstance(error, DjangoValidationError):
        general, fields = _validation_parts(error)
        return "；".join(general + [message for messages in fields.values() for message in messages])
    return force_str(error.args[0]) if error.args and error.args[0] else ""


# The code of a service's refusal to accept more of something from one client in a period (complaints).
RATE_LIMITED = "rate_limited"


def _codes(error: DjangoValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


class _Rollback(Exception):
    """Raised to undo a re-run that unexpectedly succeeded."""


_REFUSALS = (DjangoValidationError, DjangoPermissionDenied)


def _refusal_in(language: str, call: Callable[[], Any]) -> Exception | None:
    with translation.override(language):
        try:
            with transaction.atomic():
                call()
                raise _Rollback
        except _REFUSALS as refusal:
            return refusal
        except _Rollback:
            return None


def call_service(call: Callable[[], T]) -> T:
    """Run one service call; turn its ValidationError / PermissionDenied into an ApiError in both languages.

    `call` must fetch the objects it acts on itself (a refused service may have changed the instances in memory),
    so that calling it again reproduces the refusal.
    """
    try:
        return call()
    except _REFUSALS as refusal:
        current = translation.get_language() or settings.LANGUAGE_CODE
        current = EN if current.lower().startswith("en") else ZH
        other = ZH if current == EN else EN
        renderings = {current: refusal, other: _refusal_in(other, call) or refusal}
        if isinstance(refusal, DjangoPermissionDenied):
            messages = {
                language: _service_message(error) or _in(language, exceptions.PermissionDenied.default_detail)
                for language, error in renderings.items()
            }
            raise ApiError(status_code=status.HTTP_403_FORBIDDEN, code="permission_denied", messages=messages) from None
        messages = {language: _service_message(error) for language, error in renderings.items()}
        if _codes(refusal) == {RATE_LIMITED}:
            raise ApiError(
                status_code=status.HTTP_429_TOO_MANY_REQUESTS, code=RATE_LIMITED, messages=messages
            ) from None
        _, fields = _validation_parts(refusal)
        raise ApiError(
            status_code=status.HTTP_400_BAD_REQUEST, code="invalid", messages=messages, fields=fields
        ) from None


# --- the handler ----------------------------------------------------------------------------------------------------


def _recreated(exc: exceptions.APIException, request) -> Callable[[], exceptions.APIException] | None:
    """How to build the same DRF exception again (in another language) when its message carries arguments."""
    if isinstance(exc, exceptions.Throttled):
        return lambda: exceptions.Throttled(wait=exc.wait)
    if isinstance(exc, exceptions.MethodNotAllowed) and request is not None:
        return lambda: exceptions.MethodNotAllowed(request.method)
    if isinstance(exc, exceptions.UnsupportedMediaType) and request is not None:
        return lambda: exceptions.UnsupportedMediaType(request.content_type)
    return None


def _as_api_error(exc: Exception, context: dict) -> ApiError | None:
    request = context.get("request")
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return ApiError.not_found()
    if isinstance(exc, DjangoPermissionDenied):
        message = force_str(exc.args[0]) if exc.args and exc.args[0] else ""
        if message:
            return ApiError(status_code=403, code="permission_denied", messages={ZH: message, EN: message})
        return ApiError.lazy(
            status_code=403, code="permission_denied", message=exceptions.PermissionDenied.default_detail
        )
    if isinstance(exc, DjangoValidationError):
        general, fields = _validation_parts(exc)
        message = "；".join(general) or None
        if message:
            return ApiError(status_code=400, code="invalid", messages={ZH: message, EN: message}, fields=fields)
        return ApiError.invalid(fields)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            general = _flatten(detail.get("non_field_errors", []))
            fields = {key: plain_errors(value) for key, value in detail.items() if key != "non_field_errors"}
            if general:
                return ApiError(
                    status_code=400,
                    code="invalid",
                    messages={ZH: "；".join(general), EN: "；".join(general)},
                    fields=fields,
                )
            return ApiError.invalid(fields)
        message = "；".join(_flatten(detail))
        return ApiError(status_code=400, code="invalid", messages={ZH: message, EN: message})
    if isinstance(exc, exceptions.APIException):
        code = exc.default_code if isinstance(exc.get_codes(), (dict, list)) else str(exc.get_codes())
        recreate = _recreated(exc, request)
        if recreate is not None:
            messages = {}
            for language in (ZH, EN):
                with translation.override(language):
                    messages[language] = force_str(recreate().detail)
        elif force_str(exc.detail) == force_str(exc.default_detail):
            messages = {ZH: _in(ZH, exc.default_detail), EN: _in(EN, exc.default_detail)}
        else:
            messages = {ZH: force_str(exc.detail), EN: force_str(exc.detail)}
        return ApiError(status_code=exc.status_code, code=code, messages=messages)
    return None


def error_body(error: ApiError) -> dict:
    return {
        "error": {
            "code": error.code,
            "message": error.message_for(translation.get_language()),
            "message_zh": error.messages.get(ZH, ""),
            "message_en": error.messages.get(EN, ""),
            "fields": error.fields,
        }
    }


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every handled failure becomes the error body above; anything else stays a 500."""
    error = _as_api_error(exc, context)
    if error is None:
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = "%d" % exc.wait
    set_rollback()
    return Response(error_body(error), status=error.status_code, headers=headers)
