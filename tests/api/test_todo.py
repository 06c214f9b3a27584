"""The API app's to-do kind: background exports that failed, on the superusers' list only, until deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import Export
from tests.factories import PurchaserFactory, SuperuserFactory
from tests.inbox import todo_counts, todo_urls

pytestmark = pytest.mark.django_db


def test_failed_exports_for_superusers():
    requester = PurchaserFactory()
    export = Export.objects.create(requester=requester, kind=Export.Kind.values[0], status=Export.Status.FAILED)
    Export.objects.create(requester=requester, kind=Export.Kind.values[0], status=Export.Status.PENDING)
    admin = SuperuserFactory()
    today = timezone.localdate()
    assert todo_counts(admin, today)["api.failed_exports"] == (1, 0)
    assert todo_urls(admin, today, "api.failed_exports") == [reverse("admin:api_export_change", args=[export.pk])]
    assert "api.failed_exports" not in todo_counts(requester, today)
    export.delete()
    assert "api.failed_exports" not in todo_counts(admin, today)
