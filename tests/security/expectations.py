"""What every URL answers to whom: the declared expectations of the URL × principal audit (tests/security).

Every route the resolver knows is either declared in EXPECTATIONS (with the records its URL names, who may read it and
whose writes get past its permission check) or listed in UNAUDITED with the reason. A new route with neither makes
test_every_route_is_declared fail: add a line here when you add a page.

`read`: the principals whose GET is answered (2xx, or a redirect elsewhere than the login page); everybody else must
be sent to log in or refused (401, 403, 404, 405). `post`: the principals whose POST gets past the permission check (a
form with errors, a redirect, 2xx or 400); everybody else is refused and nothing in the database changes. Downloads
and a few read-only pages answer POST as they answer GET (they write nothing): their `post` is their `read`. On API
routes `patch` says the same of PATCH, and DELETE is refused to everyone.

The records each route names are the world's (tests/security/world.py): the organization, its performing contract
and the draft contract of the same department, the published and the draft purchase list, a running evaluation with an
accepted assignment, a planned inspection, an open order, a complaint, a random draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from tests.security.world import PRINCIPALS, World

ALL = frozenset(PRINCIPALS)
SIGNED_IN = ALL - {"anonymous"}
NOBODY = frozenset()
OFFICIALS = frozenset(
    {"registrar_in", "registrar_out", "registrar_province", "purchaser_in", "purchaser_dept", "purchaser_out"}
)
REGISTRARS = frozenset({"registrar_in", "registrar_out", "registrar_province"})
PURCHASERS = frozenset({"purchaser_in", "purchaser_dept", "purchaser_out"})
MEMBERS = frozenset({"member_in", "member_out"})
EVALUATORS = frozenset({"evaluator_in", "evaluator_out"})
IN_REGION = frozenset({"registrar_in", "registrar_province", "purchaser_in", "purchaser_dept"})
SUPER = frozenset({"superuser"})
REGISTRARS_IN = frozenset({"registrar_in", "registrar_province"})
MEMBER_IN = frozenset({"member_in"})
# The purchasers of the records' own department (and superusers): the only ones who act on its lists and contracts.
DEPARTMENT = frozenset({"superuser", "purchaser_in"})
# The evaluator pool's keepers: the registrars of the province (and superusers).
POOL_KEEPERS = frozenset({"superuser", "registrar_province"})
# A contract's insiders: its department's purchasers, its organization's members, its accepted evaluators.
INSIDERS = frozenset({"superuser", "purchaser_in", "member_in", "evaluator_in"})


def _(*names: str) -> frozenset:
    unknown = set(names) - ALL
    assert not unknown, unknown
    return frozenset(names)


@dataclass(frozen=True)
class Expect:
    args: Callable[[World], dict]
    read: frozenset
    post: frozenset = NOBODY
    patch: frozenset = NOBODY  # API detail routes: PATCH (DELETE is refused to everyone)


NONE = lambda w: {}  # noqa: E731


def org(w):
    return {"uscc": w.organization.uscc}


def contract(w):
    return {"number": w.contract.number}


def draft(w):
    return {"number": w.draft_contract.number}


def pk(record: str) -> Callable[[World], dict]:
    return lambda w: {"pk": w.records[record].pk}


def assignment(w):
    return {"pk": w.evaluation.pk, "assignment_pk": w.assignment.pk}


def indicator(w):
    return {"pk": w.indicator_set.pk, "indicator_pk": w.indicator.pk}


def draft_item(w):
    return {"pk": w.draft_list.pk, "item_pk": w.draft_item.pk}


def reverse_for(name: str, world: World) -> str:
    return reverse(name, kwargs=EXPECTATIONS[name].args(world))


ROUTES = {
    "portal:home": (NONE, ALL, NOBODY),
    "portal:workspace": (NONE, SIGNED_IN, NOBODY),
    "set_language": (NONE, ALL, ALL),
    "accounts:login": (NONE, ALL, ALL),
    "accounts:password-change": (NONE, SIGNED_IN, SIGNED_IN),
    "accounts:password-change-done": (NONE, SIGNED_IN, NOBODY),
    "registry:organization-list": (NONE, ALL, NOBODY),
    "registry:organization-create": (NONE, SUPER | REGISTRARS, SUPER | REGISTRARS),
    "registry:organization-detail": (org, ALL, NOBODY),
    "registry:organization-report": (org, ALL, ALL),
    "registry:organization-edit": (
        org,
        SUPER | REGISTRARS_IN | MEMBER_IN,
        SUPER | REGISTRARS_IN | MEMBER_IN,
    ),
    "registry:organization-rename": (
        org,
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "registry:organization-status": (
        org,
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "registry:inspection-create": (
        org,
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "registry:rating-create": (
        org,
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "registry:listing-create": (
        org,
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "registry:listing-remove": (
        lambda w: {**org(w), "pk": w.listing.pk},
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "evaluations:evaluation-list": (NONE, ALL, NOBODY),
    "evaluations:evaluation-detail": (pk("evaluation"), INSIDERS, NOBODY),
    "evaluations:evaluation-report": (pk("evaluation"), NOBODY, NOBODY),
    "evaluations:evaluation-results-export": (pk("evaluation"), NOBODY, NOBODY),
    "evaluations:assignment-scores": (
        assignment,
        _("evaluator_in"),
        NOBODY,
    ),
    "evaluations:evaluation-manage": (NONE, SUPER | PURCHASERS, NOBODY),
    "evaluations:evaluation-create": (NONE, SUPER | PURCHASERS, SUPER | PURCHASERS),
    "evaluations:evaluation-edit": (pk("evaluation"), DEPARTMENT, DEPARTMENT),
    "evaluations:evaluation-delete": (pk("evaluation"), DEPARTMENT, DEPARTMENT),
    "evaluations:assignment-invite": (pk("evaluation"), DEPARTMENT, DEPARTMENT),
    "evaluations:evaluation-start": (pk("evaluation"), DEPARTMENT, DEPARTMENT),
    "evaluations:evaluation-finalize": (
        pk("evaluation"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "evaluations:payment-decision": (pk("evaluation"), DEPARTMENT, DEPARTMENT),
    "evaluations:assignment-withdraw": (
        assignment,
        DEPARTMENT,
        DEPARTMENT,
    ),
    "evaluations:indicator-set-list": (NONE, SUPER | OFFICIALS, NOBODY),
    "evaluations:indicator-set-create": (NONE, SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-import": (NONE, SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-detail": (pk("indicator_set"), SUPER | OFFICIALS, NOBODY),
    "evaluations:indicator-set-edit": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-delete": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-activate": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-reopen": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-new-version": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-set-export": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-create": (pk("indicator_set"), SUPER | OFFICIALS, SUPER | OFFICIALS),
    "evaluations:indicator-edit": (
        indicator,
        SUPER | OFFICIALS,
        SUPER | OFFICIALS,
    ),
    "evaluations:indicator-remove": (
        indicator,
        SUPER | OFFICIALS,
        SUPER | OFFICIALS,
    ),
    "evaluations:evaluator-pool": (NONE, SUPER | OFFICIALS, NOBODY),
    "evaluations:evaluator-profile-create": (
        NONE,
        POOL_KEEPERS,
        POOL_KEEPERS,
    ),
    "evaluations:evaluator-profile-edit": (
        pk("profile"),
        POOL_KEEPERS | _("evaluator_in"),
        POOL_KEEPERS | _("evaluator_in"),
    ),
    "evaluations:evaluator-profile-active": (
        pk("profile"),
        POOL_KEEPERS,
        POOL_KEEPERS,
    ),
    "evaluations:task-list": (NONE, _("evaluator_in", "evaluator_out"), NOBODY),
    "evaluations:task-detail": (pk("assignment"), _("evaluator_in"), NOBODY),
    "evaluations:task-accept": (pk("assignment"), NOBODY, _("evaluator_in")),
    "evaluations:task-conflict": (pk("assignment"), NOBODY, _("evaluator_in")),
    "evaluations:task-decline": (pk("assignment"), NOBODY, _("evaluator_in")),
    "evaluations:task-score": (pk("assignment"), NOBODY, _("evaluator_in")),
    "evaluations:task-total": (pk("assignment"), NOBODY, _("evaluator_in")),
    "contract-ocds": (contract, ALL, NOBODY),
    "contracts:purchase-list-list": (NONE, ALL, NOBODY),
    "contracts:purchase-list-create": (NONE, SUPER | PURCHASERS, SUPER | PURCHASERS),
    "contracts:purchase-list-detail": (pk("draft_list"), DEPARTMENT, NOBODY),
    "contracts:purchase-list-pdf": (pk("draft_list"), NOBODY, NOBODY),
    "contracts:purchase-list-edit": (pk("draft_list"), DEPARTMENT, DEPARTMENT),
    "contracts:purchase-list-delete": (
        pk("draft_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-list-publish": (
        pk("draft_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-list-withdraw": (
        pk("published_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-list-revise": (
        pk("published_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-item-create": (
        pk("draft_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-item-import": (
        pk("draft_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-item-export": (
        pk("draft_list"),
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-item-edit": (
        draft_item,
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:purchase-item-remove": (
        draft_item,
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:contract-list": (NONE, ALL, NOBODY),
    "contracts:contract-manage": (NONE, SUPER | PURCHASERS, NOBODY),
    "contracts:contract-mine": (NONE, MEMBERS, NOBODY),
    "contracts:contract-create": (NONE, SUPER | PURCHASERS, SUPER | PURCHASERS),
    "contracts:contract-detail": (contract, ALL, NOBODY),
    "contracts:contract-summary-pdf": (draft, DEPARTMENT, DEPARTMENT),
    "contracts:contract-edit": (draft, DEPARTMENT, DEPARTMENT),
    "contracts:contract-delete": (draft, DEPARTMENT, DEPARTMENT),
    "contracts:contract-sign": (draft, DEPARTMENT, DEPARTMENT),
    "contracts:contract-start": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:contract-complete": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:contract-terminate": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:contract-amend": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:payment-create": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:deliverable-create": (draft, DEPARTMENT, DEPARTMENT),
    "contracts:deliverable-edit": (
        lambda w: {**draft(w), "pk": w.draft_deliverable.pk},
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:deliverable-remove": (
        lambda w: {**draft(w), "pk": w.draft_deliverable.pk},
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:submission-create": (lambda w: {**contract(w), "pk": w.deliverable.pk}, _("member_in"), _("member_in")),
    "contracts:submission-decide": (
        lambda w: {**contract(w), "pk": w.submission.pk},
        DEPARTMENT,
        DEPARTMENT,
    ),
    "contracts:submission-file": (lambda w: {**contract(w), "pk": w.submission_file.pk}, INSIDERS, INSIDERS),
    "contracts:document-create": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:document-download": (lambda w: {**contract(w), "pk": w.document.pk}, INSIDERS, INSIDERS),
    "contracts:document-visibility": (
        lambda w: {**contract(w), "pk": w.document.pk},
        NOBODY,
        DEPARTMENT,
    ),
    "contracts:document-remove": (
        lambda w: {**contract(w), "pk": w.document.pk},
        DEPARTMENT,
        DEPARTMENT,
    ),
    "supervision:complaint-create": (NONE, ALL, ALL),
    "supervision:complaint-filed": (NONE, ALL, NOBODY),
    "supervision:complaint-track": (NONE, ALL, NOBODY),
    "supervision:organization-suggestions": (NONE, ALL, ALL),
    "supervision:credit-listings": (NONE, ALL, NOBODY),
    "supervision:inspection-list": (NONE, SUPER | OFFICIALS, NOBODY),
    "supervision:inspection-create": (NONE, OFFICIALS, NOBODY),
    "supervision:inspection-detail": (pk("inspection"), SUPER | IN_REGION, NOBODY),
    "supervision:inspection-edit": (pk("inspection"), IN_REGION, IN_REGION),
    "supervision:inspection-complete": (pk("inspection"), IN_REGION, IN_REGION),
    "supervision:inspection-attachment-create": (pk("inspection"), IN_REGION, IN_REGION),
    "supervision:inspection-attachment": (
        lambda w: {"pk": w.inspection.pk, "attachment_pk": w.attachment.pk},
        SUPER | IN_REGION,
        SUPER | IN_REGION,
    ),
    "supervision:inspection-order": (pk("inspection"), IN_REGION, IN_REGION),
    "supervision:draw-list": (NONE, SUPER | OFFICIALS, NOBODY),
    "supervision:draw-create": (NONE, REGISTRARS, REGISTRARS),
    "supervision:draw-preview": (NONE, REGISTRARS, REGISTRARS),
    "supervision:draw-detail": (pk("draw"), SUPER | IN_REGION, NOBODY),
    "supervision:draw-population": (pk("draw"), SUPER | IN_REGION, SUPER | IN_REGION),
    "supervision:draw-plan": (pk("draw"), IN_REGION, IN_REGION),
    "supervision:order-list": (NONE, SUPER | OFFICIALS, NOBODY),
    "supervision:my-orders": (NONE, MEMBERS, NOBODY),
    "supervision:order-create": (NONE, OFFICIALS, NOBODY),
    "supervision:order-detail": (
        pk("order"),
        SUPER | IN_REGION | MEMBER_IN,
        NOBODY,
    ),
    "supervision:order-answer": (pk("order"), _("member_in"), _("member_in")),
    "supervision:order-decide": (pk("order"), IN_REGION, IN_REGION),
    "supervision:order-file": (
        lambda w: {"pk": w.order.pk, "file_pk": w.order_file.pk},
        SUPER | IN_REGION | MEMBER_IN,
        SUPER | IN_REGION | MEMBER_IN,
    ),
    "supervision:listings-removable": (NONE, SUPER | REGISTRARS, NOBODY),
    "supervision:complaint-queue": (NONE, SUPER | OFFICIALS, NOBODY),
    "supervision:complaint-detail": (pk("complaint"), SUPER | IN_REGION, NOBODY),
    "supervision:complaint-review": (pk("complaint"), IN_REGION, IN_REGION),
    "supervision:complaint-decide": (pk("complaint"), IN_REGION, IN_REGION),
    "supervision:complaint-order": (pk("complaint"), IN_REGION, IN_REGION),
    "supervision:complaint-attachment": (pk("complaint"), SUPER | IN_REGION, SUPER | IN_REGION),
    "api:organization-list": (NONE, ALL, SUPER | REGISTRARS),
    "api:organization-detail": (org, ALL, NOBODY),
    "api:credit-listing-list": (NONE, ALL, SUPER | REGISTRARS),
    "api:credit-listing-detail": (pk("listing"), ALL, NOBODY),
    "api:credit-listing-remove": (pk("listing"), NOBODY, SUPER | REGISTRARS_IN),
    "api:purchase-list-list": (NONE, ALL, SUPER | PURCHASERS),
    "api:purchase-list-detail": (pk("draft_list"), DEPARTMENT, NOBODY),
    "api:purchase-list-items": (pk("draft_list"), NOBODY, DEPARTMENT),
    "api:purchase-list-publish": (pk("draft_list"), NOBODY, DEPARTMENT),
    "api:contract-list": (NONE, ALL, SUPER | PURCHASERS),
    "api:contract-detail": (draft, DEPARTMENT, NOBODY),
    "api:contract-deliverables": (draft, NOBODY, DEPARTMENT),
    "api:contract-payments": (contract, NOBODY, DEPARTMENT),
    "api:contract-sign": (draft, NOBODY, DEPARTMENT),
    "api:deliverable-detail": (pk("draft_deliverable"), DEPARTMENT, NOBODY),
    "api:deliverable-accept": (pk("deliverable"), NOBODY, DEPARTMENT),
    "api:deliverable-return": (pk("deliverable"), NOBODY, DEPARTMENT),
    "api:evaluation-list": (NONE, ALL, NOBODY),
    "api:evaluation-detail": (pk("evaluation"), NOBODY, NOBODY),
    "api:complaint-list": (NONE, NOBODY, ALL),  # anyone files a complaint
    "api:complaint-detail": (lambda w: {"tracking_code": w.complaint.tracking_code}, ALL, NOBODY),
    "api:api-root": (NONE, ALL, NOBODY),
    "api:ocds-releases": (NONE, ALL, NOBODY),
    "api:token": (NONE, NOBODY, ALL),  # anyone asks for a token with a password
    "api:schema": (NONE, ALL, NOBODY),
    "api:docs": (NONE, ALL, NOBODY),
    "api:redoc": (NONE, ALL, NOBODY),
    "exports:list": (NONE, SUPER | OFFICIALS, SUPER | OFFICIALS),
    "exports:download": (pk("export"), NOBODY, NOBODY),
    "evaluations:evaluation-list-export": (NONE, ALL, ALL),
    "api:me-notification-read": (pk("notification"), NOBODY, MEMBER_IN),  # the recipient only
    "api:me-notifications": (NONE, SIGNED_IN, NOBODY),
    "api:me-notifications-read-all": (NONE, NOBODY, SIGNED_IN),
    "api:me-todo": (NONE, SIGNED_IN, NOBODY),
    "api:penalty-detail": (pk("penalty"), ALL, NOBODY),
    "api:penalty-list": (NONE, ALL, SUPER | REGISTRARS),
    "api:statistics": (NONE, ALL, NOBODY),
    "notifications:list": (NONE, SIGNED_IN, NOBODY),
    "notifications:open": (pk("notification"), MEMBER_IN, NOBODY),
    "notifications:read": (pk("notification"), NOBODY, MEMBER_IN),
    "notifications:read-all": (NONE, NOBODY, SIGNED_IN),
    "notifications:settings": (NONE, SIGNED_IN, SIGNED_IN),  # each their own
    "portal:todo": (NONE, SIGNED_IN, NOBODY),
    "portal:todo-kind": (lambda w: {"key": "contracts.submissions"}, SUPER | PURCHASERS, NOBODY),
    "registry:penalty-create": (org, SUPER | REGISTRARS_IN, SUPER | REGISTRARS_IN),
    "registry:penalty-status": (lambda w: {**org(w), "pk": w.penalty.pk}, SUPER | REGISTRARS_IN, SUPER | REGISTRARS_IN),
    "portal:official-dashboard": (NONE, SUPER | OFFICIALS, NOBODY),
    "registry:annual-report-create": (org, SUPER | REGISTRARS_IN | MEMBER_IN, SUPER | REGISTRARS_IN | MEMBER_IN),
    "registry:annual-report-review": (
        lambda w: {**org(w), "year": timezone.localdate().year - 1},
        SUPER | REGISTRARS_IN,
        SUPER | REGISTRARS_IN,
    ),
    "stats:annual-report": (NONE, ALL, NOBODY),
    "stats:overview": (NONE, ALL, NOBODY),
    "stats:quality": (NONE, OFFICIALS, NOBODY),
    "accounts:tokens": (NONE, SIGNED_IN, SIGNED_IN),  # each their own token,
    "api:ocds-dump": (NONE, NOBODY, SUPER | OFFICIALS),  # no dump built in the world (404); officials rebuild it,
    "api:ocds-extension": (lambda w: {"name": "extension.json"}, ALL, NOBODY),
    "api:ocds-records": (NONE, ALL, NOBODY),
    "api:search": (NONE, ALL, NOBODY),
    "contracts:contract-docx": (contract, DEPARTMENT, DEPARTMENT),
    "contracts:contract-pdf": (contract, ALL, ALL),
    "contracts:contract-template": (NONE, ALL, ALL),
    "contracts:contract-template-edit": (NONE, POOL_KEEPERS, POOL_KEEPERS),  # the province's registrars,
    "contracts:contract-template-version": (lambda w: {"version": 1}, ALL, ALL),
    "portal:search": (NONE, ALL, NOBODY),
    "registry:organization-import": (NONE, SUPER | REGISTRARS, SUPER | REGISTRARS),
    "registry:organization-import-template": (NONE, SUPER | REGISTRARS, SUPER | REGISTRARS),
    "registry:organization-suggestions": (NONE, ALL, ALL),
    "registry:region-suggestions": (NONE, ALL, ALL),
    "registry:department-suggestions": (NONE, ALL, ALL),
    "supervision:complaint-accept": (pk("complaint"), IN_REGION, IN_REGION),
    "supervision:complaint-not-accept": (pk("complaint"), IN_REGION, IN_REGION),
    "verification:verify": (NONE, ALL, ALL),
}

EXPECTATIONS = {name: Expect(*spec) for name, spec in ROUTES.items()}
EXPECTATIONS["api:organization-detail"] = Expect(org, ALL, NOBODY, patch=SUPER | REGISTRARS_IN | MEMBER_IN)
ARGS = {name: spec.args for name, spec in EXPECTATIONS.items()}

# Routes outside the matrix, each with the reason (matched on the start of the route's pattern or name).
UNAUDITED = {
    "admin:": "the Django admin: test_admin_is_for_staff checks every model's list; the apps' admin tests the rest",
    "admin/": "the admin's own redirects and catch-all (same as above)",
    "robots.txt": "a static text file",
    "^media/": "uploaded files served by the development server only (DEBUG); production serves none of them",
    "accounts:logout": "ends the session (POST); GET is refused: test_logout_refuses_get",
    "api:ocds-dump-file": "a file of the built OCDS dump (public data; none exists in the audit's world): "
    "tests/api/test_ocds_dump.py",
    "verification:document": "an issued document's public verification page (none is issued in the audit's world): "
    "tests/verification/test_issued_documents.py",
}
