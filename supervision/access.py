"""Fetch a supervision record and check the user's right to it in one step; pages and the API both use these.

Every helper answers the same way:

- a user without the role the helper serves (official, organization member, …) gets `PermissionDenied` (403);
  anonymous users too — pages send them to the login page before calling a helper;
- a record outside the user's reach (missing, another region's, another organization's, or one the user may see but
  not act on) gets `Http404`, the same answer as one that does not exist, so nobody learns which records exist.

Files answer `Http404` to everyone who may not download them, whatever their role.

Each helper returns the record with what its page needs already loaded (the selectors' `select_related` /
`prefetch_related`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from supervision import permissions, selectors
from supervision.models import (
    Complaint,
    Inspection,
    InspectionAttachment,
    OrderResponseFile,
    RectificationOrder,
    SampleDraw,
)


def _require_role(allowed) -> None:
    if not allowed:
        raise PermissionDenied


# --- inspections ---------------------------------------------------------------------------------------------------


def access_inspection_for_view(user, pk: int) -> Inspection:
    """An inspection the user may open: supervising officials and superusers any of their region's, organization
    members their organization's completed ones (`selectors.inspection_get`).

    403 for users who are neither officials, superusers nor organization members; 404 otherwise."""
    _require_role(permissions.may_open_records(user))
    try:
        return selectors.inspection_get(pk=pk, user=user)
    except Inspection.DoesNotExist:
        raise Http404(_("没有这次监督检查。")) from None


def access_inspection_for_manage(user, pk: int) -> Inspection:
    """An inspection the official may change, complete, attach files to or issue an order from
    (`permissions.can_record_inspection`: an official whose region covers the organization).

    403 for users who are not officials; 404 for inspections outside the official's reach."""
    _require_role(permissions.may_supervise(user))
    inspection = access_inspection_for_view(user, pk)
    if not permissions.can_record_inspection(user, inspection):
        raise Http404(_("没有这次监督检查。"))
    return inspection


def access_inspection_attachment(user, pk: int, attachment_pk: int) -> InspectionAttachment:
    """A file of inspection `pk` the user may download (`permissions.can_download_inspection_attachment`); 404 for
    everyone else."""
    attachment = (
        InspectionAttachment.objects.select_related("inspection__organization__region")
        .filter(pk=attachment_pk, inspection_id=pk)
        .first()
    )
    if attachment is None or not permissions.can_download_inspection_attachment(user, attachment):
        raise Http404
    return attachment


# --- random draws --------------------------------------------------------------------------------------------------


def access_draw_for_view(user, pk: int) -> SampleDraw:
    """A draw of a region inside the official's region (superusers: any), with its entries in draw order.

    403 for users who are neither officials nor superusers; 404 for draws outside the official's region."""
    _require_role(permissions.is_official_or_superuser(user))
    try:
        return selectors.sample_draw_get(pk=pk, user=user)
    except SampleDraw.DoesNotExist:
        raise Http404(_("没有这次随机抽取。")) from None


def access_draw_for_manage(user, pk: int) -> SampleDraw:
    """A draw whose organizations the official may plan inspections for (the organizations themselves are checked by
    `services.sample_draw_plan_inspections`).

    403 for users who are not officials; 404 for draws outside the official's region."""
    _require_role(permissions.may_supervise(user))
    return access_draw_for_view(user, pk)


# --- rectification orders ------------------------------------------------------------------------------------------


def access_order_for_view(user, pk: int) -> RectificationOrder:
    """An order with its answers, decisions and files: for the officials whose region covers its organization,
    superusers, and the members of the organization that received it (`selectors.order_get`).

    403 for users who are neither officials, superusers nor organization members; 404 otherwise."""
    _require_role(permissions.may_open_records(user))
    try:
        return selectors.order_get(pk=pk, user=user)
    except RectificationOrder.DoesNotExist:
        raise Http404(_("没有这份整改通知。")) from None


def access_order_for_manage(user, pk: int) -> RectificationOrder:
    """An order the official may decide on, verifying or returning its answer (`permissions.can_decide_order`).

    403 for users who are not officials; 404 for orders outside the official's region."""
    _require_role(permissions.may_supervise(user))
    order = access_order_for_view(user, pk)
    if not permissions.can_decide_order(user, order):
        raise Http404(_("没有这份整改通知。"))
    return order


def access_order_for_answer(user, pk: int) -> RectificationOrder:
    """An order the organization member may answer: one their organization received (`permissions.can_answer_order`).

    403 for users who are not organization members; 404 for other organizations' orders."""
    _require_role(permissions.may_answer_orders(user))
    order = access_order_for_view(user, pk)
    if not permissions.can_answer_order(user, order):
        raise Http404(_("没有这份整改通知。"))
    return order


def access_order_file(user, pk: int, file_pk: int) -> OrderResponseFile:
    """An evidence file of order `pk` the user may download (`permissions.can_download_order_file`); 404 for everyone
    else."""
    stored = (
        OrderResponseFile.objects.select_related("response__order__organization__region")
        .filter(pk=file_pk, response__order_id=pk)
        .first()
    )
    if stored is None or not permissions.can_download_order_file(user, stored):
        raise Http404
    return stored


# --- complaints ----------------------------------------------------------------------------------------------------


def access_complaint_for_view(user, pk: int) -> Complaint:
    """A complaint in full (text, attachment, internal note) for its handling officials and superusers
    (`selectors.complaint_get`); whether the user also sees the contact data is
    `permissions.can_view_complaint_contact`.

    403 for users who are neither officials nor superusers; 404 for complaints outside the official's region."""
    _require_role(permissions.may_open_complaints(user))
    try:
        return selectors.complaint_get(pk=pk, user=user)
    except Complaint.DoesNotExist:
        raise Http404(_("没有这件投诉举报。")) from None


def access_complaint_for_handler(user, pk: int) -> Complaint:
    """A complaint the official may handle: start the review, decide, issue its order
    (`permissions.can_handle_complaint`: an official whose region covers the organization).

    403 for users who are not officials; 404 for complaints outside the official's region."""
    _require_role(permissions.may_supervise(user))
    complaint = access_complaint_for_view(user, pk)
    if not permissions.can_handle_complaint(user, complaint):
        raise Http404(_("没有这件投诉举报。"))
    return complaint


def access_complaint_attachment(user, pk: int) -> Complaint:
    """The complaint whose attachment the user may download (`permissions.can_download_complaint_attachment`); 404
    for everyone else and for complaints without an attachment."""
    complaint = Complaint.objects.select_related("organization__region").filter(pk=pk).first()
    if (
        complaint is None
        or not complaint.attachment
        or not permissions.can_download_complaint_attachment(user, complaint)
    ):
        raise Http404
    return complaint
