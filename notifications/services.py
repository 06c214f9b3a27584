"""Writes of notifications: `notify` (called by every app's services when something happens that a person must know
about, and by the reminder job), marking read, and the e-mail choices.

`notify` writes in the caller's transaction, so a notification exists exactly when the change it reports was
committed. The title is a lazy message with its params, rendered for each recipient in their notification language
(`User.language`). The same (recipient, kind, record, stage) is written once: a second call is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation

from core.services import render_message
from notifications.models import EmailPreference, Notification

TITLE_MAX = 300


def _unique_active(recipients: Iterable, actor=None) -> list:
    seen: dict[int, Any] = {}
    actor_id = getattr(actor, "pk", None)
    for user in recipients:
        if user is None or not user.is_active or user.pk == actor_id:
            continue
        seen.setdefault(user.pk, user)
    return list(seen.values())


def render_for(user, message: Any, params: Mapping[str, Any] | None = None) -> str:
    """`message` with its params in the user's notification language."""
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        return render_message(message, params)


@dataclass(frozen=True)
class Notice:
    """One event to tell its recipients about (the arguments of `notify`), for `notify_many`."""

    recipients: Iterable
    kind: str
    target: Any
    title: Any
    params: Mapping[str, Any] | None = None
    url: str = ""
    stage: str = ""
    body: Any = ""
    actor: Any = None


def notify(
    *,
    recipients: Iterable,
    kind: str,
    target,
    title: Any,
    params: Mapping[str, Any] | None = None,
    url: str = "",
    stage: str = "",
    body: Any = "",
    actor=None,
) -> int:
    """Tell each recipient (inactive users and the actor themself excepted) that `kind` happened to `target` at
    `stage`; returns how many recipients were addressed (those told before are left as they were)."""
    return notify_many(
        [Notice(recipients, kind, target, title, params=params, url=url, stage=stage, body=body, actor=actor)]
    )


def notify_many(notices: Iterable[Notice], *, batch_size: int = 2000) -> int:
    """`notify` for many events at once: one INSERT per `batch_size` rows whatever the number of events (a job that
    tells thousands of people about thousands of records). Titles are rendered once per event and language."""
    now = timezone.now()
    rows = []
    for notice in notices:
        users = _unique_active(notice.recipients, notice.actor)
        if not users:
            continue
        target = notice.target
        target_type = ContentType.objects.get_for_model(target) if target is not None else None
        target_id = target.pk if target is not None else None
        rendered: dict[str, tuple[str, str]] = {}
        for user in users:
            language = getattr(user, "language", None) or settings.LANGUAGE_CODE
            if language not in rendered:
                rendered[language] = (
                    render_for(user, notice.title, notice.params)[:TITLE_MAX],
                    render_for(user, notice.body, notice.params) if notice.body else "",
                )
            title, body = rendered[language]
            rows.append(
                Notification(
                    recipient=user,
                    kind=notice.kind,
                    stage=notice.stage,
                    target_type=target_type,
                    target_id=target_id,
                    title=title,
                    body=body,
                    url=notice.url,
                    created_at=now,
                )
            )
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch_size)
    return len(rows)


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (the caller fetched it with access.notification_for_user)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, user, email_kinds: Iterable[str]) -> None:
    """The user wants e-mail for `email_kinds` and not for the other kinds."""
    wanted = set(email_kinds)
    for kind in Notification.Kind.values:
        EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": kind in wanted})


def email_refused_kinds(user) -> set[str]:
    """The kinds the user chose not to receive by e-mail."""
    return set(EmailPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))


def users_refusing_email(kind: str, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, those who turned e-mail off for `kind` (one query)."""
    return set(
        EmailPreference.objects.filter(kind=kind, email=False, user_id__in=list(user_ids)).values_list(
            "user_id", flat=True
        )
    )
