"""Who may do what in supervision: `rules` predicates built from accounts.permissions.

Supervision is done by the officials (registrars and purchasers) whose region covers the organization concerned; the
organization's members answer the orders it receives; anyone may file a complaint. Complainants' contact data is seen
only by the officials handling the complaint: the registrars of its region and the official it is assigned to.
Predicates answer *who*; which status allows an action is supervision/workflows.py's question, and the rules live in
supervision/services/.

The role predicates at the top decide who may open the supervision pages at all (a signed-in user without the role
gets 403); the record predicates below them decide who may see or act on one record (404 for everyone else, see
supervision/access.py).
"""

from __future__ import annotations

import rules

from accounts.permissions import (
    is_member_of,
    is_official,
    is_org_member,
    is_registrar,
    is_superuser,
    official_in_region,
    user_covers_region,
)

# --- roles: who may open which pages -------------------------------------------------------------------------------

# The officials' lists (inspections, draws, orders of the region) and the records they lead to; superusers read them.
is_official_or_superuser = rules.predicate(is_superuser | is_official, name="is_official_or_superuser")
# Inspection and order records: officials and superusers, and organization members (each their own organization's).
may_open_records = rules.predicate(is_official_or_superuser | is_org_member, name="may_open_records")
# Who plans inspections and issues orders (the organization itself is checked by can_plan_inspection / can_issue_order).
may_supervise = rules.predicate(is_official, name="may_supervise")
# Random draws are made by registrars (登记管理机关).
may_draw_samples = rules.predicate(is_registrar, name="may_draw_samples")
# The listings that verified orders would allow removing: registrars and superusers.
may_review_listings = rules.predicate(is_superuser | is_registrar, name="may_review_listings")
# Organization members answer their organization's orders.
may_answer_orders = rules.predicate(is_org_member, name="may_answer_orders")


def _organization_of(obj):
    """The organization `obj` is about: an Organization itself, or `obj.organization`."""
    if obj is None:
        return None
    if obj.__class__.__name__ == "Organization":
        return obj
    return getattr(obj, "organization", None)


@rules.predicate
def supervises(user, obj) -> bool:
    """A registrar or purchaser whose region covers the organization (obj: Organization or anything with one)."""
    organization = _organization_of(obj)
    return organization is not None and bool(official_in_region(user, organization))


@rules.predicate
def can_open_organization_records(user, organization) -> bool:
    """Whoever may open an organization's inspections and orders: its supervising officials, its members and
    superusers."""
    return bool(is_superuser(user) or supervises(user, organization) or is_member_of(user, organization))


@rules.predicate
def can_draw_sample(user, region) -> bool:
    """Random inspections of social organizations are drawn by the registrars (登记管理机关) covering the region."""
    return region is not None and bool(is_registrar(user)) and user_covers_region(user, region)


@rules.predicate
def can_view_sample_draw(user, draw) -> bool:
    if draw is None:
        return False
    return bool(is_superuser(user) or (is_official(user) and user_covers_region(user, draw.region)))


can_plan_inspection = supervises


@rules.predicate
def can_record_inspection(user, inspection) -> bool:
    return inspection is not None and supervises(user, inspection.organization)


@rules.predicate
def can_view_inspection(user, inspection) -> bool:
    """Supervising officials and superusers; the organization's members once the inspection is completed (a planned
    random inspection is not announced in advance)."""
    if inspection is None:
        return False
    if is_superuser(user) or supervises(user, inspection.organization):
        return True
    return inspection.is_completed and is_member_of(user, inspection.organization)


can_issue_order = supervises


@rules.predicate
def can_decide_order(user, order) -> bool:
    return order is not None and supervises(user, order.organization)


@rules.predicate
def can_answer_order(user, order) -> bool:
    return order is not None and is_member_of(user, order.organization)


@rules.predicate
def can_view_order(user, order) -> bool:
    """The full order with answers and evidence: supervising officials, superusers and the organization's members."""
    if order is None:
        return False
    return bool(is_superuser(user) or supervises(user, order.organization) or is_member_of(user, order.organization))


@rules.predicate
def can_download_order_file(user, response_file) -> bool:
    return response_file is not None and can_view_order(user, response_file.response.order)


@rules.predicate
def can_download_inspection_attachment(user, attachment) -> bool:
    return attachment is not None and can_view_inspection(user, attachment.inspection)


@rules.predicate
def can_view_complaint_queue(user) -> bool:
    return bool(is_official(user))


# The complaint queue and the complaints in it: the officials, and superusers (who read every complaint).
may_open_complaints = rules.predicate(is_superuser | can_view_complaint_queue, name="may_open_complaints")


@rules.predicate
def can_handle_complaint(user, complaint) -> bool:
    return complaint is not None and supervises(user, complaint.organization)


@rules.predicate
def can_view_complaint(user, complaint) -> bool:
    """The full complaint (text, attachment, internal note): handling officials and superusers."""
    return complaint is not None and bool(is_superuser(user) or can_handle_complaint(user, complaint))


@rules.predicate
def can_view_complaint_contact(user, complaint) -> bool:
    """The complainant's name, phone and e-mail: only the officials handling the complaint — the registrars
    (登记管理机关) whose region covers the organization, and the official it is assigned to (its handler). Other
    officials of the region (the purchaser whose contractor is complained about among them) and superusers see the
    complaint without the person."""
    if complaint is None or not getattr(user, "is_authenticated", False):
        return False
    if complaint.handler_id is not None and complaint.handler_id == user.pk and can_handle_complaint(user, complaint):
        return True
    return bool(is_registrar(user) and supervises(user, complaint.organization))


@rules.predicate
def can_download_complaint_attachment(user, complaint) -> bool:
    return complaint is not None and bool(can_view_complaint(user, complaint))


@rules.predicate
def can_file_complaint(user) -> bool:
    """Anyone, signed in or not, may file a complaint."""
    return True


for _name, _predicate in {
    "is_official_or_superuser": is_official_or_superuser,
    "may_open_records": may_open_records,
    "may_supervise": may_supervise,
    "may_draw_samples": may_draw_samples,
    "may_review_listings": may_review_listings,
    "may_answer_orders": may_answer_orders,
    "may_open_complaints": may_open_complaints,
    "supervises": supervises,
    "can_open_organization_records": can_open_organization_records,
    "can_draw_sample": can_draw_sample,
    "can_view_sample_draw": can_view_sample_draw,
    "can_plan_inspection": can_plan_inspection,
    "can_record_inspection": can_record_inspection,
    "can_view_inspection": can_view_inspection,
    "can_issue_order": can_issue_order,
    "can_decide_order": can_decide_order,
    "can_answer_order": can_answer_order,
    "can_view_order": can_view_order,
    "can_download_order_file": can_download_order_file,
    "can_download_inspection_attachment": can_download_inspection_attachment,
    "can_view_complaint_queue": can_view_complaint_queue,
    "can_handle_complaint": can_handle_complaint,
    "can_view_complaint": can_view_complaint,
    "can_view_complaint_contact": can_view_complaint_contact,
    "can_download_complaint_attachment": can_download_complaint_attachment,
    "can_file_complaint": can_file_complaint,
}.items():
    rules.add_perm(f"supervision.{_name}", _predicate)
    # Django's has_perm answers True for every superuser; `{% test_rule "supervision.<name>" user obj %}` and
    # rules.test_rule ask the predicate itself (needed for the complainant's contact data).
    rules.add_rule(f"supervision.{_name}", _predicate)
