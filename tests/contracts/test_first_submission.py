"""A deliverable's first submission, kept on its row by the database (contracts migration 0008): it stays true
whatever writes the submissions, a deliverable saved from an older copy keeps it, and the officials' dashboard counts
on-time deliverables from it as it did from the submissions themselves."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from contracts.models import Deliverable, Submission
from tests.factories import DeliverableFactory, OrganizationMemberFactory, SignedContractFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour))


def first(deliverable) -> datetime.datetime | None:
    return Deliverable.objects.values_list("first_submitted_at", flat=True).get(pk=deliverable.pk)


@pytest.fixture
def deliverable():
    return DeliverableFactory(contract=SignedContractFactory(), due_on=datetime.date(2026, 3, 10), payment_share=100)


@pytest.fixture
def member(deliverable):
    return OrganizationMemberFactory(organization=deliverable.contract.organization)


def submit(deliverable, member, when, *, returned: bool = False) -> Submission:
    decision = {}
    if returned:  # one open submission at a time: the earlier ones were returned
        decision = {"decision": "returned", "decided_at": when, "decided_by": member, "decision_comment": "补充材料"}
    return Submission.objects.create(
        deliverable=deliverable, report="已完成", submitted_by=member, submitted_at=when, **decision
    )


def test_first_submission_follows_the_submissions(deliverable, member):
    assert first(deliverable) is None
    later = submit(deliverable, member, at(12), returned=True)
    assert first(deliverable) == at(12)
    earlier = submit(deliverable, member, at(9))
    assert first(deliverable) == at(9)
    Submission.objects.filter(pk=earlier.pk).update(submitted_at=at(14))
    assert first(deliverable) == at(12)
    other = DeliverableFactory(contract=deliverable.contract, due_on=datetime.date(2026, 4, 1), payment_share=1)
    Submission.objects.filter(pk=later.pk).update(deliverable=other)
    assert (first(deliverable), first(other)) == (at(14), at(12))
    Submission.objects.filter(deliverable=deliverable).delete()
    assert first(deliverable) is None


def test_saving_a_deliverable_loaded_earlier_keeps_its_first_submission(deliverable, member):
    stale = Deliverable.objects.get(pk=deliverable.pk)
    submit(deliverable, member, at(9))
    stale.status = Deliverable.Status.SUBMITTED
    stale.save()
    assert first(deliverable) == at(9)
    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.SUBMITTED


def test_on_time_from_the_row_is_on_time_from_the_submissions(deliverable, member):
    on_time = DeliverableFactory(contract=deliverable.contract, due_on=datetime.date(2026, 3, 9), payment_share=1)
    submit(on_time, member, at(9, 23))  # 23:00 local time on the due day
    submit(deliverable, member, at(11))  # a day late
    DeliverableFactory(contract=deliverable.contract, due_on=datetime.date(2026, 3, 8), payment_share=1)  # none
    in_time = Submission.objects.filter(deliverable=OuterRef("pk"), submitted_at__date__lte=OuterRef("due_on"))
    from_submissions = set(Deliverable.objects.filter(Exists(in_time)).values_list("pk", flat=True))
    # the dashboard's test (portal.officials), in local days
    from_row = set(Deliverable.objects.filter(first_submitted_at__date__lte=F("due_on")).values_list("pk", flat=True))
    assert from_submissions == from_row == {on_time.pk}


def test_a_deliverable_inserted_after_its_submissions_gets_its_first_submission(deliverable, member):
    key = Deliverable.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    Submission.objects.create(deliverable_id=key, report="已完成", submitted_by=member, submitted_at=at(5))
    later = DeliverableFactory(
        pk=key, contract=deliverable.contract, due_on=datetime.date(2026, 3, 20), payment_share=1
    )
    assert first(later) == at(5)
