"""The supervision admin shows the records and changes none of them: every change goes through the services, and the
workflow fields are read-only even on the forms."""

import pytest
from django.contrib import admin
from django.urls import reverse

from supervision import services
from supervision.models import Complaint, Inspection, RectificationOrder, SampleDraw
from tests.factories import SuperuserFactory
from tests.supervision.conftest import DEADLINE, ISSUED_ON

pytestmark = pytest.mark.django_db

WORKFLOW_FIELDS = {
    RectificationOrder: {"status", "issued_on", "deadline", "verified_on"},
    Complaint: {"status", "decided_at", "decided_by", "reasoning"},
    Inspection: {"status", "conclusion", "inspected_on"},
    SampleDraw: {"seed", "population_count", "population_hash"},
}


@pytest.mark.parametrize("model", list(WORKFLOW_FIELDS))
def test_workflow_fields_are_read_only(model):
    model_admin = admin.site._registry[model]
    assert WORKFLOW_FIELDS[model] <= set(model_admin.get_readonly_fields(None))
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_a_superuser_reads_an_order_and_cannot_change_it(client, registrar, organization):
    order = services.order_issue(
        actor=registrar, organization=organization, requirements="补报年度报告", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    client.force_login(SuperuserFactory())
    url = reverse("admin:supervision_rectificationorder_change", args=[order.pk])
    page = client.get(url)
    assert page.status_code == 200 and "补报年度报告" in page.content.decode()
    assert 'name="status"' not in page.content.decode()
    assert client.post(url, {"status": "verified"}).status_code == 403
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ISSUED
