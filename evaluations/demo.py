"""Inner Mongolia demo data for performance evaluations, built through the services so history is complete.

- The standard indicator set after 财预〔2020〕10号: 决策 / 过程 / 产出 / 效益 with second and third levels,
  满意度 under 效益 (weights 15 / 25 / 35 / 25, which the set's description says are set per project).
- The evaluator pool: eval_wang, eval_li, eval_zhao, eval_sun, eval_zhou (password registry.demo.DEMO_PASSWORD) and
  the registry demo's `evaluator`; two of them work for the third-party 内蒙古社会组织评估中心.
- On the contracts demo's contracts (signed, performing or completed ones; the contracts demo runs first):
  a finalized final evaluation graded 良 (five evaluators, trimmed mean), a finalized annual evaluation graded 差
  (a performance warning on the organization and the purchaser's payment decision), and a mid-term evaluation being
  scored: two evaluators submitted, `evaluator` (陈晓明) still has to answer the invitation.

The data (the tree, the evaluators, the three evaluations) lives in fixtures/demo/evaluations_*.json; this module
builds it. Idempotent: the set is found by name, users by username, profiles by user, evaluations by their demo
description. Without demo contracts only the set and the pool are created.
"""

from __future__ import annotations

import datetime
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from contracts.models import Contract
from evaluations import services
from evaluations.models import Assignment, Evaluation, EvaluatorProfile, IndicatorSet
from evaluations.selectors import affiliation_refusal, indicator_tree, leaves_of
from registry.demo import EVALUATION_ORGANIZATION, ensure_user
from registry.models import Organization

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


def _load(name: str) -> dict:
    """One of the demo's data tables (fixtures/demo/evaluations_<name>.json)."""
    with (DEMO_DIR / f"evaluations_{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


class DemoIndicator(NamedTuple):
    code: str
    name: str
    weight: str
    guidance: str = ""
    max_score: str | None = None  # None: scored directly in points (满分 = 分值)
    children: tuple = ()

    @classmethod
    def from_data(cls, data: dict) -> DemoIndicator:
        children = tuple(cls.from_data(child) for child in data.get("children", ()))
        return cls(
            data["code"], data["name"], data["weight"], data.get("guidance", ""), data.get("max_score"), children
        )


class DemoEvaluator(NamedTuple):
    username: str
    display_name: str
    specialties: str
    works_for_evaluation_centre: bool  # affiliated with registry.demo.EVALUATION_ORGANIZATION
    affiliation: str  # free text otherwise


class DemoEvaluation(NamedTuple):
    description: str  # identifies the demo evaluation (idempotency)
    kind: str
    preferred_titles: tuple[str, ...]
    statuses: tuple[str, ...]  # contract statuses to fall back on, best first
    aggregation: str
    evaluators: tuple[str, ...]  # usernames, in invitation order
    levels: tuple[str, ...]  # per evaluator: the share of each maximum they give (before a small variation)
    submitted: int  # how many of them submit (the rest answer nothing)
    finalize: bool

    @classmethod
    def from_data(cls, data: dict) -> DemoEvaluation:
        return cls(
            description=data["description"],
            kind=data["kind"],
            preferred_titles=tuple(data["preferred_titles"]),
            statuses=tuple(data["contract_statuses"]),
            aggregation=data["aggregation"],
            evaluators=tuple(data["evaluators"]),
            levels=tuple(data["levels"]),
            submitted=data["submitted"],
            finalize=data["finalize"],
        )


_SET = _load("indicator_set")
STANDARD_SET_NAME = _SET["name"]
STANDARD_SET_DESCRIPTION = _SET["description"]
STANDARD_TREE = tuple(DemoIndicator.from_data(node) for node in _SET["indicators"])

_POOL = _load("pool")
EVALUATORS = [DemoEvaluator(**row) for row in _POOL["evaluators"]]
EXISTING_EVALUATOR = _POOL["existing_evaluator"]  # the registry demo's `evaluator`, entered into the pool

_EVALUATIONS = _load("evaluations")
_BY_KEY = {row["key"]: DemoEvaluation.from_data(row) for row in _EVALUATIONS["evaluations"]}
GOOD, POOR, SCORING = _BY_KEY["good"], _BY_KEY["poor"], _BY_KEY["scoring"]
DEMO_EVALUATIONS = tuple(_BY_KEY.values())
PAYMENT_DECISION = _EVALUATIONS["payment_decision"]
LOW_SCORE_COMMENT = _EVALUATIONS["low_score_comment"]
WITHDRAW_REASON = _EVALUATIONS["withdraw_reason"]
TENTH = Decimal("0.1")


def _superuser_or_registrar():
    User = get_user_model()
    return (
        User.objects.filter(username="registrar_nm").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def _add_tree(actor, indicator_set: IndicatorSet, nodes, parent=None) -> None:
    for node in nodes:
        indicator = services.indicator_add(
            actor=actor,
            indicator_set=indicator_set,
            code=node.code,
            name=node.name,
            weight=Decimal(node.weight),
            parent=parent,
            max_score=Decimal(node.max_score) if node.max_score else None,
            guidance=node.guidance,
        )
        _add_tree(actor, indicator_set, node.children, indicator)


def seed_standard_set(actor) -> IndicatorSet:
    """The standard set, created and activated once (any existing version of that name is left as it is)."""
    existing = IndicatorSet.objects.filter(name=STANDARD_SET_NAME).order_by("-version").first()
    if existing is not None and not existing.is_draft:
        return existing
    indicator_set = existing or services.indicator_set_create(
        actor=actor, name=STANDARD_SET_NAME, description=STANDARD_SET_DESCRIPTION
    )
    if not indicator_set.indicators.exists():
        _add_tree(actor, indicator_set, STANDARD_TREE)
    return services.indicator_set_activate(actor=actor, indicator_set=indicator_set)


def seed_pool(actor) -> dict[str, object]:
    """The evaluator users and their profiles; returns the users by username."""
    users = {}
    for evaluator in EVALUATORS:
        username = evaluator.username
        user = ensure_user(
            username, display_name=evaluator.display_name, is_evaluator=True, email=f"{username}@example.cn"
        )
        users[username] = user
        if not EvaluatorProfile.objects.filter(user=user).exists():
            services.evaluator_profile_create(
                actor=actor,
                user=user,
                specialties=evaluator.specialties,
                affiliation_organization=Organization.objects.filter(name=EVALUATION_ORGANIZATION).first()
                if evaluator.works_for_evaluation_centre
                else None,
                affiliation=evaluator.affiliation,
                contact_phone=f"0471-69{len(users):02d}{len(username):03d}",
                contact_email=f"{username}@example.cn",
            )
    existing = EXISTING_EVALUATOR
    username = existing["username"]
    user = ensure_user(
        username, display_name=existing["display_name"], is_evaluator=True, email=f"{username}@example.cn"
    )
    users[username] = user
    if user.is_evaluator and not EvaluatorProfile.objects.filter(user=user).exists():
        services.evaluator_profile_create(
            actor=actor,
            user=user,
            specialties=existing["specialties"],
            affiliation=existing["affiliation"],
            contact_phone=existing["contact_phone"],
            contact_email=f"{username}@example.cn",
        )
    return users


def _purchaser_for(contract: Contract):
    """A purchaser of the contract's own department (a purchaser acts for their department only), or None."""
    return (
        get_user_model()
        .objects.filter(is_purchaser=True, is_active=True, department_id=contract.department_id)
        .order_by("username")
        .first()
    )


def _choose_contract(spec: DemoEvaluation, used: set[int]) -> Contract | None:
    """The preferred demo contract if it exists, else the first contract in the fallback statuses (stable order)."""
    candidates = (
        Contract.objects.filter(status__in=spec.statuses)
        .exclude(pk__in=used)
        .select_related("department__region", "organization")
        .annotate(
            preference=Case(
                When(title__in=spec.preferred_titles, then=Value(0)),
                *(When(status=status, then=Value(rank)) for rank, status in enumerate(spec.statuses, start=1)),
                default=Value(99),
                output_field=IntegerField(),
            )
        )
        .order_by("preference", "number")
    )
    for contract in candidates:
        if spec.kind == Evaluation.Kind.FINAL and contract.evaluations.filter(kind=Evaluation.Kind.FINAL).exists():
            continue
        if _purchaser_for(contract) is not None:
            return contract
    return None


def _scores(tree, level: Decimal, evaluator_index: int) -> dict:
    """A deterministic score sheet around `level` × maximum, with a comment for every low score."""
    entries = {}
    for position, leaf in enumerate(leaves_of(tree)):
        variation = Decimal((position * 7 + evaluator_index * 3) % 5 - 2) * Decimal("0.02")
        share = min(max(level + variation, Decimal("0")), Decimal("1"))
        score = (leaf.max_score * share).quantize(TENTH, rounding=ROUND_HALF_UP)
        comment = LOW_SCORE_COMMENT if score < leaf.max_score * Decimal("0.6") else ""
        entries[leaf.pk] = services.ScoreEntry(score, comment)
    return entries


def _seed_evaluation(spec: DemoEvaluation, indicator_set: IndicatorSet, users: dict, used: set[int]) -> None:
    existing = Evaluation.objects.filter(description=spec.description).first()
    if existing is not None:
        used.add(existing.contract_id)
        return
    contract = _choose_contract(spec, used)
    if contract is None:
        return
    used.add(contract.pk)
    purchaser = _purchaser_for(contract)
    today = timezone.localdate()
    period_end = min(contract.end_on, today)
    if spec.kind == Evaluation.Kind.MID_TERM:
        period_end = min(period_end, today - datetime.timedelta(days=1))
    evaluators = [users[name] for name in spec.evaluators if name in users]
    evaluators = [user for user in evaluators if user.is_evaluator]
    evaluation = Evaluation(contract=contract)
    evaluators = [user for user in evaluators if affiliation_refusal(user, evaluation) is None]
    if len(evaluators) < 3:
        return
    evaluation = services.evaluation_create(
        actor=purchaser,
        contract=contract,
        kind=spec.kind,
        indicator_set=indicator_set,
        period_start_on=contract.start_on,
        period_end_on=max(period_end, contract.start_on),
        due_on=today + datetime.timedelta(days=14),
        aggregation=spec.aggregation,
        min_evaluators=3,
        year=max(period_end, contract.start_on).year,
        description=spec.description,
    )
    assignments = [
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user) for user in evaluators
    ]
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    tree = indicator_tree(indicator_set)
    for index, (assignment, level) in enumerate(zip(assignments, spec.levels, strict=False)):
        if index >= spec.submitted:
            break
        services.assignment_accept(actor=assignment.evaluator, assignment=assignment, confirm_no_conflict=True)
        services.assignment_submit(
            actor=assignment.evaluator, assignment=assignment, entries=_scores(tree, Decimal(level), index)
        )
    if spec.finalize:
        for assignment in assignments[spec.submitted :]:
            services.assignment_withdraw(actor=purchaser, assignment=assignment, reason=WITHDRAW_REASON)
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
        evaluation.refresh_from_db()
        if evaluation.grade == Evaluation.Grade.POOR:
            services.evaluation_record_payment_decision(
                actor=purchaser, evaluation=evaluation, decision=PAYMENT_DECISION
            )


def seed() -> dict[str, object]:
    """Create what is missing of the evaluations demo; returns the standard set and the demo evaluations."""
    actor = _superuser_or_registrar()
    if actor is None:
        raise RuntimeError("the registry demo (users) must be seeded first")
    indicator_set = seed_standard_set(actor)
    users = seed_pool(actor)
    used: set[int] = set()
    for spec in DEMO_EVALUATIONS:
        _seed_evaluation(spec, indicator_set, users, used)
    return {
        "indicator_set": indicator_set,
        "evaluations": list(
            Evaluation.objects.filter(description__in=[spec.description for spec in DEMO_EVALUATIONS]).order_by("pk")
        ),
        "pending_invitations": Assignment.objects.filter(
            evaluation__description=SCORING.description, status=Assignment.Status.INVITED
        ).count(),
    }
