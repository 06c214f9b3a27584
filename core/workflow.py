"""A workflow's transition table: which actions each status allows, checked by services and read by templates.

Each app declares its workflows once (`contracts/workflows.py`, …):

    CONTRACT = Workflow(
        Contract.Status,
        [
            Transition("sign", _("签订"), {Contract.Status.DRAFT}, Contract.Status.SIGNED),
            Transition("terminate", _("终止"), {Contract.Status.SIGNED, Contract.Status.PERFORMING}),
        ],
    )

A service refuses a transition from a wrong status with `CONTRACT.check("sign", contract.status)` (a ValidationError
coded `wrong_state`, naming the status and the action), and a page asks `CONTRACT.allows("sign", contract.status)` —
or builds its buttons from `CONTRACT.available(contract.status)` — instead of listing statuses in a template.
Who may act is the permissions.py predicate's question, not the table's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices

from core.services import WRONG_STATE, refusal, wrong_state


@dataclass(frozen=True)
class Transition:
    action: str  # the service's verb: "sign", "accept", "verify"
    label: Any  # gettext_lazy: the button's text and the verb in the refusal ("不能签订")
    sources: frozenset[str] = field(default_factory=frozenset)
    target: str | None = None  # the status after it (None: the status does not change, or depends on input)

    def __init__(self, action: str, label: Any, sources: Iterable[str], target: str | None = None):
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "sources", frozenset(str(source) for source in sources))
        object.__setattr__(self, "target", None if target is None else str(target))


class Workflow:
    """The transitions of one status field."""

    def __init__(self, statuses: type[TextChoices], transitions: Iterable[Transition]):
        self.statuses = statuses
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"transition {transition.action!r} declared twice")
            unknown = (transition.sources | ({transition.target} - {None})) - set(statuses.values)
            if unknown:
                raise ValueError(f"transition {transition.action!r} names unknown statuses {sorted(unknown)}")
            self.transitions[transition.action] = transition

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def allows(self, action: str, status: str) -> bool:
        return str(status) in self.transitions[action].sources

    def available(self, status: str) -> list[Transition]:
        """The transitions the status allows, in declaration order."""
        return [transition for transition in self.transitions.values() if str(status) in transition.sources]

    def status_label(self, status: str) -> Any:
        return self.statuses(status).label

    def check(self, action: str, status: str, message: Any = None, *, field: str | None = None, **params: Any) -> None:
        """Refuse (ValidationError coded `wrong_state`) unless the status allows the action.

        `message` says more than "cannot do this now" where there is something to do instead ("如需调整请创建修订版");
        it may use the `status` and `action` params and any others given."""
        if self.allows(action, status):
            return
        label, status_label = self.transitions[action].label, self.status_label(status)
        if message is None:
            error = wrong_state(label, status_label)
        else:
            error = refusal(message, code=WRONG_STATE, status=status_label, action=label, **params)
        raise ValidationError({field: [error]}) if field else error

    def statuses_allowing(self, action: str) -> frozenset[str]:
        return self.transitions[action].sources


# ---- what a page offers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """How a page offers one transition: the link (built from the record), the button's style and test id, and a
    label when the button says it differently from the transition."""

    url: Callable[[Any], str]
    style: str = "btn-outline-primary"
    testid: str = ""
    label: Any = None
    # A precondition the table cannot see (every deliverable accepted before completing): returns why the action
    # cannot be taken yet, or None. The button is then shown disabled with that reason instead of inviting a refusal.
    blocked: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Button:
    """One button of a record's page (templates/includes/action_buttons.html)."""

    action: str
    label: Any
    url: str
    style: str = "btn-outline-primary"
    testid: str = ""
    reason: str = ""  # why it is disabled (empty: it may be taken now)


def offered_buttons(
    workflow: Workflow,
    status: str,
    offers: Mapping[str, Offer | Sequence[Offer]],
    record: Any,
    may: Callable[[str], bool],
    *,
    only: Iterable[str] | None = None,
) -> list[Button]:
    """The buttons of each transition the status allows (in the table's order) that the page offers and the user
    `may` take (the permissions.py predicate's answer for that action); `only` narrows the actions considered. An
    action may offer several buttons (a sequence of offers). A button whose offer is `blocked` carries the reason
    and is drawn disabled."""
    wanted = set(offers if only is None else only)
    buttons = []
    for transition in workflow.available(status):
        if transition.action not in wanted or transition.action not in offers or not may(transition.action):
            continue
        choices = offers[transition.action]
        for offer in [choices] if isinstance(choices, Offer) else choices:
            label = offer.label or transition.label
            reason = offer.blocked(record) if offer.blocked is not None else None
            style = offer.style.replace("btn-primary", "btn-outline-secondary") if reason else offer.style
            buttons.append(
                Button(transition.action, label, offer.url(record), style, offer.testid, str(reason) if reason else "")
            )
    return buttons
