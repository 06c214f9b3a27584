"""Every write to the registry: registration, changes, status, annual inspections, ratings, credit lists,
administrative penalties and annual work reports.

Each service checks the actor's permission first (registry.permissions), then the rules of the domain
(registry.services.rules, shared with the import) and the model (`full_clean()`), and saves with simple-history
recording who acted and why. Every refusal carries a stable code and the params of its lazy message
(core.services): a broken rule is a ValidationError keyed by the service's parameter names, so a form shows each
message next to its field; missing rights are a PermissionDenied (`permission_denied`, or a specific code).

`actor=None` stands for an automated process (for instance supervision's escalation of an overdue rectification order
to the activity-abnormal list). It is accepted only where the service names the deciding authority explicitly
(registration, rating, credit listing and removal); the permission check is skipped, the history row carries no
user, and its change reason says that the system acted.

Codes: `actor_required`, `not_registrar`, `region_not_covered`, `contact_fields_only`, `permission_denied`; `required`,
`uscc_taken` and the codes of registry.uscc on `uscc`, `not_civil_affairs`, `authority_region`, `foundation_authority`,
`date_in_future`, `before_establishment`, `negative`, `unknown_status`, `status_unchanged`, `name_unchanged`,
`before_previous`, `year_recorded`, `decided_too_early`, `not_active`, `authority_required`, `already_listed`,
`listing_overlap`, `already_removed`, `before_listing`; penalties: `duplicate_decision_number`, `fine_without_amount`,
`amount_not_allowed`, `before_decision`, `wrong_state`; annual reports: `year_not_over`, `year_reported`,
`part_exceeds_total`, `comments_required`.
"""

from registry.services.annual_reports import annual_report_review, annual_report_submit
from registry.services.credit import credit_listing_add, credit_listing_remove
from registry.services.organizations import (
    CONTACT_FIELDS,
    REGISTRATION_FIELDS,
    organization_change_status,
    organization_register,
    organization_rename,
    organization_update,
)
from registry.services.penalties import penalty_change_status, penalty_record
from registry.services.records import inspection_record, rating_award

__all__ = [
    "annual_report_review",
    "annual_report_submit",
    "CONTACT_FIELDS",
    "REGISTRATION_FIELDS",
    "credit_listing_add",
    "credit_listing_remove",
    "inspection_record",
    "organization_change_status",
    "organization_register",
    "organization_rename",
    "organization_update",
    "penalty_change_status",
    "penalty_record",
    "rating_award",
]
