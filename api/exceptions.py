"""One error body for every API failure, with the message in Chinese and in English.

Every error answers

    {"error": {"code": "invalid", "message": "...", "message_zh": "...", "message_en": "...", "fields": {...}}}

`message` is in the request's language (LocaleMiddleware: Accept-Language, the language cookie), `message_zh` and
`message_en` in each language, `fields` maps input names to their messages (request language) and is empty when the
error concerns no particular field.

A refused service is called exactly once. Its ValidationError / PermissionDenied carries each message either lazily
(a `gettext_lazy` string with its params, rendered under `translation.override` for each language) or already
rendered in the active language by `gettext`; such a text is traced back to its msgid through the translation
catalogues (the message templates with their `%(name)s` params) and rendered from there in the other language. A
text found in no catalogue is given as it is in both languages.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
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
from django.utils.translation import trans_real
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

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


# --- rendering a message in the other language ----------------------------------------------------------------------

# printf-style conversions as gettext templates use them: %(name)s, %(count)d, %.1f, %s, and the literal %%.
_CONVERSION = re.compile(r"%(?:\((?P<name>[^)]+)\))?[-#0 +]*(?:\d+)?(?:\.\d+)?(?P<type>[sdifeEgGxXoru%])")


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern
    names: tuple[str | int, ...]  # per capture group: a param name, or a position for %s
    target: str  # the other language's template, every conversion turned into %(name)s / %s
    target_names: frozenset[str | int]
    specificity: int  # literal letters and digits: the most specific template wins


def _template_parts(template: str) -> tuple[str, tuple[str | int, ...], str, frozenset[str | int], int] | None:
    """(regex source, group names, template with string conversions, names, specificity) of a gettext template."""
    regex, names, plain, literal, position = [], [], [], [], 0
    end = 0
    for match in _CONVERSION.finditer(template):
        literal.append(template[end : match.start()])
        regex.append(re.escape(template[end : match.start()]))
        plain.append(template[end : match.start()].replace("%", "%%"))
        end = match.end()
        if match["type"] == "%":
            regex.append("%")
            plain.append("%%")
            literal.append("%")
            continue
        name: str | int = match["name"] if match["name"] is not None else position
        if match["name"] is None:
            position += 1
        if name in names:
            regex.append(f"(?P=g{names.index(name)})")
        else:
            regex.append(f"(?P<g{len(names)}>.+?)")
            names.append(name)
        plain.append(f"%({name})s" if isinstance(name, str) else "%s")
    literal.append(template[end:])
    regex.append(re.escape(template[end:]))
    plain.append(template[end:].replace("%", "%%"))
    if position and any(isinstance(name, str) for name in names):
        return None  # mixed named and positional conversions cannot be formatted
    specificity = sum(character.isalnum() for character in "".join(literal))
    return "".join(regex), tuple(names), "".join(plain), frozenset(names), specificity


class _Catalogue:
    """Texts of one language traced back to their msgid and rendered in the other language."""

    def __init__(self, source, target):
        self.source, self.target = source, target
        self.exact: dict[str, str] = {}
        self.templates: list[_Template] = []
        source_catalog, target_catalog = source._catalog, target._catalog
        for key in {*source_catalog.keys(), *target_catalog.keys()}:
            if not isinstance(key, str):
                continue  # plural forms
            msgid = key.rpartition("\x04")[2]  # pgettext keys are "context\x04msgid"
            said = source_catalog.get(key) or msgid
            other = target_catalog.get(key) or msgid
            if said == other:
                continue
            if _CONVERSION.search(said) is None:
                self.exact.setdefault(said, other)
                continue
            said_parts, other_parts = _template_parts(said), _template_parts(other)
            if said_parts is None or other_parts is None or said_parts[3] != other_parts[3]:
                continue  # a translation that does not use the same params cannot be filled in
            if said_parts[4] < 2:
                continue  # "%(a)s: %(b)s" would match almost any text
            self.templates.append(
                _Template(
                    pattern=re.compile(rf"\A{said_parts[0]}\Z", re.DOTALL),
                    names=said_parts[1],
                    target=other_parts[2],
                    target_names=other_parts[3],
                    specificity=said_parts[4],
                )
            )
        self.templates.sort(key=lambda template: -template.specificity)

    def render(self, text: str) -> str | None:
        if text in self.exact:
            return self.exact[text]
        for template in self.templates:
            match = template.pattern.match(text)
            if match is None:
                continue
            values = {name: match[f"g{index}"] for index, name in enumerate(template.names)}
            if all(isinstance(name, int) for name in values):
                return template.target % tuple(values[position] for position in sorted(values))
            return template.target % values
        return None


_catalogues: dict[tuple[str, str], _Catalogue] = {}
_catalogues_lock = threading.Lock()


def _catalogue(source_language: str, target_language: str) -> _Catalogue | None:
    source, target = trans_real.translation(source_language), trans_real.translation(target_language)
    if not hasattr(source, "_catalog") or not hasattr(target, "_catalog"):
        return None
    key = (source_language, target_language)
    with _catalogues_lock:
        catalogue = _catalogues.get(key)
        # Rebuilt when Django reloads its translations (it does when LOCALE_PATHS or LANGUAGES change).
        if catalogue is None or catalogue.source is not source or catalogue.target is not target:
            catalogue = _catalogues[key] = _Catalogue(source, target)
    return catalogue


def translated(text: str, *, source: str, target: str) -> str:
    """`text`, rendered by gettext in `source`, in the `target` language; `text` itself when no catalogue has it."""
    if source == target or not text:
        return text
    catalogue = _catalogue(source, target)
    rendered = catalogue.render(text) if catalogue is not None else None
    return text if rendered is None else rendered


def _rendered(message: Any, params: Any, *, source: str, target: str) -> str:
    """One message of a Django exception (lazy or already rendered in `source`) in the `target` language."""
    if isinstance(message, Promise):
        with translation.override(target):
            return force_str(message % params if params else message)
    text = force_str(message % params if params else message)
    return translated(text, source=source, target=target)


def in_both(text: Any, *, source: str | None = None) -> dict[str, str]:
    """{language: text} for a lazy text or for one rendered in `source` (default: the active language)."""
    if isinstance(text, Promise):
        return {language: _in(language, text) for language in LANGUAGES}
    source = _offered(source or translation.get_language())
    text = force_str(text)
    return {language: translated(text, source=source, target=language) for language in LANGUAGES}


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


def _validation_parts(
    error: DjangoValidationError, *, source: str | None = None, target: str | None = None
) -> tuple[list[str], dict[str, list[str]]]:
    """(messages not tied to a field, {field: messages}) of a Django ValidationError, in the `target` language.

    `source` is the language the error was raised in; both default to the active language.
    """
    source = _offered(source or translation.get_language())
    target = target or source

    def messages(items) -> list[str]:
        return [_rendered(item.message, item.params, source=source, target=target) for item in items]

    if hasattr(error, "error_dict"):
        general: list[str] = []
        fields: dict[str, list[str]] = {}
        for field, errors in error.error_dict.items():
            rendered = [message for item in errors for message in messages(item.error_list)]
            if field == NON_FIELD_ERRORS:
                general.extend(rendered)
            else:
                fields[field] = rendered
        return general, fields
    return messages(error.error_list), {}


def _service_message(error: DjangoValidationError, *, source: str, target: str) -> str:
    general, fields = _validation_parts(error, source=source, target=target)
    return "；".join(general + [message for messages in fields.values() for message in messages])


def _permission_messages(error: DjangoPermissionDenied, *, source: str) -> dict[str, str]:
    reason = error.args[0] if error.args and error.args[0] else None
    if reason is None:
        return in_both(exceptions.PermissionDenied.default_detail)
    return in_both(reason, source=source)


# The code of a service's refusal to accept more of something from one client in a period (complaints).
RATE_LIMITED = "rate_limited"


def _codes(error: DjangoValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


def call_service(call: Callable[[], T]) -> T:
    """Run one service call once; turn its ValidationError / PermissionDenied into an ApiError in both languages."""
    source = _offered(translation.get_language())
    try:
        return call()
    except DjangoPermissionDenied as refusal:
        raise ApiError(
            status_code=status.HTTP_403_FORBIDDEN,
            code="permission_denied",
            messages=_permission_messages(refusal, source=source),
        ) from None
    except DjangoValidationError as refusal:
        messages = {language: _service_message(refusal, source=source, target=language) for language in LANGUAGES}
        if _codes(refusal) == {RATE_LIMITED}:
            raise ApiError(
                status_code=status.HTTP_429_TOO_MANY_REQUESTS, code=RATE_LIMITED, messages=messages
            ) from None
        _, fields = _validation_parts(refusal, source=source)
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


def _joined_in_both(texts: list[str]) -> dict[str, str]:
    """Texts rendered in the active language, each in both languages and joined."""
    renderings = [in_both(text) for text in texts]
    return {language: "；".join(rendering[language] for rendering in renderings) for language in LANGUAGES}


def _as_api_error(exc: Exception, context: dict) -> ApiError | None:
    request = context.get("request")
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return ApiError.not_found()
    if isinstance(exc, DjangoPermissionDenied):
        source = _offered(translation.get_language())
        return ApiError(status_code=403, code="permission_denied", messages=_permission_messages(exc, source=source))
    if isinstance(exc, DjangoValidationError):
        _, fields = _validation_parts(exc)
        messages = {language: "；".join(_validation_parts(exc, target=language)[0]) for language in LANGUAGES}
        if all(messages.values()):
            return ApiError(status_code=400, code="invalid", messages=messages, fields=fields)
        return ApiError.invalid(fields)
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
            messages = {ZH: _in(ZH, exc.default_detail), EN: _in(EN, exc.default_detail)}
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
