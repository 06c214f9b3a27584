"""Who may do what with purchase lists, contracts, deliverables, payments and files.

Predicates answer *who*; the state rules (draft only, contract being performed, ...) live in services.py and in the
models' properties. A purchaser acts for their own department only (departments have no subordinate units in the
model): its purchase lists, its contracts, their deliverables and payments. Other departments' drafts are invisible to
them; published lists and signed contracts are public records that everyone reads.

Evidence (submission reports and files, non-public contract documents) is seen by the contract's insiders: members of
the contract's organization, the purchasers of its department, superusers, and whoever a check registered
with `register_evidence_viewer` admits (the evaluations app registers assigned evaluators there).
"""

from __future__ import annotations

from typing import Callable

import rules

from accounts.permissions import is_member_of, is_purchaser, is_superuser

EvidenceCheck = Callable[[object, object], bool]
_evidence_viewer_checks: list[EvidenceCheck] = []


def register_evidence_viewer(check: EvidenceCheck) -> None:
    """Let `check(user, contract) -> bool` admit more users to a contract's evidence (idempotent)."""
    if check not in _evidence_viewer_checks:
        _evidence_viewer_checks.append(check)


def _department_id(obj) -> int | None:
    """The id of `obj`'s department (obj: Department, PurchaseList or Contract), or None."""
    if obj is None:
        return None
    if hasattr(obj, "department_id"):
        return obj.department_id
    return getattr(obj, "pk", None)


@rules.predicate
def purchaser_of_department(user, obj) -> bool:
    """A purchaser of `obj`'s department itself (obj: Department, PurchaseList or Contract): a purchaser acts for
    their own department, never for another department of their region."""
    department_id = _department_id(obj)
    return bool(is_purchaser(user)) and department_id is not None and user.department_id == department_id


can_create_purchase_list = is_superuser | purchaser_of_department
can_edit_purchase_list = is_superuser | purchaser_of_department
can_create_contract = is_superuser | purchaser_of_department
can_manage_contract = is_superuser | purchaser_of_department


@rules.predicate
def purchase_list_is_public(user, purchase_list) -> bool:
    return purchase_list is not None and purchase_list.is_public


@rules.predicate
def contract_is_public(user, contract) -> bool:
    return contract is not None and contract.is_public


@rules.predicate
def member_of_contract_organization(user, contract) -> bool:
    return contract is not None and is_member_of(user, contract)


@rules.predicate
def admitted_by_registered_check(user, contract) -> bool:
    return contract is not None and any(check(user, contract) for check in _evidence_viewer_checks)


can_view_purchase_list = purchase_list_is_public | can_edit_purchase_list
can_view_contract = contract_is_public | can_manage_contract
can_view_contract_evidence = can_manage_contract | member_of_contract_organization | admitted_by_registered_check


@rules.predicate
def can_submit_deliverable(user, deliverable) -> bool:
    return deliverable is not None and member_of_contract_organization(user, deliverable.contract)


@rules.predicate
def can_decide_submission(user, submission) -> bool:
    return submission is not None and can_manage_contract(user, submission.deliverable.contract)


can_record_payment = can_manage_contract
can_amend_contract = can_manage_contract


@rules.predicate
def can_download_document(user, document) -> bool:
    if document is None:
        return False
    if document.is_public and document.contract.is_public:
        return True
    return can_view_contract_evidence(user, document.contract)


@rules.predicate
def can_download_submission_file(user, submission_file) -> bool:
    if submission_file is None:
        return False
    return can_view_contract_evidence(user, submission_file.submission.deliverable.contract)


for _name, _predicate in {
    "can_create_purchase_list": can_create_purchase_list,
    "can_edit_purchase_list": can_edit_purchase_list,
    "can_view_purchase_list": can_view_purchase_list,
    "can_create_contract": can_create_contract,
    "can_manage_contract": can_manage_contract,
    "can_view_contract": can_view_contract,
    "can_view_contract_evidence": can_view_contract_evidence,
    "can_submit_deliverable": can_submit_deliverable,
    "can_decide_submission": can_decide_submission,
    "can_record_payment": can_record_payment,
    "can_amend_contract": can_amend_contract,
    "can_download_document": can_download_document,
    "can_download_submission_file": can_download_submission_file,
}.items():
    rules.add_perm(f"contracts.{_name}", _predicate)
