"""Every write of supervision, one atomic service per action, by part: draws, inspections, orders, complaints.

Each service checks the actor's permission first (`core.services.require`, a coded PermissionDenied), then the
workflow (`supervision.workflows`, code `wrong_state`), then the rules: every refusal is a ValidationError with a
stable code and the params of its lazy message, keyed by the service's parameter names where a form field matches.
Rows are validated with full_clean() and saved with history naming the actor (`core.services.save`).

Complaints are filed without logging in: `complaint_file` takes no permission, only an optional client key (the
caller's IP address) for the hourly rate limit (code `rate_limited`).
"""

from supervision.services.complaints import (
    COMPLAINT_SUBJECT_MAX,
    COMPLAINT_TEXT_MAX,
    RATE_LIMIT_WINDOW,
    RATE_LIMITED,
    TRACKING_ALPHABET,
    TRACKING_CODE_LENGTH,
    complaint_attachment_max_bytes,
    complaint_attachment_max_mb,
    complaint_dismiss,
    complaint_file,
    complaint_open_order,
    complaint_rate_limit_check,
    complaint_rate_limit_take,
    complaint_start_review,
    complaint_uphold,
)
from supervision.services.draws import sample_draw_create, sample_draw_plan_inspections
from supervision.services.inspections import (
    INSPECTION_FIELDS,
    inspection_attachment_add,
    inspection_complete,
    inspection_plan,
    inspection_update,
)
from supervision.services.orders import order_answer, order_issue, order_return, order_verify

__all__ = [
    "COMPLAINT_SUBJECT_MAX",
    "COMPLAINT_TEXT_MAX",
    "INSPECTION_FIELDS",
    "RATE_LIMITED",
    "RATE_LIMIT_WINDOW",
    "TRACKING_ALPHABET",
    "TRACKING_CODE_LENGTH",
    "complaint_attachment_max_bytes",
    "complaint_attachment_max_mb",
    "complaint_dismiss",
    "complaint_file",
    "complaint_open_order",
    "complaint_rate_limit_check",
    "complaint_rate_limit_take",
    "complaint_start_review",
    "complaint_uphold",
    "inspection_attachment_add",
    "inspection_complete",
    "inspection_plan",
    "inspection_update",
    "order_answer",
    "order_issue",
    "order_return",
    "order_verify",
    "sample_draw_create",
    "sample_draw_plan_inspections",
]
