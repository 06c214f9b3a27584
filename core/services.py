"""What every service does the same way: check the actor, lock, validate, save with history, refuse with a code.

Services raise two kinds of refusal, and both carry a stable `code` and the `params` of their message:

- `require(allowed, message, code=...)` raises `Forbidden` (a `PermissionDenied`) when the actor may not act;
- `refuse(field, message, code=..., **params)` raises a `ValidationError` for a broken rule or a wrong state.

Messages are `gettext_lazy` strings with `%(name)s` placeholders, never formatted in advance: each renderer (a
form, the API in both languages, an e-mail) renders the same message in its own language. Params that are labels
(a status, a type) are lazy too; dates, numbers and names are passed as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

PERMISSION_DENIED = "permission_denied"
WRONG_STATE = "wrong_state"


class Forbidden(PermissionDenied):
    """The actor may not do this: a PermissionDenied with a code and the params of its message."""

    def __init__(self, message: Any, *, code: str = PERMISSION_DENIED, params: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = dict(params or {})

    def render(self) -> str:
        return render_message(self.message, self.params)

    def __str__(self) -> str:
        return self.render()


def render_message(message: Any, params: Mapping[str, Any] | None = None) -> str:
    """The message in the active language, its params filled in (lazy params rendered in the same language)."""
    text = force_str(message)
    if not params:
        return text
    return text % {name: force_str(value) if isinstance(value, Promise) else value for name, value in params.items()}


# A message with its params bound, rendered in the language active wherever it is shown: for text that is not itself a
# refusal but travels inside one or is shown later (a param of another message, a RowError reason, a reason handed
# to another app's hook). `lazy_message(_("…%(day)s…"), {"day": day})`.
lazy_message = lazy(render_message, str)

# Separators of joined texts in each language: a list of names, a run of sentences.
LIST_SEPARATORS = ("、", ", ")
SENTENCE_SEPARATORS = ("；", "; ")


def render_join(items: Sequence[Any], separators: tuple[str, str] = LIST_SEPARATORS) -> str:
    """Items (lazy or not) joined in the active language, with that language's separator."""
    language = translation.get_language() or ""
    separator = separators[1] if language.lower().startswith("en") else separators[0]
    return separator.join(force_str(item) for item in items)


_lazy_join = lazy(render_join, str)


def lazy_join(items: Iterable[Any], *, sentences: bool = False):
    """A param made of several texts (lazy warnings, names), rendered in the language the message is shown in: so an
    English message never carries Chinese sentences rendered too early."""
    return _lazy_join(list(items), SENTENCE_SEPARATORS if sentences else LIST_SEPARATORS)


def require(allowed: Any, message: Any, *, code: str = PERMISSION_DENIED, **params: Any) -> None:
    """Refuse with `Forbidden` unless `allowed`: the first line of every service."""
    if not allowed:
        raise Forbidden(message, code=code, params=params)


def refusal(message: Any, *, code: str, params: Mapping[str, Any] | None = None, **more: Any) -> ValidationError:
    """A ValidationError carrying `code` and the message's params (not formatted: see the module docstring).

    Params come as keywords, or as `params={...}` for a placeholder whose name is taken (`%(code)s`)."""
    return ValidationError(message, code=code, params={**(params or {}), **more} or None)


def refuse(
    field: str | None, message: Any, *, code: str, params: Mapping[str, Any] | None = None, **more: Any
) -> NoReturn:
    """Raise a coded ValidationError on `field` (None: about the whole request)."""
    error = refusal(message, code=code, params=params, **more)
    if field is None:
        raise error
    raise ValidationError({field: [error]})


class Refusals:
    """Collects the refusals of one request, field by field, to raise them all at once.

    refusals = Refusals()
    refusals.add("due_on", _("…"), code="date_in_past", day=due_on)
    refusals.raise_if_any()
    """

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(
        self, field: str | None, message: Any, *, code: str, params: Mapping[str, Any] | None = None, **more: Any
    ) -> None:
        self.errors.setdefault(field or NON_FIELD_ERRORS, []).append(refusal(message, code=code, params=params, **more))

    def extend(self, error: ValidationError, *, field: str | None = None) -> None:
        """Take over another ValidationError's messages (on their fields, or on `field` when they name none)."""
        if hasattr(error, "error_dict") and field is None:
            for name, errors in error.error_dict.items():
                self.errors.setdefault(name, []).extend(errors)
        else:
            self.errors.setdefault(field or NON_FIELD_ERRORS, []).extend(error.error_list)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def full_clean(self, instance: models.Model) -> None:
        """Run the model's own validation on the fields not already refused, then raise everything found."""
        try:
            instance.full_clean(exclude=[field for field in self.errors if field != NON_FIELD_ERRORS])
        except ValidationError as error:
            self.extend(error)
        self.raise_if_any()

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def wrong_state(action: Any, status: Any) -> ValidationError:
    """The refusal of a transition from a status that does not allow it."""
    return refusal(_("当前状态为“%(status)s”，不能%(action)s。"), code=WRONG_STATE, status=status, action=action)


def lock(instance: models.Model) -> None:
    """Lock the row for the rest of the transaction and reload it (a row lock on PostgreSQL, taken on the row itself
    even when the model's default manager joins others; SQLite serializes writers instead)."""
    rows = type(instance)._default_manager.select_for_update(of=("self",)).filter(pk=instance.pk).order_by()
    list(rows.values_list("pk", flat=True))
    instance.refresh_from_db()


def automatic_reason(reason: str = "") -> str:
    """The change reason recorded when the system acts on its own (stored in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        prefix = force_str(_("系统自动处理"))
    return f"{prefix}：{reason}" if reason else prefix


def save(instance: models.Model, *, actor, reason: str = "", clean: bool = True) -> None:
    """Validate (unless the caller already did) and save, the history row naming the actor and the reason.

    `actor=None` is the system acting on its own: its history row carries the automatic reason.
    """
    if getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    change_reason = automatic_reason(reason) if actor is None else reason
    if change_reason:
        instance._change_reason = change_reason
    try:
        if clean:
            instance.full_clean()
        instance.save()
    finally:
        for attribute in ("_history_user", "_change_reason"):
            if hasattr(instance, attribute):
                delattr(instance, attribute)


def apply_fields(instance: models.Model, fields: Mapping[str, Any], allowed: Iterable[str], service: str) -> None:
    """Set the fields a service's caller may change; any other name is a programming error."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service}() cannot change {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def today() -> datetime.date:
    """Today in TIME_ZONE: every deadline compares against this."""
    return timezone.localdate()


def now() -> datetime.datetime:
    return timezone.now()


def actor_or_none(actor):
    """The actor to store on a row's `…_by` field: a signed-in user, else nobody."""
    return actor if getattr(actor, "is_authenticated", False) else None


DATE_IN_FUTURE = "date_in_future"
DATE_BEFORE_PREVIOUS = "date_before_previous"


def check_event_date(
    day: datetime.date,
    *,
    field: str | None,
    previous: datetime.date | None = None,
    previous_label: Any = "",
) -> datetime.date:
    """The date a real-world event happened, as an action records it: not after today, and not before the previous
    event of the record (`previous`, named by `previous_label`: "签订日期"). Returns the day; refuses with a coded
    message on `field` otherwise."""
    if day > today():
        refuse(field, _("日期 %(day)s 晚于今天，不能登记尚未发生的事项。"), code=DATE_IN_FUTURE, day=day.isoformat())
    if previous is not None and day < previous:
        refuse(
            field,
            _("日期 %(day)s 早于%(previous_label)s %(previous)s。"),
            code=DATE_BEFORE_PREVIOUS,
            day=day.isoformat(),
            previous=previous.isoformat(),
            previous_label=previous_label,
        )
    return day
