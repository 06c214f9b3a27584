"""The transition tables of inspections, rectification orders and complaints, and the buttons the pages build from
them."""

import datetime

import pytest
from django.urls import reverse

from supervision import services
from supervision.models import Complaint, Inspection, RectificationOrder
from supervision.workflows import COMPLAINT, INSPECTION, ORDER, actions_for
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at


def test_order_table():
    assert actions_for(ORDER, RectificationOrder.Status.ISSUED) == {"answer"}
    assert actions_for(ORDER, RectificationOrder.Status.ANSWERED) == {"verify", "return"}
    assert actions_for(ORDER, RectificationOrder.Status.RETURNED) == {"answer"}
    assert actions_for(ORDER, RectificationOrder.Status.VERIFIED) == set()
    assert ORDER.statuses_allowing("answer") == {"issued", "returned"}


def test_complaint_table():
    assert actions_for(COMPLAINT, Complaint.Status.RECEIVED) == {"accept", "not_accept"}
    assert actions_for(COMPLAINT, Complaint.Status.ACCEPTED) == {"start_review"}
    assert actions_for(COMPLAINT, Complaint.Status.NOT_ACCEPTED) == frozenset()
    assert actions_for(COMPLAINT, Complaint.Status.UNDER_REVIEW) == {"uphold", "dismiss"}
    assert actions_for(COMPLAINT, Complaint.Status.UPHELD) == {"open_order"}
    assert actions_for(COMPLAINT, Complaint.Status.DISMISSED) == set()
    assert COMPLAINT["uphold"].target == "upheld" and COMPLAINT["dismiss"].target == "dismissed"


def test_inspection_table():
    assert actions_for(INSPECTION, Inspection.Status.PLANNED) == {"update", "complete"}
    assert actions_for(INSPECTION, Inspection.Status.COMPLETED) == {"issue_order"}
    # Nobody is offered anything on a record they may not act on.
    assert actions_for(INSPECTION, Inspection.Status.PLANNED, allowed=False) == set()


@pytest.mark.django_db
def test_inspection_buttons_follow_the_status(client, registrar, organization, member):
    inspection = services.inspection_plan(
        actor=registrar, organization=organization, kind="document", planned_on=datetime.date(2026, 9, 1)
    )
    url = reverse("supervision:inspection-detail", args=[inspection.pk])
    client.force_login(registrar)
    page = client.get(url)
    assert page.context["actions"] == {"update", "complete"}
    assert reverse("supervision:inspection-complete", args=[inspection.pk]) in page.content.decode()
    services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=datetime.date(2026, 9, 2),
        conclusion="problems_found",
        findings="账簿不全",
        inspectors=[registrar],
    )
    page = client.get(url)
    html = page.content.decode()
    assert page.context["actions"] == {"issue_order"} and page.context["can_issue_order"]
    assert reverse("supervision:inspection-edit", args=[inspection.pk]) not in html
    assert 'data-testid="issue-order"' in html
    client.force_login(member)
    assert client.get(url).context["actions"] == set()


@pytest.mark.django_db
def test_order_forms_follow_the_status(client, registrar, organization, member):
    order = services.order_issue(
        actor=registrar, organization=organization, requirements="补报", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    url = reverse("supervision:order-detail", args=[order.pk])
    client.force_login(member)
    assert client.get(url).context["can_answer"]
    client.force_login(registrar)
    assert not client.get(url).context["can_decide"]
    services.order_answer(actor=member, order=order, text="已补报", now=at(2026, 10, 5))
    assert client.get(url).context["can_decide"]
    client.force_login(member)
    assert not client.get(url).context["can_answer"]
