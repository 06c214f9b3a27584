"""Every supervision predicate, for every kind of user: anonymous, superuser, the organization's member, a member of
another organization, an evaluator, and officials of the city, the county, another county and another city."""

import datetime

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from supervision import permissions
from tests.factories import (
    ComplaintFactory,
    EvaluatorFactory,
    InspectionFactory,
    RectificationOrderFactory,
    SuperuserFactory,
    region,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "superuser",
    "member",
    "other_member",
    "evaluator",
    "registrar",
    "purchaser",
    "county_registrar",
    "other_county_registrar",
    "baotou_registrar",
)
OFFICIALS_COVERING = {"registrar", "purchaser", "county_registrar"}


@pytest.fixture
def users(registrar, purchaser, county_registrar, other_county_registrar, baotou_registrar, member, other_member):
    return {
        "anonymous": AnonymousUser(),
        "superuser": SuperuserFactory(),
        "member": member,
        "other_member": other_member,
        "evaluator": EvaluatorFactory(),
        "registrar": registrar,
        "purchaser": purchaser,
        "county_registrar": county_registrar,
        "other_county_registrar": other_county_registrar,
        "baotou_registrar": baotou_registrar,
    }


@pytest.fixture
def records(organization, registrar):
    from supervision.models import InspectionAttachment, OrderResponse, OrderResponseFile, SampleDraw

    planned = InspectionFactory(organization=organization, created_by=registrar)
    completed = InspectionFactory(
        organization=organization,
        created_by=registrar,
        status="completed",
        inspected_on=datetime.date(2026, 9, 1),
        conclusion="no_problem",
    )
    order = RectificationOrderFactory(organization=organization, issued_by=registrar)
    response = OrderResponse.objects.create(
        order=order, text="已整改", responded_by=registrar, responded_on=datetime.date(2026, 10, 5)
    )
    draw = SampleDraw.objects.create(
        region=region("150100"),
        year=2026,
        rate=4,
        seed=1,
        population_count=1,
        population_hash="0" * 64,
        population_usccs=organization.uscc,
        sample_size=1,
        drawn_by=registrar,
    )
    return {
        "organization": organization,
        "planned": planned,
        "completed": completed,
        "order": order,
        "response_file": OrderResponseFile(response=response, original_name="a.pdf", size=1, content_type="x"),
        "planned_attachment": InspectionAttachment(inspection=planned, title="a"),
        "completed_attachment": InspectionAttachment(inspection=completed, title="a"),
        "complaint": ComplaintFactory(organization=organization),
        "draw": draw,
        "region": region("150100"),
    }


# predicate, record, roles allowed
CASES = [
    ("supervises", "organization", OFFICIALS_COVERING),
    ("can_plan_inspection", "organization", OFFICIALS_COVERING),
    ("can_issue_order", "organization", OFFICIALS_COVERING),
    ("can_record_inspection", "planned", OFFICIALS_COVERING),
    ("can_view_inspection", "planned", OFFICIALS_COVERING | {"superuser"}),
    ("can_view_inspection", "completed", OFFICIALS_COVERING | {"superuser", "member"}),
    ("can_download_inspection_attachment", "planned_attachment", OFFICIALS_COVERING | {"superuser"}),
    ("can_download_inspection_attachment", "completed_attachment", OFFICIALS_COVERING | {"superuser", "member"}),
    ("can_decide_order", "order", OFFICIALS_COVERING),
    ("can_answer_order", "order", {"member"}),
    ("can_view_order", "order", OFFICIALS_COVERING | {"superuser", "member"}),
    ("can_download_order_file", "response_file", OFFICIALS_COVERING | {"superuser", "member"}),
    ("can_handle_complaint", "complaint", OFFICIALS_COVERING),
    ("can_view_complaint", "complaint", OFFICIALS_COVERING | {"superuser"}),
    # The complainant's identity: the registrars of the region (not the purchaser, not superusers); see also
    # test_complaint_contact_follows_the_assignment.
    ("can_view_complaint_contact", "complaint", {"registrar", "county_registrar"}),
    ("can_download_complaint_attachment", "complaint", OFFICIALS_COVERING | {"superuser"}),
    # Drawing is the registrars' (登记管理机关) task; the county registrar does not cover the city.
    ("can_draw_sample", "region", {"registrar"}),
    ("can_view_sample_draw", "draw", {"registrar", "purchaser", "superuser"}),
]


@pytest.mark.parametrize(("name", "record", "allowed"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_predicate(users, records, name, record, allowed):
    predicate = getattr(permissions, name)
    for role in ROLES:
        user = users[role]
        expected = role in allowed
        assert bool(predicate(user, records[record])) is expected, f"{name}({role}, {record}) should be {expected}"
        assert rules.test_rule(f"supervision.{name}", user, records[record]) is expected
        # Django's has_perm lets superusers do anything; the predicate itself is what decides for everyone else.
        assert user.has_perm(f"supervision.{name}", records[record]) is (expected or role == "superuser")


def test_predicates_refuse_missing_objects(users):
    for name, _record, _allowed in CASES:
        assert not getattr(permissions, name)(users["superuser"], None)


def test_complaint_queue_and_filing(users):
    officials = {"registrar", "purchaser", "county_registrar", "other_county_registrar", "baotou_registrar"}
    for role in ROLES:
        user = users[role]
        assert bool(permissions.can_view_complaint_queue(user)) is (role in officials)
        assert permissions.can_file_complaint(user)
        assert user.has_perm("supervision.can_file_complaint")


def test_inactive_official_loses_every_right(users, records):
    registrar = users["registrar"]
    registrar.is_active = False
    for name, record, _allowed in CASES:
        assert not getattr(permissions, name)(registrar, records[record])


ALL_OFFICIALS = {"registrar", "purchaser", "county_registrar", "other_county_registrar", "baotou_registrar"}
REGISTRARS = {"registrar", "county_registrar", "other_county_registrar", "baotou_registrar"}
# role predicate, roles allowed: who may open which supervision pages at all
ROLE_CASES = [
    ("is_official_or_superuser", ALL_OFFICIALS | {"superuser"}),
    ("may_open_records", ALL_OFFICIALS | {"superuser", "member", "other_member"}),
    ("may_supervise", ALL_OFFICIALS),
    ("may_draw_samples", REGISTRARS),
    ("may_review_listings", REGISTRARS | {"superuser"}),
    ("may_answer_orders", {"member", "other_member"}),
    ("may_open_complaints", ALL_OFFICIALS | {"superuser"}),
]


@pytest.mark.parametrize(("name", "allowed"), ROLE_CASES, ids=[case[0] for case in ROLE_CASES])
def test_role_predicate(users, name, allowed):
    predicate = getattr(permissions, name)
    for role in ROLES:
        assert bool(predicate(users[role])) is (role in allowed), f"{name}({role})"
        assert rules.test_rule(f"supervision.{name}", users[role]) is (role in allowed)


def test_organization_records_are_opened_by_its_officials_members_and_superusers(users, records):
    allowed = OFFICIALS_COVERING | {"superuser", "member"}
    for role in ROLES:
        opens = permissions.can_open_organization_records(users[role], records["organization"])
        assert bool(opens) is (role in allowed), role


def test_complaint_contact_follows_the_assignment(users, organization, registrar, purchaser):
    """Whoever the complaint is assigned to (its handler) sees the complainant, also a purchaser; other purchasers
    of the region do not, and a handler outside the region does not either."""
    from supervision import services

    complaint = ComplaintFactory(organization=organization, contact_phone="13700001111")
    other_purchaser = type(purchaser).objects.get(pk=purchaser.pk)
    assert not permissions.can_view_complaint_contact(purchaser, complaint)
    services.complaint_start_review(actor=purchaser, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.handler == purchaser
    assert permissions.can_view_complaint_contact(other_purchaser, complaint)
    assert permissions.can_view_complaint_contact(registrar, complaint)
    assert not permissions.can_view_complaint_contact(users["baotou_registrar"], complaint)
    from tests.factories import PurchaserFactory, PurchasingDepartmentFactory

    colleague = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150100")))
    assert not permissions.can_view_complaint_contact(colleague, complaint)
