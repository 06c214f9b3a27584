"""The events that notify people, each sent by the service that makes the change, and the reminders that reach every
recipient in the site (e-mail only for those with an address who want it)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from contracts import services as contract_services
from evaluations import services as evaluation_services
from notifications.models import EmailPreference, Notification
from registry import services as registry_services
from supervision import services as supervision_services
from supervision.reminders import send_reminders
from tests.evaluations.conftest import create_evaluation, make_set
from tests.factories import (
    DeliverableFactory,
    DepartmentFactory,
    EvaluatorProfileFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RectificationOrderFactory,
    RegistrarFactory,
    SignedContractFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bureau(db):
    return DepartmentFactory(region=region("150100"))


@pytest.fixture
def registrar(bureau):
    return RegistrarFactory(department=bureau, email="")


@pytest.fixture
def department(db):
    return PurchasingDepartmentFactory(region=region("150100"))


@pytest.fixture
def purchaser(department):
    return PurchaserFactory(department=department)


@pytest.fixture
def organization(bureau):
    return OrganizationFactory(region=region("150102"), registration_authority=bureau)


@pytest.fixture
def member(organization):
    return OrganizationMemberFactory(organization=organization)


@pytest.fixture
def contract(department, organization):
    return SignedContractFactory(department=department, organization=organization)


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_submission_decision_and_payment(contract, purchaser, member, department):
    other_department_purchaser = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150100")))
    deliverable = DeliverableFactory(contract=contract, due_on=datetime.date(2026, 8, 31))
    submission = contract_services.submission_create(
        actor=member, deliverable=deliverable, report="完成", files=[make_upload()]
    )
    [notification] = Notification.objects.filter(recipient=purchaser)
    assert notification.kind == Notification.Kind.SUBMISSION_RECEIVED
    assert notification.url == reverse("contracts:submission-decide", args=[contract.number, submission.pk])
    assert contract.organization.name in notification.title
    assert kinds(member) == [] and kinds(other_department_purchaser) == []

    contract_services.deliverable_return(actor=purchaser, submission=submission, comment="缺少回访记录")
    assert kinds(member) == [Notification.Kind.SUBMISSION_RETURNED]
    assert Notification.objects.get(recipient=member).body == "缺少回访记录"
    second = contract_services.submission_create(
        actor=member, deliverable=deliverable, report="补充", files=[make_upload()]
    )
    contract_services.deliverable_accept(actor=purchaser, submission=second)
    assert kinds(purchaser) == [Notification.Kind.SUBMISSION_RECEIVED] * 2
    assert kinds(member)[-1] == Notification.Kind.SUBMISSION_ACCEPTED

    contract_services.payment_record(
        actor=purchaser,
        contract=contract,
        amount=Decimal("10000.00"),
        paid_on=datetime.date(2026, 9, 1),
        deliverable=deliverable,
    )
    assert kinds(member)[-1] == Notification.Kind.PAYMENT_RECORDED


def test_order_issued_answered_returned_verified(registrar, member, organization):
    order = supervision_services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="补充财务制度",
        deadline=datetime.date(2026, 10, 31),
        issued_on=datetime.date(2026, 10, 1),
    )
    assert kinds(member) == [Notification.Kind.ORDER_ISSUED]
    assert kinds(registrar) == []  # the actor is not told of their own act
    at = datetime.datetime(2026, 10, 10, 9, tzinfo=SHANGHAI)
    supervision_services.order_answer(actor=member, order=order, text="已整改", files=[make_upload()], now=at)
    assert kinds(registrar) == [Notification.Kind.ORDER_ANSWERED]
    supervision_services.order_return(actor=registrar, order=order, reason="缺少凭证", now=at)
    assert kinds(member)[-1] == Notification.Kind.ORDER_RETURNED
    supervision_services.order_answer(actor=member, order=order, text="补充凭证", files=[make_upload()], now=at)
    assert kinds(registrar) == [Notification.Kind.ORDER_ANSWERED] * 2  # a second answer is a new stage
    supervision_services.order_verify(actor=registrar, order=order, on=datetime.date(2026, 10, 11), now=at)
    assert kinds(member)[-1] == Notification.Kind.ORDER_VERIFIED


def test_complaint_reaches_its_handlers_at_each_status(registrar, organization, contract, purchaser):
    baotou = RegistrarFactory(department=DepartmentFactory(region=region("150200")))
    complaint = supervision_services.complaint_file(
        subject="服务人员未到岗", text="三次预约均未上门", organization=organization, contract=contract
    )
    assert kinds(registrar) == [Notification.Kind.COMPLAINT]
    assert kinds(purchaser) == [Notification.Kind.COMPLAINT]
    assert kinds(baotou) == []
    supervision_services.complaint_start_review(actor=registrar, complaint=complaint)
    assert kinds(purchaser) == [Notification.Kind.COMPLAINT] * 2
    assert Notification.objects.filter(recipient=registrar).count() == 1  # the actor


def test_invitation_and_finalized(purchaser, contract, member):
    indicator_set = make_set(leaves=2)
    evaluation = create_evaluation(purchaser, contract, indicator_set)
    evaluator = EvaluatorProfileFactory().user
    assignment = evaluation_services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=evaluator)
    [notification] = Notification.objects.filter(recipient=evaluator)
    assert notification.kind == Notification.Kind.INVITATION
    assert notification.url == reverse("evaluations:task-detail", args=[assignment.pk])


def test_listing_added_and_removed(registrar, member, organization):
    listing = registry_services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind="abnormal",
        reason="未按规定报送年度工作报告",
        listed_on=datetime.date(2026, 7, 1),
    )
    registry_services.credit_listing_remove(
        actor=registrar, listing=listing, removed_on=datetime.date(2026, 8, 1), reason="已补报"
    )
    assert kinds(member) == [Notification.Kind.LISTING_ADDED, Notification.Kind.LISTING_REMOVED]


def test_reminders_reach_officials_without_an_email_address(registrar, organization, member):
    RectificationOrderFactory(organization=organization)  # deadline 2026-10-31
    report = send_reminders(on=datetime.date(2026, 11, 2))
    assert registrar.username in report.without_email
    assert registrar.username in report.notified and registrar.username not in report.recipients
    [notification] = Notification.objects.filter(recipient=registrar)
    assert notification.kind == Notification.Kind.ORDER_OVERDUE
    assert any("无电子邮箱" in line and registrar.username in line for line in report.lines())

    send_reminders(on=datetime.date(2026, 11, 3))
    assert Notification.objects.filter(recipient=registrar).count() == 1  # once per item and stage


def test_email_turned_off_still_notifies_in_the_site(organization, contract):
    member = OrganizationMemberFactory(organization=organization, email="member@example.cn")
    EmailPreference.objects.create(user=member, kind=Notification.Kind.DELIVERABLE_DUE, email=False)
    DeliverableFactory(contract=contract, due_on=datetime.date(2026, 10, 20))
    report = send_reminders(on=datetime.date(2026, 10, 15))
    assert report.emails_sent == 0 and not mail.outbox
    assert kinds(member) == [Notification.Kind.DELIVERABLE_DUE]
