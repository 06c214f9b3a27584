"""The supervision demo builds every story of 呼和浩特市 2026 on top of the registry and contracts demos, and a second
run changes nothing."""

import pytest
from django.core.management import call_command

from registry.models import CreditListing
from supervision import demo
from supervision.models import Complaint, Inspection, OrderListing, OrderResponse, RectificationOrder, SampleDraw
from supervision.sampling import verify_draw

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (SampleDraw, Inspection, RectificationOrder, OrderResponse, Complaint, OrderListing, CreditListing)
    } | {"history": RectificationOrder.history.count() + Complaint.history.count()}


def test_seed_builds_the_stories_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    result = demo.seed()
    first = counts()

    draw = result["draw"]
    assert draw.region.code == "150100" and draw.year == 2026 and draw.seed == demo.DRAW_SEED
    assert verify_draw(draw).ok
    assert draw.inspections.count() == draw.sample_size

    on_site = Inspection.objects.get(kind=Inspection.Kind.ON_SITE)
    assert on_site.inspectors.count() == 2 and on_site.is_completed

    statuses = set(RectificationOrder.objects.values_list("status", flat=True))
    assert {"verified", "answered", "issued"} <= statuses
    overdue = result["overdue_order"]
    assert overdue.escalation.listing.list_kind == CreditListing.List.ABNORMAL
    assert overdue.escalation.listing.deciding_authority.code == "HHMZ"

    assert set(Complaint.objects.values_list("status", flat=True)) == {
        "received",
        "not_accepted",
        "upheld",
        "dismissed",
    }
    upheld = Complaint.objects.get(status="upheld")
    assert upheld.acceptance_decided_on is not None and upheld.handling_deadline is not None
    assert Complaint.objects.get(status="not_accepted").not_accepted_reason
    assert all(order.document_number.endswith("号") for order in RectificationOrder.objects.all())
    assert Complaint.objects.get(status="upheld").orders.get().status == "answered"

    demo.seed()
    assert counts() == first
