"""Who hears about what happens to deliverables and payments (notifications.services.notify): the purchasers of the
contract's department when a submission arrives; the organization's members when it is decided or paid."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Payment, Submission
from notifications.models import Notification
from notifications.selectors import department_staff, organization_members
from notifications.services import notify


def _contract_url(contract: Contract) -> str:
    return reverse("contracts:contract-detail", args=[contract.number])


def contract_purchasers(contract: Contract) -> list:
    """The purchasers of the contract's department (and whoever registered it, if still a purchaser)."""
    users = list(department_staff(contract.department_id, purchasers=True))
    if contract.created_by_id and contract.created_by is not None and contract.created_by.is_purchaser:
        users.append(contract.created_by)
    return users


def submission_received(submission: Submission, *, actor) -> None:
    deliverable = submission.deliverable
    contract = deliverable.contract
    notify(
        recipients=contract_purchasers(contract),
        kind=Notification.Kind.SUBMISSION_RECEIVED,
        target=submission,
        title=_("%(organization)s 提交了“%(deliverable)s”（合同 %(number)s），待验收"),
        params={
            "organization": contract.organization.name,
            "deliverable": deliverable.title,
            "number": contract.number,
        },
        url=reverse("contracts:submission-decide", args=[contract.number, submission.pk]),
        actor=actor,
    )


def submission_decided(submission: Submission, *, actor) -> None:
    deliverable = submission.deliverable
    contract = deliverable.contract
    accepted = submission.decision == Submission.Decision.ACCEPTED
    notify(
        recipients=organization_members(contract.organization_id),
        kind=Notification.Kind.SUBMISSION_ACCEPTED if accepted else Notification.Kind.SUBMISSION_RETURNED,
        target=submission,
        stage=submission.decision,
        title=_("“%(deliverable)s”（合同 %(number)s）已通过验收")
        if accepted
        else _("“%(deliverable)s”（合同 %(number)s）被退回，请修改后重新提交"),
        params={"deliverable": deliverable.title, "number": contract.number},
        body=submission.decision_comment,
        url=_contract_url(contract),
        actor=actor,
    )


def payment_recorded(payment: Payment, *, actor) -> None:
    contract = payment.contract
    notify(
        recipients=organization_members(contract.organization_id),
        kind=Notification.Kind.PAYMENT_RECORDED,
        target=payment,
        title=_("合同 %(number)s 第 %(instalment)s 期付款 %(amount)s 元已登记（%(day)s）"),
        params={
            "number": contract.number,
            "instalment": payment.instalment,
            "amount": f"{payment.amount:,.2f}",
            "day": payment.paid_on.isoformat(),
        },
        url=_contract_url(contract),
        actor=actor,
    )
