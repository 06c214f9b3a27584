"""Administrative penalties (行政处罚): recording a decision, and its later fulfilment or annulment.

`penalty_problems` holds the rules of one decision, shared by `penalty_record` and the penalty import
(registry.penalty_import), so a form, a file and the API are refused for the same reasons.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.services import Refusals, lock, refusal, require, save, today, wrong_state
from registry.models import CreditListing, Department, Organization, Penalty
from registry.permissions import can_manage_organization
from registry.services.common import deciding_department
from registry.services.credit import credit_listing_add
from registry.services.rules import authority_kind_refusal, before_establishment_refusal, future_refusal, is_negative

# A fine of at least this many yuan puts the organization on the serious-violation list (民政部令第60号).
SERIOUS_FINE = Decimal("50000")

# The transitions of a penalty's status: a decision in force is fulfilled or annulled; a fulfilled one may still be
# annulled (on administrative review or by a court).
TRANSITIONS = {
    Penalty.Status.IN_FORCE: (Penalty.Status.FULFILLED, Penalty.Status.ANNULLED),
    Penalty.Status.FULFILLED: (Penalty.Status.ANNULLED,),
    Penalty.Status.ANNULLED: (),
}

STATUS_ACTIONS = {
    Penalty.Status.FULFILLED: _("标记为已履行"),
    Penalty.Status.ANNULLED: _("标记为已撤销"),
    Penalty.Status.IN_FORCE: _("恢复为生效"),
}


def normalize_number(number: str | None) -> str:
    """A decision number without surrounding or inner spaces (呼民罚〔2026〕3号)."""
    return "".join((number or "").split())


def penalty_problems(
    *,
    organization: Organization | None,
    decision_number: str,
    decided_on: datetime.date | None,
    authority: Department | None,
    kind: str | None,
    amount: Decimal | None,
    facts: str,
    legal_basis: str,
    on: datetime.date,
    exclude_pk: int | None = None,
) -> list[tuple[str, ValidationError]]:
    """(field, refusal) for every rule one penalty decision breaks."""
    problems: list[tuple[str, ValidationError]] = []

    def add(field: str, error: ValidationError | None) -> None:
        if error is not None:
            problems.append((field, error))

    if not decision_number:
        add("decision_number", refusal(_("请填写处罚决定书文号"), code="required"))
    elif authority is not None:
        taken = Penalty.objects.filter(authority=authority, decision_number=decision_number)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            add(
                "decision_number",
                refusal(
                    _("%(authority)s的处罚决定书文号“%(number)s”已经登记，同一机关的文号不能重复"),
                    code="duplicate_decision_number",
                    authority=authority.name,
                    number=decision_number,
                ),
            )
    if decided_on is None:
        add("decided_on", refusal(_("请填写处罚决定日期"), code="required"))
    else:
        add("decided_on", future_refusal(decided_on, _("处罚决定日期"), on))
        if organization is not None:
            add("decided_on", before_establishment_refusal(decided_on, organization, _("处罚决定日期")))
    if authority is None:
        add("authority", refusal(_("请选择处罚机关"), code="required"))
    else:
        add("authority", authority_kind_refusal(authority))
    if kind not in Penalty.Kind.values:
        add("kind", refusal(_("请选择处罚种类"), code="required"))
    elif kind == Penalty.Kind.FINE and amount is None:
        add("amount", refusal(_("罚款必须填写罚款金额"), code="fine_without_amount"))
    elif amount is not None and kind not in Penalty.AMOUNT_KINDS:
        add(
            "amount",
            refusal(
                _("“%(kind)s”没有金额，只有罚款和没收违法所得或非法财产填写金额"),
                code="amount_not_allowed",
                kind=Penalty.Kind(kind).label,
            ),
        )
    if amount is not None and is_negative(amount):
        add("amount", refusal(_("金额不能为负数"), code="negative"))
    if not (facts or "").strip():
        add("facts", refusal(_("请填写违法事实"), code="required"))
    if not (legal_basis or "").strip():
        add("legal_basis", refusal(_("请填写处罚依据"), code="required"))
    return problems


@transaction.atomic
def penalty_record(
    *,
    actor,
    organization: Organization,
    decision_number: str,
    decided_on: datetime.date | None,
    kind: str,
    facts: str,
    legal_basis: str,
    amount: Decimal | None = None,
    authority: Department | None = None,
) -> Penalty:
    """Record an administrative penalty decided against `organization` by `authority` (the actor's department when
    not named). Refused: a date in the future or before the organization was established, a fine without an
    amount, a decision number the same authority has already used. 撤销登记 or a fine of 50,000 yuan or more also
    lists the organization on the serious-violation list (serious_listing_for)."""
    authority = deciding_department(
        actor,
        authority,
        field="authority",
        unnamed=_("系统登记行政处罚时必须指明处罚机关"),
        may_decide=lambda: can_manage_organization(actor, organization),
        forbidden=_("您无权登记该社会组织的行政处罚"),
    )
    decision_number = normalize_number(decision_number)
    refusals = Refusals()
    for field, error in penalty_problems(
        organization=organization,
        decision_number=decision_number,
        decided_on=decided_on,
        authority=authority,
        kind=kind,
        amount=amount,
        facts=facts,
        legal_basis=legal_basis,
        on=today(),
    ):
        refusals.extend(error, field=field)
    penalty = Penalty(
        organization=organization,
        decision_number=decision_number,
        decided_on=decided_on,
        authority=authority,
        kind=kind,
        amount=amount,
        facts=(facts or "").strip(),
        legal_basis=(legal_basis or "").strip(),
    )
    refusals.full_clean(penalty)
    save(penalty, actor=actor, reason=decision_number, clean=False)
    serious_listing_for(penalty, actor=actor)
    return penalty


def lists_as_serious(penalty: Penalty) -> bool:
    """撤销登记, or a fine of SERIOUS_FINE yuan or more, puts the organization on the serious-violation list
    (社会组织信用信息管理办法, 民政部令第60号)."""
    if penalty.kind == Penalty.Kind.REVOCATION:
        return True
    return penalty.kind == Penalty.Kind.FINE and penalty.amount is not None and penalty.amount >= SERIOUS_FINE


def serious_listing_for(penalty: Penalty, *, actor) -> CreditListing | None:
    """List the organization on the serious-violation list for `penalty` when the penalty requires it, decided by the
    penalty's authority on the decision's day, unless it is on that list already (or was, past that day)."""
    if not lists_as_serious(penalty):
        return None
    organization = penalty.organization
    listings = organization.credit_listings.filter(list_kind=CreditListing.List.SERIOUS)
    if listings.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=penalty.decided_on)).exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("受到行政处罚：%(kind)s（%(number)s）") % {
            "kind": penalty.get_kind_display(),
            "number": penalty.decision_number,
        }
    return credit_listing_add(
        actor=actor,
        organization=organization,
        list_kind=CreditListing.List.SERIOUS,
        reason=str(reason),
        listed_on=penalty.decided_on,
        deciding_authority=penalty.authority,
    )


@transaction.atomic
def penalty_change_status(
    *, actor, penalty: Penalty, status: str, changed_on: datetime.date | None, reason: str
) -> Penalty:
    """Mark a penalty fulfilled (已履行) or annulled (已撤销), with the day and the reason."""
    require(can_manage_organization(actor, penalty.organization), _("您无权变更该行政处罚的执行状态"))
    lock(penalty)
    if status not in TRANSITIONS.get(penalty.status, ()):
        raise wrong_state(STATUS_ACTIONS.get(status, _("变更执行状态")), penalty.get_status_display())
    refusals = Refusals()
    if changed_on is None:
        refusals.add("changed_on", _("请填写变更日期"), code="required")
    else:
        error = future_refusal(changed_on, _("变更日期"), today())
        if error is not None:
            refusals.extend(error, field="changed_on")
        if changed_on < penalty.decided_on:
            refusals.add(
                "changed_on",
                _("变更日期%(day)s早于处罚决定日期%(decided)s"),
                code="before_decision",
                day=changed_on.isoformat(),
                decided=penalty.decided_on.isoformat(),
            )
    if not (reason or "").strip():
        refusals.add("reason", _("请填写变更说明"), code="required")
    refusals.raise_if_any()
    penalty.status, penalty.status_changed_on, penalty.status_reason = status, changed_on, reason.strip()
    save(penalty, actor=actor, reason=penalty.status_reason)
    return penalty


def penalty_values(penalty: Penalty) -> dict[str, Any]:
    """The decision's fields as the import compares them."""
    return {
        "organization_id": penalty.organization_id,
        "decided_on": penalty.decided_on,
        "kind": penalty.kind,
        "amount": penalty.amount,
        "facts": penalty.facts,
        "legal_basis": penalty.legal_basis,
    }
