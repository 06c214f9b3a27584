"""The values every part of a release uses: codes and codelist mappings, the ocid, dates, money, pruning."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.db.models import Model
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.http import RFC3986_SUBDELIMS

from contracts.models import Contract, ContractDocument
from evaluations.models import Evaluation

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
LANGUAGE = "zh"
# org-id.guide's scheme for the unified social credit code (统一社会信用代码, GB 32100-2015).
USCC_SCHEME = "CN-USCI"
# The purchase catalogue's first-level categories (政府购买服务指导性目录) as an item classification scheme.
CLASSIFICATION_SCHEME = "CN-GMFWML"

# Qiyue contract status -> OCDS contractStatus (closed codelist: pending, active, cancelled, terminated).
CONTRACT_STATUS = {
    Contract.Status.DRAFT: "pending",
    Contract.Status.SIGNED: "active",
    Contract.Status.PERFORMING: "active",
    Contract.Status.COMPLETED: "terminated",
    Contract.Status.TERMINATED: "terminated",
}

# Purchase method -> OCDS method (closed codelist: open, selective, limited, direct); the Chinese name goes to
# procurementMethodDetails.
PROCUREMENT_METHOD = {
    Contract.Method.PUBLIC_TENDER: "open",
    Contract.Method.INVITED_TENDER: "selective",
    Contract.Method.COMPETITIVE_NEGOTIATION: "limited",
    Contract.Method.COMPETITIVE_CONSULTATION: "limited",
    Contract.Method.INQUIRY: "limited",
    Contract.Method.SINGLE_SOURCE: "direct",
    # 其他 (e.g. entrustment after a comparison of candidates): the department chose whom to ask.
    Contract.Method.OTHER: "limited",
}

DOCUMENT_TYPE = {
    ContractDocument.Kind.CONTRACT_TEXT: "contractSigned",
    ContractDocument.Kind.ATTACHMENT: "contractAnnexe",
}

CLOSED_STATUSES = (Contract.Status.COMPLETED, Contract.Status.TERMINATED)

END_OF_DAY = datetime.time(23, 59, 59)

# Evaluation kind -> the Qiyue extension's PerformanceEvaluation.type.
EVALUATION_TYPE = {
    Evaluation.Kind.MID_TERM: "midTerm",
    Evaluation.Kind.FINAL: "final",
    Evaluation.Kind.ANNUAL: "annual",
}


def rows(contract: Contract, name: str):
    """`contract.<name>.all()`: the prefetched rows as they are when the contract was read with its release data
    (api.selectors), without making a related manager on every call (a page of 200 contracts asks 2,000 times)."""
    prefetched = getattr(contract, "_prefetched_objects_cache", None)
    if prefetched is not None and name in prefetched:
        return prefetched[name]
    return getattr(contract, name).all()


def ocid(contract: Contract) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{contract.number}"


# The time zone dates are written in: the active one, read once per contract's releases (`zone_fixed`) rather than
# once per date (reading Django's active time zone is the costly part of writing a date).
_ZONE: ContextVar = ContextVar("ocds_zone", default=None)


def current_zone():
    return _ZONE.get() or timezone.get_current_timezone()


@contextmanager
def zone_fixed() -> Iterator[None]:
    """Inside, every date is written in the time zone active on entry."""
    token = _ZONE.set(timezone.get_current_timezone())
    try:
        yield
    finally:
        _ZONE.reset(token)


# Releases repeat the same few days many times over (signing day, periods, due dates): each day's text is made once
# per time zone.
@functools.lru_cache(maxsize=8192)
def _day_text(day: datetime.date, time: datetime.time, zone) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, time), zone).isoformat()


def day_start(day: datetime.date) -> str:
    return _day_text(day, datetime.time.min, _ZONE.get() or timezone.get_current_timezone())


def day_end(day: datetime.date) -> str:
    return _day_text(day, END_OF_DAY, _ZONE.get() or timezone.get_current_timezone())


def moment(value: datetime.datetime) -> str:
    return timezone.localtime(value, _ZONE.get() or timezone.get_current_timezone()).replace(microsecond=0).isoformat()


def money(amount: Decimal) -> dict:
    return {"amount": float(amount), "currency": CURRENCY}


def period(start_on: datetime.date, end_on: datetime.date) -> dict:
    return {"startDate": day_start(start_on), "endDate": day_end(end_on)}


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def zh_display(instance: Model, field: str) -> str:
    """`instance.get_<field>_display()` in Chinese, whatever the active language (each label translated once)."""
    return _zh_choice(type(instance), field, getattr(instance, field))


@functools.lru_cache(maxsize=1024)
def _zh_choice(model: type[Model], field: str, value) -> str:
    label = dict(model._meta.get_field(field).flatchoices).get(value, value)
    return zh(label)


# Addresses of the site's pages inside releases: each route is reversed once with placeholder arguments, then
# filled in (as reverse() fills them: the argument's text, percent-encoded like the rest of the path).
_PLACEHOLDERS = ("987654321001", "987654321002")
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


@functools.lru_cache(maxsize=64)
def _path_template(name: str, arity: int, urlconf, root_urlconf: str, prefix: str) -> str:
    return reverse(name, args=_PLACEHOLDERS[:arity])


# What the routes are reversed under (URL configuration and script prefix): read once for contracts whose releases
# are made together (`routes_fixed`) rather than once per address (each is a lookup in a thread-and-task local).
_ROUTES: ContextVar = ContextVar("ocds_routes", default=None)


def _routes() -> tuple:
    return (get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())


@contextmanager
def routes_fixed() -> Iterator[None]:
    """Inside, every address is made under the URL configuration and script prefix active on entry."""
    token = _ROUTES.set(_routes())
    try:
        yield
    finally:
        _ROUTES.reset(token)


def path_to(name: str, *args) -> str:
    """reverse(name, args=args) for arguments that hold no "/", made from a template of the route."""
    texts = [str(arg) for arg in args]
    if any("/" in text for text in texts) or len(texts) > len(_PLACEHOLDERS):
        return reverse(name, args=args)
    path = _path_template(name, len(texts), *(_ROUTES.get() or _routes()))
    for placeholder, text in zip(_PLACEHOLDERS, texts, strict=False):
        path = path.replace(placeholder, quote(text, safe=_PATH_SAFE), 1)
    return path


def filled(data: dict) -> dict:
    """A flat object without its None and empty-string values: what `prune` leaves of an object whose values are
    neither arrays nor objects (or are ones that are never empty)."""
    return {key: value for key, value in data.items() if value is not None and value != ""}


def prune(value):
    """The value without None, empty strings, empty arrays and empty objects, at every depth."""
    if isinstance(value, dict):
        return _pruned_object(value)
    if isinstance(value, list):
        return _pruned_array(value)
    return value


def _pruned_object(value: dict) -> dict:
    pruned = {}
    for key, item in value.items():
        kind = type(item)  # the common types by their exact type first: releases hold thousands of values
        if kind is str:
            if not item:
                continue
        elif kind is dict:
            item = _pruned_object(item)
            if not item:
                continue
        elif kind is list:
            item = _pruned_array(item)
            if not item:
                continue
        elif item is None:
            continue
        elif isinstance(item, (dict, list)):
            item = prune(item)
            if not item:
                continue
        elif item == "":
            continue
        pruned[key] = item
    return pruned


def _pruned_array(value: list) -> list:
    # An array's items pruned as an object's values are (objects are the common case and keep the fast path).
    return list(_pruned_object(dict(enumerate(value))).values())
