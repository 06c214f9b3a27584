"""Every write to indicator sets, the evaluator pool, evaluations, assignments and scores.

Each service is atomic and checks, in this order: the actor's permission (`require`, a coded PermissionDenied), the
transition in `evaluations.workflows` (`wrong_state`), then the rules (`refuse`, a ValidationError with a code and
the params of its lazy message); rows are validated with full_clean() and saved with history naming the actor.

A finalized evaluation is a public record and never changes: every service touching an evaluation, its assignments
or its scores re-reads the evaluation and refuses once it is finalized (`evaluation_finalized`).

Concurrency: `evaluation_finalize` locks the evaluation row, then every assignment of it (select_for_update, in id
order), and decides on what it reads under those locks. `score_save_draft` and `assignment_submit` lock the
assignment row and only then read the evaluation's status. So a submission racing a finalization either commits
before finalize reads the assignment (and is counted) or waits for finalize to commit and then finds the evaluation
finalized (and is refused): no score is lost and no evaluation is finalized with a missing score. Invitations and
withdrawals lock the evaluation first, as finalize does.

The modules: `indicator_sets` (sets, indicators, versions), `pool` (evaluator profiles), `evaluations` (an
evaluation's life and the payment decision after a 差), `assignments` (invitations and the evaluator's answers),
`scores` (draft scores and the submission); `common` holds what they share.
"""

from evaluations.services.assignments import (
    NO_CONFLICT_DECLARATION,
    assignment_accept,
    assignment_declare_conflict,
    assignment_decline,
    assignment_invite,
    assignment_withdraw,
)
from evaluations.services.evaluations import (
    EVALUATION_FIELDS,
    EVALUATION_SCORING_FIELDS,
    TOTAL_PLACES,
    evaluation_create,
    evaluation_delete,
    evaluation_finalize,
    evaluation_record_payment_decision,
    evaluation_start_scoring,
    evaluation_update,
)
from evaluations.services.indicator_sets import (
    INDICATOR_FIELDS,
    INDICATOR_SET_FIELDS,
    copy_indicator_tree,
    indicator_add,
    indicator_remove,
    indicator_set_activate,
    indicator_set_create,
    indicator_set_delete,
    indicator_set_new_version,
    indicator_set_reopen,
    indicator_set_update,
    indicator_update,
)
from evaluations.services.pool import (
    PROFILE_FIELDS,
    PROFILE_SELF_FIELDS,
    evaluator_profile_create,
    evaluator_profile_set_active,
    evaluator_profile_update,
)
from evaluations.services.scores import ScoreEntry, assignment_submit, score_save_draft

__all__ = [
    "EVALUATION_FIELDS",
    "EVALUATION_SCORING_FIELDS",
    "INDICATOR_FIELDS",
    "INDICATOR_SET_FIELDS",
    "NO_CONFLICT_DECLARATION",
    "PROFILE_FIELDS",
    "PROFILE_SELF_FIELDS",
    "TOTAL_PLACES",
    "ScoreEntry",
    "assignment_accept",
    "assignment_declare_conflict",
    "assignment_decline",
    "assignment_invite",
    "assignment_submit",
    "assignment_withdraw",
    "copy_indicator_tree",
    "evaluation_create",
    "evaluation_delete",
    "evaluation_finalize",
    "evaluation_record_payment_decision",
    "evaluation_start_scoring",
    "evaluation_update",
    "evaluator_profile_create",
    "evaluator_profile_set_active",
    "evaluator_profile_update",
    "indicator_add",
    "indicator_remove",
    "indicator_set_activate",
    "indicator_set_create",
    "indicator_set_delete",
    "indicator_set_new_version",
    "indicator_set_reopen",
    "indicator_set_update",
    "indicator_update",
    "score_save_draft",
]
