"""What the registry's services share beyond core.services: who acts, on behalf of which department, and adding the
rules' refusals to a request's."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from core.services import Refusals, refuse, require, today
from registry.models import Department, Organization
from registry.services.rules import before_establishment_refusal, future_refusal

ACTOR_REQUIRED = "actor_required"


def require_actor(actor, message: Any) -> None:
    """Services without an explicit deciding authority are always done by a person."""
    require(actor is not None, message, code=ACTOR_REQUIRED)


def actor_department(actor) -> Department | None:
    """The department the actor works for (the deciding authority when the caller names none)."""
    if actor is None or getattr(actor, "department_id", None) is None:
        return None
    return actor.department


def deciding_department(
    actor,
    authority: Department | None,
    *,
    field: str,
    unnamed: Any,
    may_decide: Callable[[], bool],
    forbidden: Any,
) -> Department | None:
    """The department a decision is made by. The system (`actor=None`) must name it (else `unnamed`, coded
    `authority_required`, on `field`); a person must be allowed (`may_decide()`, else `forbidden`) and decides on
    behalf of their own department unless the caller names another."""
    if actor is None:
        if authority is None:
            refuse(field, unnamed, code="authority_required")
        return authority
    require(may_decide(), forbidden)
    return authority or actor_department(actor)


def add_refusal(refusals: Refusals, field: str, refusal: ValidationError | None) -> None:
    """Add a rule's refusal (registry.services.rules) on `field`, when the rule has one."""
    if refusal is not None:
        refusals.extend(refusal, field=field)


def add_date_refusals(
    refusals: Refusals, field: str, day: datetime.date, label: Any, *, organization: Organization | None = None
) -> None:
    """A date on the registry's records is not in the future, nor before the organization (when given) was
    established; `label` names the date in the message."""
    add_refusal(refusals, field, future_refusal(day, label, today()))
    if organization is not None:
        add_refusal(refusals, field, before_establishment_refusal(day, organization, label))
