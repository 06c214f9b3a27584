"""One error body for every API failure, with the message in Chinese and in English.

Every error answers

    {"error": {"code": "invalid", "message": "...", "message_zh": "...", "message_en": "...", "fields": {...}}}

`message` is in the request's language (LocaleMiddleware: Accept-Language, the language cookie), `message_zh` and
`message_en` in each language, `fields` maps input names to their messages (request language) and is empty when the
error concerns no particular field.

`code` is the refusal's own code (core.services: `budget_exceeded`, `wrong_state`, `permission_denied`, …; the first
when several rules broke), or DRF's (`not_authenticated`, `not_found`, `invalid` for malformed input, `throttled`).

A refused service is called exactly once. Its ValidationError / PermissionDenied carries each message as a lazy
template with its params (core.services.refuse / require), rendered under `translation.override` for each language.
Messages that arrive already rendered (a serializer's field messages, a text from outside Qiyue) are given as they
are under both keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.services import render_message

T = TypeVar("T")

ZH = "zh-hans"
EN = "en"
LANGUAGES = (ZH, EN)

INVALID_INPUT = _("提交的数据有误，请按各字段的提示修改。")
NOT_FOUND = _("未找到。")


def _in(language: str, text: Any) -> str:
    with translation.override(language):
        return force_str(text)


def _offered(language: str | None) -> str:
    """The API language (ZH or EN) standing for a Django language code."""
    language = language or settings.LANGUAGE_CODE
    return EN if language.lower().startswith("en") else ZH


# --- rendering a message in each language -------------------------------------------------------------------------


def _rendered(item: DjangoValidationError | DjangoPermissionDenied, language: str) -> str:
    """One refusal's message in `language`: its lazy template rendered under that language with its params.

    A message that arrives already rendered (not lazy) is given as it is, whatever the language."""
    message = getattr(item, "message", None)
    if message is None:  # a plain PermissionDenied("…")
        message = item.args[0] if item.args else ""
    with translation.override(language):
        return render_message(message, getattr(item, "params", None))


def in_both(text: Any) -> dict[str, str]:
    """{language: text} for a lazy text; the same text under both keys for one already rendered."""
    return {language: _in(language, text) for language in LANGUAGES}


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
    """An API error with its top-level message in each language.

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
        return cls(status_code=status_code, code=code, messages=in_both(message), fields=fields)

    @classmethod
    def not_found(cls, message: Promise | str = NOT_FOUND) -> ApiError:
        return cls.lazy(status_code=status.HTTP_404_NOT_FOUND, code="not_found", message=message)

    @classmethod
    def invalid(cls, fields: dict[str, Any], message: Promise | str = INVALID_INPUT) -> ApiError:
        return cls.lazy(status_code=status.HTTP_400_BAD_REQUEST, code="invalid", message=message, fields=fields)


# --- services -------------------------------------------------------------------------------------------------------


def _validation_parts(error: DjangoValidationError, language: str) -> tuple[list[str], dict[str, list[str]]]:
    """(messages not tied to a field, {field: messages}) of a Django ValidationError, rendered in `language`."""
    if hasattr(error, "error_dict"):
        general: list[str] = []
        fields: dict[str, list[str]] = {}
        for field, errors in error.error_dict.items():
            rendered = [_rendered(item, language) for error_item in errors for item in error_item.error_list]
            if field == NON_FIELD_ERRORS:
                general.extend(rendered)
            else:
                fields[field] = rendered
        return general, fields
    return [_rendered(item, language) for item in error.error_list], {}


def _codes(error: DjangoValidationError) -> list[str]:
    """The refusal's codes, in order, each once ("invalid" for a message raised without one)."""
    if hasattr(error, "error_dict"):
        items = [
            item for errors in error.error_dict.values() for error_item in errors for item in error_item.error_list
        ]
    else:
        items = error.error_list
    return list(dict.fromkeys(item.code or "invalid" for item in items))


# The code of a service's refusal to accept more of something from one client in a period (complaints).
RATE_LIMITED = "rate_limited"


def _from_validation_error(error: DjangoValidationError) -> ApiError:
    """A service's (or model's) ValidationError: every message in both languages, the fields in the request's, and
    the refusal's own code (the first, when several rules broke)."""
    language = _offered(translation.get_language())
    messages = {}
    for target in LANGUAGES:
        general, fields = _validation_parts(error, target)
        messages[target] = "；".join(
            general + [message for field_messages in fields.values() for message in field_messages]
        )
    codes = _codes(error)
    if codes == [RATE_LIMITED]:
        return ApiError(status_code=status.HTTP_429_TOO_MANY_REQUESTS, code=RATE_LIMITED, messages=messages)
    _, fields = _validation_parts(error, language)
    if not all(messages.values()):
        return ApiError.invalid(fields)
    return ApiError(status_code=status.HTTP_400_BAD_REQUEST, code=codes[0], messages=messages, fields=fields)


def _from_permission_denied(error: DjangoPermissionDenied) -> ApiError:
    """A refusal to act: the service's reason (coded by core.services.require) in both languages, or DRF's."""
    if not (error.args and error.args[0]):
        return ApiError(
            status_code=status.HTTP_403_FORBIDDEN,
            code="permission_denied",
            messages=in_both(exceptions.PermissionDenied.default_detail),
        )
    return ApiError(
        status_code=status.HTTP_403_FORBIDDEN,
        code=getattr(error, "code", None) or "permission_denied",
        messages={language: _rendered(error, language) for language in LANGUAGES},
    )


def call_service(call: Callable[[], T]) -> T:
    """Run one service call once; turn its ValidationError / PermissionDenied into an ApiError in both languages."""
    try:
        return call()
    except DjangoPermissionDenied as refusal:
        raise _from_permission_denied(refusal) from None
    except DjangoValidationError as refusal:
        raise _from_validation_error(refusal) from None


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


def _joined_in_both(texts: list[str]) -> dict[str, str]:
    """Texts a serializer rendered in the request's language, joined (the same text under both keys)."""
    return in_both("；".join(texts))


def _as_api_error(exc: Exception, context: dict) -> ApiError | None:
    request = context.get("request")
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return ApiError.not_found()
    if isinstance(exc, DjangoPermissionDenied):
        return _from_permission_denied(exc)
    if isinstance(exc, DjangoValidationError):
        return _from_validation_error(exc)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            general = _flatten(detail.get("non_field_errors", []))
            fields = {key: plain_errors(value) for key, value in detail.items() if key != "non_field_errors"}
            if general:
                return ApiError(status_code=400, code="invalid", messages=_joined_in_both(general), fields=fields)
            return ApiError.invalid(fields)
        return ApiError(status_code=400, code="invalid", messages=_joined_in_both(_flatten(detail)))
    if isinstance(exc, exceptions.APIException):
        code = exc.default_code if isinstance(exc.get_codes(), (dict, list)) else str(exc.get_codes())
        recreate = _recreated(exc, request)
        if recreate is not None:
            messages = {}
            for language in (ZH, EN):
                with translation.override(language):
                    messages[language] = force_str(recreate().detail)
        elif force_str(exc.detail) == force_str(exc.default_detail):
            messages = in_both(exc.default_detail)
        else:
            messages = in_both(force_str(exc.detail))
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
