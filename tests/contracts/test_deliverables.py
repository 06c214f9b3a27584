"""Deliverables: submissions by the organization's members, acceptance and return by the purchaser, resubmission,
and overdue deliverables."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts import selectors, services
from contracts.models import Contract, Deliverable, Submission
from contracts.workflows import deliverable_submittable
from tests.errors import all_codes, codes
from tests.factories import DeliverableFactory, OrganizationFactory, SignedContractFactory, make_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(signed_contract):
    return signed_contract.deliverables.get(title="上半年服务")


def submit(member, deliverable, report="上半年累计服务 6200 人次，回访满意度 95%", files=None):
    return services.submission_create(
        actor=member,
        deliverable=deliverable,
        report=report,
        files=[make_upload("pdf", "服务台账.pdf"), make_upload("jpg", "现场照片.jpg")] if files is None else files,
    )


class TestSubmission:
    def test_member_submits_report_and_files(self, member, deliverable, media_root):
        submission = submit(member, deliverable)
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.SUBMITTED
        assert submission.submitted_by == member
        assert submission.is_open
        files = list(submission.files.order_by("pk"))
        assert [f.original_name for f in files] == ["服务台账.pdf", "现场照片.jpg"]
        assert [f.content_type for f in files] == ["application/pdf", "image/jpeg"]
        for stored in files:
            assert stored.file.name.startswith(f"contracts/{timezone.localdate().year}/")
            assert stored.original_name not in stored.file.name
            assert (media_root / stored.file.name).read_bytes()[:3] in (b"%PD", b"\xff\xd8\xff")

    def test_submitting_on_a_performing_contract(self, purchaser, member, deliverable):
        services.contract_start_performance(actor=purchaser, contract=deliverable.contract)
        assert submit(member, deliverable).pk

    def test_needs_a_report_and_a_file(self, member, deliverable):
        with pytest.raises(ValidationError, match="履约报告") as excinfo:
            submit(member, deliverable, report="  ")
        assert codes(excinfo.value) == {"report": ["report_required"]}
        with pytest.raises(ValidationError) as excinfo:
            submit(member, deliverable, files=[])
        assert codes(excinfo.value) == {"files": ["files_required"]}
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.PENDING
        assert not deliverable.submissions.exists()

    def test_a_bad_file_refuses_the_whole_submission(self, member, deliverable):
        with pytest.raises(ValidationError, match="类型不允许") as excinfo:
            submit(member, deliverable, files=[make_upload("pdf"), make_upload("pdf", "病毒.exe")])
        assert codes(excinfo.value) == {"files": ["upload_type"]}
        assert not deliverable.submissions.exists()

    def test_only_members_of_the_contract_organization(self, purchaser, other_member, deliverable):
        for actor in (other_member, purchaser):
            with pytest.raises(PermissionDenied):
                submit(actor, deliverable)

    def test_not_on_a_draft_or_terminated_contract(self, purchaser, member, draft_contract):
        draft_deliverable = draft_contract.deliverables.first()
        with pytest.raises(ValidationError) as excinfo:
            submit(member, draft_deliverable)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“草稿”，不能提交履约材料。"]
        services.contract_sign(actor=purchaser, contract=draft_contract, signed_on=datetime.date(2026, 2, 20))
        services.contract_terminate(actor=purchaser, contract=draft_contract, reason="服务对象迁出")
        with pytest.raises(ValidationError) as excinfo:
            submit(member, draft_deliverable)
        assert excinfo.value.params["status"] == "已终止"

    def test_not_while_waiting_for_a_decision(self, member, deliverable):
        submit(member, deliverable)
        with pytest.raises(ValidationError) as excinfo:
            submit(member, deliverable)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“已提交”，不能提交履约材料。"]


class TestDecisions:
    def test_return_then_resubmit_then_accept(self, purchaser, member, deliverable):
        first = submit(member, deliverable)
        services.deliverable_return(actor=purchaser, submission=first, comment="缺少服务对象签字确认单")
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.RETURNED
        assert deliverable_submittable(deliverable)

        second = submit(member, deliverable, report="补充了签字确认单")
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.SUBMITTED

        services.deliverable_accept(actor=purchaser, submission=second, comment="材料齐全")
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.ACCEPTED
        assert deliverable.accepted_at is not None
        assert not deliverable_submittable(deliverable)

        # Nothing is overwritten: both submissions and both decisions remain.
        kept = list(
            deliverable.submissions.order_by("submitted_at", "pk").values_list(
                "report", "decision", "decision_comment", "decided_by"
            )
        )
        assert kept == [
            ("上半年累计服务 6200 人次，回访满意度 95%", "returned", "缺少服务对象签字确认单", purchaser.pk),
            ("补充了签字确认单", "accepted", "材料齐全", purchaser.pk),
        ]
        assert first.files.count() == 2 and second.files.count() == 2
        statuses = list(deliverable.history.order_by("history_date", "history_id").values_list("status", flat=True))
        assert statuses == ["pending", "submitted", "returned", "submitted", "accepted"]

    def test_return_needs_a_comment(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        with pytest.raises(ValidationError, match="退回须写明意见") as excinfo:
            services.deliverable_return(actor=purchaser, submission=submission, comment=" ")
        assert codes(excinfo.value) == {"comment": ["comment_required"]}
        submission.refresh_from_db()
        assert submission.is_open

    def test_a_decision_is_final(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        services.deliverable_accept(actor=purchaser, submission=submission)
        with pytest.raises(ValidationError) as excinfo:
            services.deliverable_return(actor=purchaser, submission=submission, comment="再看看")
        assert all_codes(excinfo.value) == {"already_decided"}
        with pytest.raises(ValidationError) as excinfo:
            submit(member, deliverable)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.params["status"] == "已验收"

    def test_returned_submission_cannot_be_accepted_later(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        services.deliverable_return(actor=purchaser, submission=submission, comment="补充材料")
        with pytest.raises(ValidationError, match="已有验收结论") as excinfo:
            services.deliverable_accept(actor=purchaser, submission=submission)
        assert all_codes(excinfo.value) == {"already_decided"}

    def test_only_purchasers_covering_the_department_decide(self, chifeng_purchaser, member, deliverable):
        submission = submit(member, deliverable)
        for actor in (chifeng_purchaser, member):
            with pytest.raises(PermissionDenied):
                services.deliverable_accept(actor=actor, submission=submission)
            with pytest.raises(PermissionDenied):
                services.deliverable_return(actor=actor, submission=submission, comment="不行")
            with pytest.raises(PermissionDenied):
                services.deliverable_return(actor=actor, submission=submission, comment="")

    def test_no_decisions_on_a_terminated_contract(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        services.contract_terminate(actor=purchaser, contract=deliverable.contract, reason="终止")
        with pytest.raises(ValidationError) as excinfo:
            services.deliverable_accept(actor=purchaser, submission=submission)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“已终止”，不能验收。"]
        assert Submission.objects.get(pk=submission.pk).is_open


class TestOverdue:
    def test_overdue_means_due_passed_and_not_accepted(self, purchaser, member, organization, signed_contract):
        first = signed_contract.deliverables.get(title="上半年服务")  # due 2026-08-31
        second = signed_contract.deliverables.get(title="全年服务")  # due 2027-02-28
        on = datetime.date(2026, 9, 15)
        assert list(selectors.deliverable_overdue_list(on=on)) == [first]
        assert selectors.organization_overdue_count(organization, on=on) == 1
        assert selectors.organization_overdue_count(organization, on=datetime.date(2027, 3, 1)) == 2
        assert selectors.organization_overdue_count(organization, on=datetime.date(2026, 8, 31)) == 0

        # A submitted but undecided deliverable is still overdue; an accepted one is not.
        submission = submit(member, first)
        assert selectors.organization_overdue_count(organization, on=on) == 1
        services.deliverable_accept(actor=purchaser, submission=submission)
        assert selectors.organization_overdue_count(organization, on=on) == 0

        annotated = {d.pk: d.is_overdue_now for d in selectors.annotate_overdue(Deliverable.objects.all(), on=on)}
        assert annotated == {first.pk: False, second.pk: False}

    def test_drafts_completed_and_terminated_contracts_have_nothing_overdue(self, organization):
        past = datetime.date(2026, 4, 1)
        for status, extra in [
            (Contract.Status.DRAFT, {"signed_on": None}),
            (Contract.Status.COMPLETED, {"completed_on": past}),
            (Contract.Status.TERMINATED, {"terminated_on": past, "termination_reason": "终止"}),
        ]:
            contract = SignedContractFactory(organization=organization, status=status, **extra)
            DeliverableFactory(contract=contract, due_on=datetime.date(2026, 3, 31))
        assert selectors.organization_overdue_count(organization, on=datetime.date(2026, 6, 1)) == 0

    def test_python_property_agrees_with_the_query(self, organization):
        contract = SignedContractFactory(organization=organization)
        late = DeliverableFactory(contract=contract, due_on=timezone.localdate() - datetime.timedelta(days=1))
        on_time = DeliverableFactory(contract=contract, due_on=timezone.localdate())
        assert late.is_overdue and not on_time.is_overdue
        assert selectors.organization_overdue_count(organization) == 1

    def test_count_per_organization(self, organization):
        from registry.models import Organization

        other = OrganizationFactory()
        for owner, count in ((organization, 2), (other, 1)):
            contract = SignedContractFactory(organization=owner)
            for _ in range(count):
                DeliverableFactory(contract=contract, due_on=datetime.date(2026, 5, 1))
        rows = selectors.annotate_organization_overdue(
            Organization.objects.filter(pk__in=[organization.pk, other.pk]), on=datetime.date(2026, 6, 1)
        )
        assert {row.pk: row.overdue_deliverable_count for row in rows} == {organization.pk: 2, other.pk: 1}


class TestAcceptanceDay:
    """Accepting records the day the acceptance took place: today by default, never after today, never before the
    submission it accepts; the timeline orders the acceptance by that day."""

    def submitted_on(self, member, deliverable, day: datetime.date):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))
        return services.submission_create(
            actor=member, deliverable=deliverable, report="阶段报告", files=[make_upload("pdf")], now=moment
        )

    def test_defaults_to_today(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        services.deliverable_accept(actor=purchaser, submission=submission)
        submission.refresh_from_db()
        deliverable.refresh_from_db()
        assert submission.accepted_on == timezone.localdate()
        assert deliverable.accepted_at == submission.decided_at

    def test_a_past_day_is_recorded_and_orders_the_timeline(self, purchaser, member, deliverable):
        from supervision.timeline import contract_timeline

        today = timezone.localdate()
        submitted_day = today - datetime.timedelta(days=20)
        accepted_day = today - datetime.timedelta(days=12)
        submission = self.submitted_on(member, deliverable, submitted_day)
        services.deliverable_accept(actor=purchaser, submission=submission, accepted_on=accepted_day)
        submission.refresh_from_db()
        deliverable.refresh_from_db()
        assert submission.accepted_on == accepted_day
        assert timezone.localdate(submission.decided_at) == today  # when it was recorded
        assert timezone.localdate(deliverable.accepted_at) == accepted_day  # when it counts (on time or late)
        payment_day = today - datetime.timedelta(days=5)
        services.payment_record(
            actor=purchaser,
            contract=deliverable.contract,
            amount=(deliverable.contract.amount * deliverable.payment_share / 100).quantize(Decimal("0.01")),
            paid_on=payment_day,
            deliverable=deliverable,
        )
        events = [
            (event.kind, event.day)
            for event in contract_timeline(deliverable.contract, user=purchaser)
            if event.kind in ("submission", "submission_accepted", "payment")
        ]
        assert events == [
            ("submission", submitted_day),
            ("submission_accepted", accepted_day),
            ("payment", payment_day),
        ]

    def test_the_submission_day_itself_orders_after_the_submission(self, purchaser, member, deliverable):
        from supervision.timeline import contract_timeline

        day = timezone.localdate() - datetime.timedelta(days=3)
        submission = self.submitted_on(member, deliverable, day)
        services.deliverable_accept(actor=purchaser, submission=submission, accepted_on=day)
        deliverable.refresh_from_db()
        assert deliverable.accepted_at == submission.submitted_at  # not before the submission it accepts
        kinds = [
            event.kind
            for event in contract_timeline(deliverable.contract, user=purchaser)
            if event.kind in ("submission", "submission_accepted")
        ]
        assert kinds == ["submission", "submission_accepted"]

    def test_a_future_day_is_refused(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as excinfo:
            services.deliverable_accept(actor=purchaser, submission=submission, accepted_on=tomorrow)
        assert codes(excinfo.value) == {"accepted_on": ["date_in_future"]}
        assert "晚于今天" in excinfo.value.message_dict["accepted_on"][0]
        submission.refresh_from_db()
        deliverable.refresh_from_db()
        assert submission.is_open and submission.accepted_on is None
        assert deliverable.status == Deliverable.Status.SUBMITTED

    def test_a_day_before_the_submission_is_refused(self, purchaser, member, deliverable):
        day = timezone.localdate() - datetime.timedelta(days=10)
        submission = self.submitted_on(member, deliverable, day)
        with pytest.raises(ValidationError) as excinfo:
            services.deliverable_accept(
                actor=purchaser, submission=submission, accepted_on=day - datetime.timedelta(days=1)
            )
        assert codes(excinfo.value) == {"accepted_on": ["date_before_previous"]}
        assert "早于履约材料提交日期" in excinfo.value.message_dict["accepted_on"][0]
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.SUBMITTED and deliverable.accepted_at is None

    def test_a_return_records_no_acceptance_day(self, purchaser, member, deliverable):
        submission = submit(member, deliverable)
        services.deliverable_return(actor=purchaser, submission=submission, comment="缺少签字")
        submission.refresh_from_db()
        assert submission.accepted_on is None
