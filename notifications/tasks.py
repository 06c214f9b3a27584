"""Background task (django-tasks): the e-mail digest of new notifications; enqueue with
`send_notification_emails_task.enqueue()`, or run the management command of the same name from a scheduler."""

from __future__ import annotations

from django_tasks import task

from notifications.emails import send_notification_emails


@task()
def send_notification_emails_task() -> dict:
    return send_notification_emails().as_dict()
