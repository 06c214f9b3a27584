"""Performance of a contract: deliverables with their submissions and files, payments and amendments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from contracts.models.contract import Contract
from core.models import StoredFile


class Deliverable(models.Model):
    """Something the organization must deliver, with its share of the payment (履约事项)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待提交")
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已验收")
        RETURNED = "returned", _("已退回")

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="deliverables"
    )
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    due_on = models.DateField(_("截止日期"), db_index=True)
    payment_share = models.DecimalField(_("付款比例(%)"), max_digits=5, decimal_places=2)
    acceptance_criteria = models.TextField(_("验收标准"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    # The moment of its first submission (the earliest submitted_at of its submissions; None: never submitted), kept
    # by the database whatever writes the submissions (triggers of contracts migration 0009; a write of this row
    # recomputes it too, so a copy loaded earlier never sets it back): whether it was submitted on time is then read
    # on the row, not looked up among the submissions.
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True, editable=False)
    # Whether a payment against it is recorded, kept by the database the same way (contracts migration 0015): the
    # purchasers' accepted deliverables awaiting payment are read from a partial index instead of the payments.
    paid = models.BooleanField(_("已登记付款"), default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["first_submitted_at", "paid"])

    class Meta:
        verbose_name = _("履约事项")
        verbose_name_plural = _("履约事项")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payment_share__gt=0) & Q(payment_share__lte=100),
                name="deliverable_share_in_range",
                violation_error_message=_("付款比例须大于 0 且不超过 100。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False), name="deliverable_accepted_has_time"
            ),
        ]
        indexes = [
            # Overdue deliverables (due date passed, not accepted: contracts.selectors.overdue_condition) for the
            # reminders, the deadline check and the 待办 page: the few open deliverables by due date, instead of a
            # scan of every deliverable, most of them long accepted.
            models.Index(fields=["due_on"], condition=~Q(status="accepted"), name="deliverable_open_due"),
            # A year's deliverables with what the officials' dashboard counts of them (on time, late, overdue:
            # portal.officials), read from the index instead of visiting each row.
            models.Index(
                fields=["due_on"],
                include=["id", "contract", "status", "first_submitted_at"],
                name="deliverable_due_figures",
            ),
            # The accepted deliverables no payment is recorded against (the purchasers' to-do list), by contract: a
            # few thousand entries in a province, probed for each of a department's contracts, instead of a probe of
            # the payments for each accepted deliverable.
            models.Index(
                fields=["contract"],
                include=["accepted_at"],
                condition=Q(status="accepted", paid=False),
                name="deliverable_unpaid",
            ),
            # The open deliverables without acceptance criteria (the purchasers' to-do list, the data-quality report),
            # by contract: the few such rows, instead of every deliverable of a department's contracts.
            models.Index(
                fields=["contract"],
                condition=Q(acceptance_criteria="") & ~Q(status="accepted"),
                name="deliverable_no_criteria",
            ),
            # The deliverables a payment was recorded against before their acceptance (the data-quality check of
            # payments, stats.quality), by contract: none or a few in a province (contracts migration 0017).
            models.Index(
                fields=["contract"], condition=Q(paid=True) & ~Q(status="accepted"), name="deliverable_paid_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Due date passed, not accepted, while the contract is being performed."""
        return (
            self.contract.status in Contract.ACTIVE_STATUSES
            and self.status != self.Status.ACCEPTED
            and self.due_on < timezone.localdate()
        )

    @property
    def open_submission(self) -> Submission | None:
        """The submission waiting for a decision (uses prefetched submissions when present)."""
        for submission in self.submissions.all():
            if submission.decision is None:
                return submission
        return None


class Submission(models.Model):
    """One submission of a deliverable with its report, and the purchaser's decision on it (履约提交)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("通过验收")
        RETURNED = "returned", _("退回")

    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("履约事项"), on_delete=models.PROTECT, related_name="submissions"
    )
    report = models.TextField(_("履约报告"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("验收结论"), max_length=10, choices=Decision.choices, null=True, blank=True)
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_comment = models.TextField(_("验收意见"), blank=True)
    # The day the deliverable was actually accepted (an official may record it later than it happened);
    # decided_at keeps the moment the decision was recorded.
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履约提交")
        verbose_name_plural = _("履约提交")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable"], condition=Q(decision__isnull=True), name="submission_one_open_per_deliverable"
            ),
            models.CheckConstraint(
                condition=(Q(decision__isnull=True) & Q(decided_at__isnull=True) & Q(decided_by__isnull=True))
                | (Q(decision__isnull=False) & Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="submission_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(decision_comment=""), name="submission_return_has_comment"
            ),
            models.CheckConstraint(
                condition=Q(decision="accepted", accepted_on__isnull=False)
                | (~Q(decision="accepted") & Q(accepted_on__isnull=True))
                | Q(decision__isnull=True, accepted_on__isnull=True),
                name="submission_accepted_on_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} @ {self.submitted_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.decision is None


class SubmissionFile(StoredFile):
    """A file of evidence attached to a submission; never public."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("履约提交"), on_delete=models.CASCADE, related_name="files"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提交材料")
        verbose_name_plural = _("提交材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Payment(models.Model):
    """One instalment paid under a contract (付款记录)."""

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="payments")
    instalment = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("付款日期"))
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("对应履约事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("付款记录")
        verbose_name_plural = _("付款记录")
        ordering = ["contract", "instalment"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "instalment"], name="payment_instalment_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("付款金额须大于零。"),
            ),
            models.CheckConstraint(condition=Q(instalment__gte=1), name="payment_instalment_from_one"),
        ]
        indexes = [
            # A year's payments with their contract and amount, summed by the officials' dashboard (portal.officials)
            # from the index instead of a scan of every payment.
            models.Index(fields=["paid_on"], include=["contract", "amount"], name="payment_paid_figures"),
            # The payments recorded against no deliverable (the data-quality check of payments, stats.quality), by
            # contract: none or a few in a province (contracts migration 0017).
            models.Index(
                fields=["contract"], condition=Q(deliverable__isnull=True), name="payment_without_deliverable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} #{self.instalment}"


class Amendment(models.Model):
    """A recorded change to a signed contract: what changed, from what to what, why, when and by whom (合同变更)."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("合同金额")
        DATES = "dates", _("履行期限")
        OTHER = "other", _("其他")

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(_("变更内容"), max_length=10, choices=Kind.choices)
    old_value = models.TextField(_("变更前"), blank=True)
    new_value = models.TextField(_("变更后"), blank=True)
    reason = models.TextField(_("变更原因"))
    amended_on = models.DateField(_("变更日期"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("变更人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合同变更")
        verbose_name_plural = _("合同变更")
        ordering = ["amended_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="amendment_has_reason", violation_error_message=_("须填写变更原因。")
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_kind_display()}"
