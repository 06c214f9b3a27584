"""API tokens (rest_framework.authtoken, one per user): they expire settings.API_TOKEN_DAYS after they are issued,
are revoked when the user's password changes (accounts.signals), and their holder sees and revokes them on
/accounts/tokens/."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "API_TOKEN_DAYS", 30)))


def expires_at(token: Token) -> datetime.datetime:
    return token.created + lifetime()


def is_expired(token: Token, *, now: datetime.datetime | None = None) -> bool:
    return expires_at(token) <= (now or timezone.now())


def current_token(user) -> Token | None:
    """The user's token if it is still valid (an expired one is deleted)."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        return None
    return token


@transaction.atomic
def token_issue(user, *, renew: bool = False) -> Token:
    """The user's valid token, or a new one (always a new one with `renew`)."""
    token = None if renew else current_token(user)
    if token is None:
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
    return token


def token_revoke(user) -> int:
    """Delete the user's token; how many were deleted (0 or 1)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted
