"""The to-do list (待办事项): what each signed-in user has to do, computed from the records on every request.

Every app declares the kinds of work it creates in its own `todo.py`, one decorated function per kind:

    @todo.kind("contracts.submissions", _("待验收的履约提交"), role=todo.PURCHASER, order=110)
    def submissions_waiting(user, today) -> todo.Source:
        return todo.Source(
            rows=Submission.objects.filter(...the user's own work, never wider than the page the item links to...),
            order_by=("deliverable__due_on", "pk"),
            overdue=Q(deliverable__due_on__lt=today),
            item=lambda submission: todo.Item(title=..., url=..., deadline=...),
        )

That is the whole change: `notifications.apps` imports every app's `todo` module at start-up (Django's
`autodiscover_modules`, as the admin does), so nothing else needs to know the kind exists; this app stays below
every app that registers (it imports none of them). `assemble(user)` is what the 待办 page (portal), the login
landing and the API (`/api/v1/me/todo/`) all show.

Costs of `assemble`: one query for every kind that applies to the user — each kind's first `limit` keys (overdue
first, then deadline order) with its count and overdue count as window aggregates, the kinds side by side in one
UNION ALL — then one query per kind that has items, reading its first rows by key (on PostgreSQL sent together,
in one round trip). The number of queries therefore depends on the number of kinds with items, never on the number
of items. A kind's `rows` must `select_related` whatever its `item` function reads. `group_for` does the same for
one kind (one query, or two for a kind marked `keys_first`).

The SQL of those queries is compiled once per user and day and kept in the process (`_plan`): the rows are read
afresh on every request, only the building and compiling of the querysets is saved. A kind's SQL may therefore
depend on the user, the day and `limit` only — not on the time of day, nor on anything its source reads from the
database (a source that reads the database while it is built, other than `Region.holds_every`, which is asked again
on every request, is simply not kept). `assemble_remembered` (the 待办 page) keeps each kind's group until a write
to one of the tables it is read from commits (`core.pagecache.generations`, which follows the database's triggers):
a payment recorded leaves a registrar's list as it was kept, a complaint accepted reads the complaint kinds again.
On PostgreSQL the items kept also hold the version of every row they were made of (`xmin` and `ctid`, read with the
rows): when a kind's tables were written to but its first keys are the same and none of its rows has a new version
(an organization edited elsewhere in the province), its items stay as kept, checked with one query for every such
kind instead of reading their rows again.
"""

from notifications.todo.kinds import (
    _KINDS,
    ADMIN,
    DEFAULT_LIMIT,
    EVALUATOR,
    MEMBER,
    PURCHASER,
    REGISTRAR,
    ROLE_LABELS,
    Group,
    Item,
    Kind,
    Source,
    get_kind,
    group_for,
    kind,
    kind_rows,
    kinds,
    kinds_for,
    register,
    total,
)
from notifications.todo.plans import _PLANS, PLANS_KEPT, _plan, assemble, forget_plans
from notifications.todo.remembered import assemble_remembered, forget_remembered

__all__ = [
    "ADMIN",
    "DEFAULT_LIMIT",
    "EVALUATOR",
    "MEMBER",
    "PLANS_KEPT",
    "PURCHASER",
    "REGISTRAR",
    "ROLE_LABELS",
    "Group",
    "Item",
    "Kind",
    "Source",
    "_KINDS",
    "_PLANS",
    "_plan",
    "assemble",
    "assemble_remembered",
    "forget_plans",
    "forget_remembered",
    "get_kind",
    "group_for",
    "kind",
    "kind_rows",
    "kinds",
    "kinds_for",
    "register",
    "total",
]
