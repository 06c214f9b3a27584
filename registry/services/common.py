"""What the registry's services share beyond core.services: who acts, and on behalf of which department."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from core.services import Refusals, require
from registry.models import Department

ACTOR_REQUIRED = "actor_required"


def require_actor(actor, message: Any) -> None:
    """Services without an explicit deciding authority are always done by a person."""
    require(actor is not None, message, code=ACTOR_REQUIRED)


def actor_department(actor) -> Department | None:
    """The department the actor works for (the deciding authority when the caller names none)."""
    if actor is None or getattr(actor, "department_id", None) is None:
        return None
    return actor.department


def add_refusal(refusals: Refusals, field: str, refusal: ValidationError | None) -> None:
    """Add a rule's refusal (registry.services.rules) on `field`, when the rule has one."""
    if refusal is not None:
        refusals.extend(refusal, field=field)
