"""Fetch a purchase list, a contract or one of its parts and check the user's right to it, in one step.

Every helper answers the same way for a record that does not exist and for one the user may not reach (a draft they
may not see, another region's list or contract): `Http404`. A signed-in user without the role the action needs
(purchaser for managing, organization member for submitting) gets `PermissionDenied` (403) before anything is
fetched. Anonymous users are the caller's business (pages send them to the login page, the API answers 401).

Pages and the API use the same helpers; the keys are what their URLs carry: a list's pk, a contract's number, a
part's pk (optionally with the contract number, which must then match).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_org_member, is_purchaser, is_superuser
from contracts import selectors
from contracts.models import (
    Contract,
    ContractDocument,
    Deliverable,
    PurchaseItem,
    PurchaseList,
    Submission,
    SubmissionFile,
)
from contracts.permissions import (
    can_decide_submission,
    can_download_document,
    can_download_submission_file,
    can_edit_purchase_list,
    can_manage_contract,
    can_submit_deliverable,
    can_view_contract,
)

__all__ = [
    "access_contract_for_manage",
    "access_contract_for_view",
    "access_deliverable_for_manage",
    "access_deliverable_for_submission",
    "access_document_for_download",
    "access_document_for_manage",
    "access_purchase_item_for_manage",
    "access_purchase_list_for_manage",
    "access_purchase_list_for_view",
    "access_submission_file_for_download",
    "access_submission_for_decision",
    "require_org_member",
    "require_purchaser",
]


# ---- roles -----------------------------------------------------------------------------------------------------


def require_purchaser(user) -> None:
    """PermissionDenied (403) unless the user is a purchaser or a superuser."""
    if not (is_superuser(user) or is_purchaser(user)):
        raise PermissionDenied


def require_org_member(user) -> None:
    """PermissionDenied (403) unless the user is a member of an organization."""
    if not is_org_member(user):
        raise PermissionDenied


def _one(queryset: QuerySet, allowed: Callable[[Any], bool], **lookups):
    """The row matching `lookups` (None values are left out) that `allowed(row)` admits; Http404 for a missing row
    and for one the user may not reach alike."""
    row = queryset.filter(**{name: value for name, value in lookups.items() if value is not None}).first()
    if row is None or not allowed(row):
        raise Http404
    return row


# ---- purchase lists --------------------------------------------------------------------------------------------


def access_purchase_list_for_view(user, pk: int) -> PurchaseList:
    """A list the user may see (published or withdrawn; drafts of a purchaser's region), with its annotated items
    in `item_rows` (selectors.purchase_list_get). Http404 when missing or not visible."""
    try:
        return selectors.purchase_list_get(pk=pk, user=user)
    except PurchaseList.DoesNotExist:
        raise Http404(_("没有这份购买服务目录。")) from None


def access_purchase_list_for_manage(user, pk: int) -> PurchaseList:
    """A list the purchaser may edit: 403 without the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    purchase_list = access_purchase_list_for_view(user, pk)
    if not can_edit_purchase_list(user, purchase_list):
        raise Http404
    return purchase_list


def access_purchase_item_for_manage(user, item_pk: int, *, list_pk: int | None = None) -> PurchaseItem:
    """An item of a list the purchaser may edit (of list `list_pk` when given), with its list loaded: 403 without
    the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    items = PurchaseItem.objects.select_related("purchase_list__department__region", "purchase_list__region")

    def editable(item) -> bool:
        return can_edit_purchase_list(user, item.purchase_list)

    return _one(items, editable, pk=item_pk, purchase_list_id=list_pk)


# ---- contracts -------------------------------------------------------------------------------------------------


def access_contract_for_view(user, number: str) -> Contract:
    """A contract the user may see (signed and later; drafts of a purchaser's region), with everything its page
    shows (selectors.contract_get_by_number). Http404 when missing or not visible."""
    try:
        return selectors.contract_get_by_number(number=number, user=user)
    except Contract.DoesNotExist:
        raise Http404(_("没有编号为 %(number)s 的合同。") % {"number": number}) from None


def access_contract_for_manage(user, number: str) -> Contract:
    """A contract the purchaser may manage: 403 without the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    contract = access_contract_for_view(user, number)
    if not can_manage_contract(user, contract):
        raise Http404
    return contract


def _managed_by(user) -> Callable[[Any], bool]:
    """Whether the user manages the contract of a part (a deliverable, a document)."""
    return lambda part: can_manage_contract(user, part.contract)


def _contract_part(model, path: str):
    """`model` rows with their contract (reached through `path`) and what the permission predicates read."""
    return model.objects.select_related(f"{path}__department__region", f"{path}__organization")


def access_deliverable_for_manage(user, deliverable_pk: int, *, number: str | None = None) -> Deliverable:
    """A deliverable of a contract the purchaser may manage (of contract `number` when given), with its contract:
    403 without the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    deliverables = _contract_part(Deliverable, "contract")
    return _one(deliverables, _managed_by(user), pk=deliverable_pk, contract__number=number)


def access_deliverable_for_submission(user, deliverable_pk: int, *, number: str | None = None) -> Deliverable:
    """A deliverable the member's organization owes on a contract the member may see (of contract `number` when
    given), annotated with `is_overdue_now` and its submissions prefetched: 403 for a user who is no organization
    member, 404 when missing, not visible or owed by another organization."""
    require_org_member(user)
    deliverables = selectors.annotate_overdue(_contract_part(Deliverable, "contract")).prefetch_related("submissions")

    def allowed(deliverable) -> bool:
        return can_view_contract(user, deliverable.contract) and can_submit_deliverable(user, deliverable)

    return _one(deliverables, allowed, pk=deliverable_pk, contract__number=number)


def access_submission_for_decision(user, submission_pk: int, *, number: str | None = None) -> Submission:
    """A submission the purchaser may accept or return (of contract `number` when given), with its deliverable,
    contract and files: 403 without the role, 404 when missing or outside the user's region."""
    require_purchaser(user)
    submissions = (
        _contract_part(Submission, "deliverable__contract").select_related("submitted_by").prefetch_related("files")
    )
    allowed = partial(can_decide_submission, user)
    return _one(submissions, allowed, pk=submission_pk, deliverable__contract__number=number)


def access_document_for_manage(user, document_pk: int, *, number: str | None = None) -> ContractDocument:
    """A document of a contract the purchaser may manage (of contract `number` when given): 403 without the role,
    404 when missing or outside the user's region."""
    require_purchaser(user)
    documents = _contract_part(ContractDocument, "contract")
    return _one(documents, _managed_by(user), pk=document_pk, contract__number=number)


def access_document_for_download(user, document_pk: int, *, number: str | None = None) -> ContractDocument:
    """A document the user may download (a public document of a signed contract, or any for the contract's
    insiders). Http404 for everyone else, signed in or not."""
    documents = _contract_part(ContractDocument, "contract")
    return _one(documents, partial(can_download_document, user), pk=document_pk, contract__number=number)


def access_submission_file_for_download(user, file_pk: int, *, number: str | None = None) -> SubmissionFile:
    """A file of evidence the user may download (the contract's insiders only). Http404 for everyone else."""
    files = _contract_part(SubmissionFile, "submission__deliverable__contract")
    allowed = partial(can_download_submission_file, user)
    return _one(files, allowed, pk=file_pk, submission__deliverable__contract__number=number)
