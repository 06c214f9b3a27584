"""Reads of notifications (always the user's own) and of the people an event concerns."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from notifications.models import Notification


def notification_list(*, user, unread_only: bool = False, kind: str | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first, with the record each is about (None once it is deleted): one query
    for the rows and one per kind of record, however many rows."""
    queryset = Notification.objects.filter(recipient=user).prefetch_related("target")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _active_users() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def organization_members(organization_id) -> QuerySet:
    """The organization's member accounts."""
    if organization_id is None:
        return _active_users().none()
    return _active_users().filter(organization_id=organization_id)


def organization_members_of(organization_ids) -> QuerySet:
    """The member accounts of several organizations (one query)."""
    return _active_users().filter(organization_id__in=[pk for pk in organization_ids if pk is not None])


def department_staff(department_id, *, registrars: bool = False, purchasers: bool = False) -> QuerySet:
    """The department's registrars and/or purchasers."""
    if department_id is None or not (registrars or purchasers):
        return _active_users().none()
    roles = Q(pk__in=[])
    if registrars:
        roles |= Q(is_registrar=True)
    if purchasers:
        roles |= Q(is_purchaser=True)
    return _active_users().filter(roles, department_id=department_id)
