"""The demo's inboxes: what makes every demo account's 待办 and notifications full on the day the demo is loaded.

Most of it comes from the other demos, built through the services (submissions to accept, overdue deliverables,
orders, complaints, invitations), which already notify whoever they concern. This adds what those stories lack —
a rectification order that 阳光社会工作服务中心 (member_yg) still has to answer, dated relative to today
(fixtures/demo/portal_inbox.json) — and the reminders of the day in the site (no e-mail).

Idempotent: an order is found by its organization and requirements; notifications are written once per item and
stage.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from core.services import today
from registry.models import Organization
from supervision import services as supervision_services
from supervision.models import RectificationOrder
from supervision.reminders import send_reminders

STORIES_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "portal_inbox.json"


def seed() -> None:
    stories = json.loads(STORIES_FILE.read_text(encoding="utf-8"))
    day = today()
    for story in stories["orders"]:
        organization = Organization.objects.filter(name=story["organization"]).first()
        issuer = get_user_model().objects.filter(username=story["issued_by"]).first()
        if organization is None or issuer is None:
            continue
        if RectificationOrder.objects.filter(organization=organization, requirements=story["requirements"]).exists():
            continue
        supervision_services.order_issue(
            actor=issuer,
            organization=organization,
            requirements=story["requirements"],
            issued_on=day - datetime.timedelta(days=story["issued_days_ago"]),
            deadline=day + datetime.timedelta(days=story["deadline_in_days"]),
        )
    send_reminders(on=day, email=False)
