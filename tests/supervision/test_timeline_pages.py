"""The supervision record on the organization page (upheld complaints, closed orders, timeline) and the timeline on
the contract page: rendered in date order, public events for everyone, the working record only for insiders, and a
number of queries that does not grow with the record."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Submission
from supervision import services
from supervision.models import Complaint
from tests.factories import ComplaintFactory, CreditListingFactory, InspectionFactory, PaymentFactory
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def rendered_events(html: str, testid: str) -> list[tuple[str, str]]:
    """(day, kind) of each timeline event inside the section marked `testid`, in page order."""
    section = html[html.index(f'data-testid="{testid}"') :]
    return re.findall(r'data-testid="timeline-event" data-kind="([a-z_]+)" data-day="([0-9-]+)"', section)


def verified_order(registrar, member, organization, *, contract=None, issued_on, answered_at, verified_on):
    order = services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="建立项目资金专账，按月报送台账",
        deadline=issued_on + datetime.timedelta(days=30),
        issued_on=issued_on,
        contract=contract,
    )
    services.order_answer(actor=member, order=order, text="已建立专账", now=answered_at)
    services.order_verify(actor=registrar, order=order, on=verified_on, now=answered_at + datetime.timedelta(days=1))
    return order


def upheld_complaint(organization, registrar, decided_at, **extra):
    return ComplaintFactory(
        organization=organization,
        status=Complaint.Status.UPHELD,
        handler=registrar,
        decided_by=registrar,
        decided_at=decided_at,
        reasoning="经核实属实",
        **extra,
    )


@pytest.fixture
def record(contract, registrar, member, purchaser):
    """A contract signed 2026-02-20 with a payment on 2026-03-01, an accepted submission, an upheld complaint, and an
    order issued 2026-09-01, answered and verified in September."""
    organization = contract.organization
    PaymentFactory(contract=contract, paid_on=datetime.date(2026, 3, 1), recorded_by=purchaser)
    deliverable = contract.deliverables.create(
        title="季度服务报告", due_on=datetime.date(2026, 6, 30), payment_share=100, acceptance_criteria="台账齐全"
    )
    Submission.objects.create(
        deliverable=deliverable,
        report="第一季度服务台账",
        submitted_by=member,
        submitted_at=at(2026, 6, 10),
        decision="accepted",
        decided_by=purchaser,
        decided_at=at(2026, 6, 12),
        accepted_on=datetime.date(2026, 6, 12),
    )
    upheld_complaint(organization, registrar, at(2026, 8, 15), contract=contract)
    order = verified_order(
        registrar,
        member,
        organization,
        contract=contract,
        issued_on=datetime.date(2026, 9, 1),
        answered_at=at(2026, 9, 10),
        verified_on=datetime.date(2026, 9, 11),
    )
    return order


def test_organization_page_shows_upheld_complaints_closed_orders_and_timeline(client, contract, record):
    organization = contract.organization
    ComplaintFactory(organization=organization)
    html = text_of(client.get(reverse("registry:organization-detail", args=[organization.uscc])))
    assert re.search(r'data-testid="upheld-complaints">.*?fs-4 fw-semibold">1<', html, re.S)
    closed = html[html.index('data-testid="closed-orders"') :]
    assert "2026-09-11" in closed and "建立项目资金专账" in closed

    events = rendered_events(html, "organization-timeline")
    days = [day for _kind, day in events]
    assert days == sorted(days)
    kinds = [kind for kind, _day in events]
    assert kinds[0] == "registered"
    assert kinds.index("contract_signed") < kinds.index("complaint_upheld") < kinds.index("order_issued")
    assert kinds.index("order_issued") < kinds.index("order_verified")
    assert "order_answered" not in kinds
    assert reverse("supervision:order-detail", args=[record.pk]) not in html
    assert 'data-testid="plan-inspection"' not in html


def test_organization_page_insiders_see_the_working_record(client, contract, record, member, registrar):
    url = reverse("registry:organization-detail", args=[contract.organization.uscc])
    client.force_login(member)
    html = text_of(client.get(url))
    assert "order_answered" in [kind for kind, _day in rendered_events(html, "organization-timeline")]
    assert reverse("supervision:order-detail", args=[record.pk]) in html
    assert reverse("supervision:my-orders") in html

    client.force_login(registrar)
    html = text_of(client.get(url))
    assert 'data-testid="plan-inspection"' in html and 'data-testid="issue-order"' in html


def test_open_orders_are_counted_but_not_listed_for_the_public(client, organization, registrar):
    services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="限期补报年度工作报告",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    html = text_of(client.get(reverse("registry:organization-detail", args=[organization.uscc])))
    assert re.search(r'data-testid="open-orders">.*?fs-4 fw-semibold">1', html, re.S)
    assert "限期补报年度工作报告" not in html
    assert "没有已完成整改的整改通知。" in html


def test_contract_page_timeline_in_date_order(client, contract, record, member):
    url = reverse("contracts:contract-detail", args=[contract.number])
    html = text_of(client.get(url))
    events = rendered_events(html, "contract-timeline")
    days = [day for _kind, day in events]
    assert days == sorted(days)
    assert [kind for kind, _day in events] == [
        "contract_signed",
        "payment",
        "submission_accepted",
        "complaint_upheld",
        "order_issued",
        "order_verified",
    ]
    assert days[0] == "2026-02-20" and days[1] == "2026-03-01"
    assert f'href="/complaints/new/?contract={contract.number}"' in html

    client.force_login(member)
    kinds = [kind for kind, _day in rendered_events(text_of(client.get(url)), "contract-timeline")]
    assert kinds.index("submission") < kinds.index("submission_accepted")
    assert kinds.index("order_answered") < kinds.index("order_verified")


def render_extra(tag: str, obj, user) -> str:
    template = Template("{% load supervision_tags %}{% " + tag + " obj %}")
    return template.render(Context({"obj": obj, "user": user}))


def fresh(user):
    return get_user_model().objects.get(pk=user.pk) if user is not None else AnonymousUser()


@pytest.mark.parametrize("who", ["anonymous", "registrar", "member"])
def test_organization_extra_query_count_is_constant(contract, record, registrar, member, second_registrar, who):
    organization = contract.organization
    user = {"anonymous": None, "registrar": registrar, "member": member}[who]
    with CaptureQueriesContext(connection) as few:
        render_extra("organization_supervision", organization, fresh(user))
    for n in range(3):
        verified_order(
            registrar,
            member,
            organization,
            issued_on=datetime.date(2026, 7, 1 + n),
            answered_at=at(2026, 7, 10 + n),
            verified_on=datetime.date(2026, 7, 20 + n),
        )
        upheld_complaint(organization, registrar, at(2026, 7, 5 + n))
        inspection = InspectionFactory(organization=organization, department=registrar.department, created_by=registrar)
        services.inspection_complete(
            actor=registrar,
            inspection=inspection,
            inspected_on=datetime.date(2026, 8, 1 + n),
            conclusion="no_problem",
            inspectors=[registrar, second_registrar],
        )
    CreditListingFactory(organization=organization, listed_on=datetime.date(2026, 8, 20))
    with CaptureQueriesContext(connection) as many:
        html = render_extra("organization_supervision", organization, fresh(user))
    assert len(many) == len(few)
    assert re.search(r'data-testid="upheld-complaints">.*?fs-4 fw-semibold">4<', html, re.S)


def test_contract_timeline_query_count_is_constant(contract, record, registrar, member, purchaser):
    with CaptureQueriesContext(connection) as few:
        render_extra("contract_timeline", contract, fresh(purchaser))
    for n in range(3):
        PaymentFactory(
            contract=contract, instalment=n + 2, paid_on=datetime.date(2026, 4, 1 + n), recorded_by=purchaser
        )
        verified_order(
            registrar,
            member,
            contract.organization,
            contract=contract,
            issued_on=datetime.date(2026, 7, 1 + n),
            answered_at=at(2026, 7, 10 + n),
            verified_on=datetime.date(2026, 7, 20 + n),
        )
    with CaptureQueriesContext(connection) as many:
        html = render_extra("contract_timeline", contract, fresh(purchaser))
    assert len(many) == len(few)
    assert html.count('data-kind="payment"') == 4
