"""Inner Mongolia demo data for performance evaluations, built through the services so history is complete.

- The standard indicator set after 财预〔2020〕10号: 决策 / 过程 / 产出 / 效益 with second and third levels,
  满意度 under 效益 (weights 15 / 25 / 35 / 25, which the set's description says are set per project).
- The evaluator pool: eval_wang, eval_li, eval_zhao, eval_sun, eval_zhou (password registry.demo.DEMO_PASSWORD) and
  the registry demo's `evaluator`; two of them work for the third-party 内蒙古社会组织评估中心.
- On the contracts demo's contracts (signed, performing or completed ones; the contracts demo runs first):
  a finalized final evaluation graded 良 (five evaluators, trimmed mean), a finalized annual evaluation graded 差
  (a performance warning on the organization and the purchaser's payment decision), and a mid-term evaluation being
  scored: two evaluators submitted, `evaluator` (陈晓明) still has to answer the invitation.

Idempotent: the set is found by name, users by username, profiles by user, evaluations by their demo description.
Without demo contracts only the set and the pool are created.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from contracts.models import Contract
from evaluations import services
from evaluations.models import Assignment, Evaluation, EvaluatorProfile, IndicatorSet
from evaluations.selectors import affiliation_refusal, indicator_tree, leaves_of
from registry.demo import EVALUATION_ORGANIZATION, ensure_user
from registry.models import Organization

STANDARD_SET_NAME = "政府购买服务绩效评价通用指标体系"
STANDARD_SET_DESCRIPTION = (
    "依据《项目支出绩效评价管理办法》（财预〔2020〕10号）设置决策、过程、产出、效益四个一级指标，满意度列在效益之下。"
    "各级指标分值按项目设定：本通用体系取决策 15 分、过程 25 分、产出 35 分、效益 25 分，具体项目可在新版本中调整；"
    "末级指标分值合计 100 分。"
)


class DemoIndicator(NamedTuple):
    code: str
    name: str
    weight: str
    guidance: str = ""
    max_score: str | None = None  # None: scored directly in points (满分 = 分值)
    children: tuple = ()


STANDARD_TREE = (
    DemoIndicator(
        "A",
        "决策",
        "15",
        children=(
            DemoIndicator(
                "A1",
                "项目立项",
                "6",
                children=(
                    DemoIndicator(
                        "A11",
                        "立项依据充分性",
                        "3",
                        "立项符合法律法规、相关政策和部门职责，属于政府购买服务指导性目录范围。",
                    ),
                    DemoIndicator(
                        "A12", "立项程序规范性", "3", "按规定程序申请设立，审批文件、材料符合要求，经过必要的论证。"
                    ),
                ),
            ),
            DemoIndicator(
                "A2",
                "绩效目标",
                "5",
                children=(
                    DemoIndicator("A21", "绩效目标合理性", "3", "绩效目标与项目内容、预算相匹配，符合正常业绩水平。"),
                    DemoIndicator(
                        "A22", "绩效指标明确性", "2", "绩效目标细化分解为清晰、可衡量的数量、质量、时效指标。"
                    ),
                ),
            ),
            DemoIndicator(
                "A3",
                "资金投入",
                "4",
                children=(
                    DemoIndicator("A31", "预算编制科学性", "2", "预算编制经过论证，内容与项目内容匹配，测算依据充分。"),
                    DemoIndicator("A32", "资金分配合理性", "2", "资金分配依据充分，额度与项目实际相适应。"),
                ),
            ),
        ),
    ),
    DemoIndicator(
        "B",
        "过程",
        "25",
        children=(
            DemoIndicator(
                "B1",
                "资金管理",
                "12",
                children=(
                    DemoIndicator("B11", "资金到位率", "4", "实际到位资金 ÷ 计划投入资金 × 100%，按比例计分。"),
                    DemoIndicator("B12", "预算执行率", "4", "实际支出资金 ÷ 实际到位资金 × 100%，按比例计分。"),
                    DemoIndicator("B13", "资金使用合规性", "4", "专款专用，无截留、挤占、挪用、虚列支出等情况。"),
                ),
            ),
            DemoIndicator(
                "B2",
                "组织实施",
                "13",
                children=(
                    DemoIndicator("B21", "管理制度健全性", "6", "承接主体建立了项目管理、财务管理和服务质量控制制度。"),
                    DemoIndicator(
                        "B22", "制度执行有效性", "7", "服务台账、回访记录等资料齐全并及时归档，按合同约定实施。"
                    ),
                ),
            ),
        ),
    ),
    DemoIndicator(
        "C",
        "产出",
        "35",
        children=(
            DemoIndicator("C1", "产出数量", "10", "实际完成服务数量 ÷ 合同约定数量 × 100%，按比例计分。"),
            DemoIndicator("C2", "产出质量", "10", "服务达到合同约定的质量标准，验收合格率。"),
            DemoIndicator("C3", "产出时效", "8", "各履约事项按合同约定时间完成。"),
            DemoIndicator("C4", "产出成本", "7", "实际成本控制在合同金额以内，无不合理支出。"),
        ),
    ),
    DemoIndicator(
        "D",
        "效益",
        "25",
        children=(
            DemoIndicator(
                "D1",
                "项目效益",
                "15",
                children=(
                    DemoIndicator("D11", "社会效益", "8", "服务对象生活质量、社区治理等方面的实际改善。"),
                    DemoIndicator("D12", "可持续影响", "7", "服务机制、人员队伍、志愿者网络等可持续运行。"),
                ),
            ),
            DemoIndicator(
                "D2",
                "满意度",
                "10",
                children=(
                    DemoIndicator(
                        "D21",
                        "服务对象满意度",
                        "10",
                        "按服务对象满意度调查结果（百分制）评分，如满意度 92% 记 92 分。",
                        max_score="100",
                    ),
                ),
            ),
        ),
    ),
)

# (username, display name, specialties, affiliation: an organization name from the registry demo or free text)
EVALUATORS = [
    ("eval_wang", "王志刚", "社会组织评估、绩效管理", EVALUATION_ORGANIZATION, ""),
    ("eval_li", "李淑珍", "社会保障、养老服务", None, "内蒙古大学公共管理学院"),
    ("eval_zhao", "赵文博", "财政绩效评价、预算管理", None, "内蒙古财经大学财政税务学院"),
    ("eval_sun", "孙丽娜", "社会工作、心理健康服务", EVALUATION_ORGANIZATION, ""),
    ("eval_zhou", "周海涛", "财务审计、内部控制", None, "内蒙古华信会计师事务所"),
]
EXISTING_EVALUATOR = ("evaluator", "养老服务、社区治理", "内蒙古社会科学院社会学研究所")


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


_S = Contract.Status
GOOD = DemoEvaluation(
    "末期绩效评价：助餐服务按合同完成，服务对象满意度较高。",
    Evaluation.Kind.FINAL,
    ("赛罕区居家养老助餐服务项目",),
    (_S.COMPLETED, _S.PERFORMING, _S.SIGNED),
    Evaluation.Aggregation.TRIMMED_MEAN,
    ("eval_wang", "eval_li", "eval_zhao", "eval_zhou", "evaluator"),
    ("0.86", "0.84", "0.82", "0.90", "0.78"),
    5,
    True,
)
POOR = DemoEvaluation(
    "2026 年度绩效评价：服务台账缺失，服务人次与合同约定差距较大。",
    Evaluation.Kind.ANNUAL,
    ("赛罕区社区心理健康服务项目",),
    (_S.PERFORMING, _S.SIGNED, _S.COMPLETED),
    Evaluation.Aggregation.MEAN,
    ("eval_li", "eval_zhao", "eval_zhou"),
    ("0.55", "0.52", "0.58"),
    3,
    True,
)
SCORING = DemoEvaluation(
    "中期绩效评价：检查前半年运营情况。",
    Evaluation.Kind.MID_TERM,
    ("红山区、松山区互助养老幸福院运营项目",),
    (_S.PERFORMING, _S.SIGNED),
    Evaluation.Aggregation.MEAN,
    ("eval_wang", "eval_sun", "evaluator"),
    ("0.88", "0.80", "0.85"),
    2,
    False,
)
DEMO_EVALUATIONS = (GOOD, POOR, SCORING)
PAYMENT_DECISION = (
    "责令承接主体于 30 日内完成整改并补齐服务台账；整改经验收合格后支付下一期款项，本年度合同尾款扣减 10% 作为违约金。"
)
LOW_SCORE_COMMENT = "服务台账不完整，部分服务记录无法核实，与合同约定差距较大。"
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
    for username, display_name, specialties, organization_name, affiliation in EVALUATORS:
        user = ensure_user(username, display_name=display_name, is_evaluator=True, email=f"{username}@example.cn")
        users[username] = user
        if not EvaluatorProfile.objects.filter(user=user).exists():
            services.evaluator_profile_create(
                actor=actor,
                user=user,
                specialties=specialties,
                affiliation_organization=Organization.objects.filter(name=organization_name).first()
                if organization_name
                else None,
                affiliation=affiliation,
                contact_phone=f"0471-69{len(users):02d}{len(username):03d}",
                contact_email=f"{username}@example.cn",
            )
    username, specialties, affiliation = EXISTING_EVALUATOR
    user = ensure_user(username, display_name="陈晓明", is_evaluator=True, email="evaluator@example.cn")
    users[username] = user
    if user.is_evaluator and not EvaluatorProfile.objects.filter(user=user).exists():
        services.evaluator_profile_create(
            actor=actor,
            user=user,
            specialties=specialties,
            affiliation=affiliation,
            contact_phone="0471-6995012",
            contact_email="evaluator@example.cn",
        )
    return users


def _purchaser_for(contract: Contract):
    """A purchaser of the contract's department, else the one whose region covers it most closely."""
    purchasers = [
        user
        for user in get_user_model()
        .objects.filter(is_purchaser=True, is_active=True, department__isnull=False)
        .select_related("department__region")
        .order_by("username")
        if user.department.region.covers(contract.department.region)
    ]
    if not purchasers:
        return None
    same = [user for user in purchasers if user.department_id == contract.department_id]
    return same[0] if same else max(purchasers, key=lambda user: len(user.department.region.path))


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
            services.assignment_withdraw(actor=purchaser, assignment=assignment, reason="未在截止日期前提交评分")
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
