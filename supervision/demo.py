"""Inner Mongolia demo data for supervision, built through the services so history is complete.

The stories live in fixtures/demo/supervision_stories.json. In 呼和浩特市, 2026: the yearly random draw with its
inspections; an on-site inspection by two officials of 呼和浩特市民政局 (registrar_hh and purchaser_hhmz) that found
problems and led to an order, answered and verified; an order never answered, which the deadline check escalated to
the activity-abnormal list; three complaints (one just received, one upheld that led to an order now answered and
awaiting verification, one dismissed).

Organizations, users and contracts are taken from the registry and contracts demos (run those first): the organizations
are looked up by name, falling back to other Hohhot organizations when a name is missing; members are the demo members
of the organizations (a demo member is created for an organization that has none).

Idempotent: each record is found by its natural key (region and year; organization with kind and date; organization with
requirements or subject) and every step runs only from the state it expects.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from contracts.models import Contract
from registry.demo import ensure_user
from registry.models import Organization, Region
from supervision import services
from supervision.escalation import check_deadlines
from supervision.models import Complaint, Inspection, OrderListing, RectificationOrder, SampleDraw

STORIES_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "supervision_stories.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def load_stories(path: Path = STORIES_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


STORIES = load_stories()
DRAW_SEED = STORIES["draw"]["seed"]
DRAW_YEAR = STORIES["draw"]["year"]


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _at(text: str) -> datetime.datetime:
    """A local time of the stories ("2026-03-15T09:30") in Asia/Shanghai."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _user(username: str):
    user = get_user_model().objects.filter(username=username).select_related("department__region").first()
    if user is None:
        raise RuntimeError(f"demo user {username} is missing: run the registry demo first")
    return user


def _hohhot_organizations(region_code: str) -> list[Organization]:
    region = Region.objects.get(code=region_code)
    return list(
        Organization.objects.filter(region__path__startswith=region.path, status=Organization.Status.NORMAL)
        .select_related("region")
        .order_by("name")
    )


def _pick(name: str, candidates: list[Organization], used: set[int]) -> Organization:
    """The organization called `name`, else the first unused organization of the region."""
    for organization in candidates:
        if organization.name == name:
            used.add(organization.pk)
            return organization
    for organization in candidates:
        if organization.pk not in used:
            used.add(organization.pk)
            return organization
    raise RuntimeError("too few demo organizations in 呼和浩特市: run the registry demo first")


def _member(organization: Organization):
    """A member of the organization: an existing one, else a demo member created for it."""
    member = get_user_model().objects.filter(organization=organization, is_active=True).order_by("username").first()
    if member is not None:
        return member
    return ensure_user(
        f"member_sv{organization.pk}",
        display_name=f"{organization.name}联络员",
        organization=organization,
        email=f"member_sv{organization.pk}@example.cn",
    )


def _contract_of(organization: Organization) -> Contract | None:
    return (
        Contract.objects.filter(organization=organization)
        .exclude(status=Contract.Status.DRAFT)
        .order_by("signed_on", "number")
        .first()
    )


def _answer(order: RectificationOrder, organization: Organization, answer: dict) -> None:
    if order.status == RectificationOrder.Status.ISSUED:
        services.order_answer(actor=_member(organization), order=order, text=answer["text"], now=_at(answer["at"]))
        order.refresh_from_db()


# --- the random draw -----------------------------------------------------------------------------------------------


def seed_draw(registrar, colleague, story: dict | None = None) -> SampleDraw:
    story = story or STORIES["draw"]
    region = Region.objects.get(code=STORIES["region"])
    draw = SampleDraw.objects.filter(region=region, year=story["year"]).first()
    if draw is None:
        draw = services.sample_draw_create(
            actor=registrar,
            region=region,
            year=story["year"],
            seed=story["seed"],
            note=story["note"],
            now=_at(story["drawn_at"]),
        )
    services.sample_draw_plan_inspections(
        actor=registrar, draw=draw, planned_on=_day(story["planned_on"]), inspectors=[registrar, colleague]
    )
    for inspection in draw.inspections.filter(status=Inspection.Status.PLANNED):
        services.inspection_complete(
            actor=registrar,
            inspection=inspection,
            inspected_on=_day(story["inspected_on"]),
            conclusion=Inspection.Conclusion.NO_PROBLEM,
            findings=story["findings"],
        )
    return draw


# --- inspections and orders ----------------------------------------------------------------------------------------


def seed_on_site(registrar, colleague, organization: Organization, story: dict | None = None) -> RectificationOrder:
    """An on-site inspection by two officials that found problems, its order, the answer and the verification."""
    story = story or STORIES["on_site"]
    contract = _contract_of(organization)
    planned_on = _day(story["planned_on"])
    inspection = Inspection.objects.filter(
        organization=organization, kind=Inspection.Kind.ON_SITE, planned_on=planned_on
    ).first()
    if inspection is None:
        inspection = services.inspection_plan(
            actor=registrar,
            organization=organization,
            kind=Inspection.Kind.ON_SITE,
            planned_on=planned_on,
            inspectors=[registrar, colleague],
            contract=contract,
        )
    if inspection.is_planned:
        services.inspection_complete(
            actor=registrar,
            inspection=inspection,
            inspected_on=_day(story["inspected_on"]),
            conclusion=Inspection.Conclusion.PROBLEMS_FOUND,
            findings=story["findings"],
        )
    terms = story["order"]
    order = RectificationOrder.objects.filter(organization=organization, requirements=terms["requirements"]).first()
    if order is None:
        order = services.order_issue(
            actor=registrar,
            organization=organization,
            requirements=terms["requirements"],
            deadline=_day(terms["deadline"]),
            issued_on=_day(terms["issued_on"]),
            recorded_on=_day(terms["issued_on"]),
            source=RectificationOrder.Source.INSPECTION,
            inspection=inspection,
            contract=contract,
        )
    _answer(order, organization, story["answer"])
    if order.status == RectificationOrder.Status.ANSWERED:
        verification = story["verification"]
        services.order_verify(
            actor=registrar,
            order=order,
            comment=verification["comment"],
            on=_day(verification["on"]),
            now=_at(verification["at"]),
        )
    return order


def seed_overdue(registrar, organization: Organization, story: dict | None = None) -> RectificationOrder:
    """An order never answered; the deadline check the day after its deadline lists the organization as abnormal."""
    story = story or STORIES["overdue"]
    terms = story["order"]
    order = RectificationOrder.objects.filter(organization=organization, requirements=terms["requirements"]).first()
    if order is None:
        order = services.order_issue(
            actor=registrar,
            organization=organization,
            requirements=terms["requirements"],
            deadline=_day(terms["deadline"]),
            issued_on=_day(terms["issued_on"]),
            recorded_on=_day(terms["issued_on"]),
            source_reference=terms["source_reference"],
        )
    if not OrderListing.objects.filter(order=order).exists():
        check_deadlines(on=_day(story["checked_on"]), now=_at(story["checked_at"]))
        order.refresh_from_db()
    return order


# --- complaints ----------------------------------------------------------------------------------------------------

CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


def seed_complaint(registrar, organization: Organization, story: dict) -> Complaint:
    """One complaint of the stories, taken as far as its story goes: review, decision, order, answer."""
    complaint = Complaint.objects.filter(organization=organization, subject=story["subject"]).first()
    if complaint is None:
        complaint = services.complaint_file(
            organization=organization,
            contract=_contract_of(organization) if story.get("on_contract") else None,
            subject=story["subject"],
            text=story["text"],
            now=_at(story["filed_at"]),
            **{field: story[field] for field in CONTACT_FIELDS if field in story},
        )
    if "review_at" in story and complaint.status == Complaint.Status.RECEIVED:
        services.complaint_start_review(actor=registrar, complaint=complaint, now=_at(story["review_at"]))
        complaint.refresh_from_db()
    decision = story.get("decision")
    if decision and complaint.status == Complaint.Status.UNDER_REVIEW:
        decide = services.complaint_uphold if decision["outcome"] == "upheld" else services.complaint_dismiss
        decide(
            actor=registrar,
            complaint=complaint,
            reasoning=decision["reasoning"],
            internal_note=decision.get("internal_note", ""),
            now=_at(decision["at"]),
        )
    if "order" in story:
        order = complaint.orders.first()
        if order is None:
            order = services.complaint_open_order(
                actor=registrar,
                complaint=complaint,
                requirements=story["order"]["requirements"],
                deadline=_day(story["order"]["deadline"]),
                issued_on=_day(story["order"]["issued_on"]),
                recorded_on=_day(story["order"]["issued_on"]),
            )
        if "answer" in story:
            _answer(order, organization, story["answer"])
    return complaint


def seed() -> dict:
    """Build the supervision demo; returns the main records by story."""
    registrar = _user(STORIES["officials"]["registrar"])
    colleague = _user(STORIES["officials"]["colleague"])
    candidates = _hohhot_organizations(STORIES["region"])
    used: set[int] = set()
    # Picked in the order of the stories file, so a missing name always falls back the same way.
    organizations = {story: _pick(name, candidates, used) for story, name in STORIES["organizations"].items()}

    draw = seed_draw(registrar, colleague)
    verified = seed_on_site(registrar, colleague, organizations["inspected"])
    escalated = seed_overdue(registrar, organizations["overdue"])
    for story in STORIES["complaints"]:
        seed_complaint(registrar, organizations[story["about"]], story)
    return {"draw": draw, "verified_order": verified, "overdue_order": escalated}
