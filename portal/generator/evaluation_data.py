"""Indicator sets, the evaluator pool, finalized evaluations with their assignments, scores, indicator results and the
performance warnings of 差 grades.

Each set is the standard four-level-one tree (决策 15 / 过程 25 / 产出 35 / 效益 25) with 13 second-level indicators
and 49 scored leaves whose weights sum to 100 and every parent's weight equals its children's; the sets are frozen
(in use). An evaluation is the final evaluation of a completed contract or the mid-term evaluation of one being
performed; three to five evaluators from the pool accept with a no-conflict declaration, score every leaf and submit.
The totals, indicator means, score and grade are computed by `evaluations.scoring.compute`, exactly as
`evaluation_finalize` computes them, so the published grade always matches the score's band. Score sheets are built
one evaluation at a time and streamed out: memory does not grow with the number of scores.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from contracts.models import Contract
from core.formatting import points
from evaluations import scoring
from evaluations.models import (
    Assignment,
    Evaluation,
    EvaluatorProfile,
    Indicator,
    IndicatorResult,
    IndicatorSet,
    PerformanceWarning,
    Score,
)
from portal.generator.contract_data import ContractPlan
from portal.generator.registry_data import Organizations
from portal.generator.world import World

DAY = datetime.timedelta(days=1)
PLACES = Decimal("0.0001")
TENTH = Decimal("0.1")
SET_NAMES = (
    "政府购买服务绩效评价指标体系（养老服务类）",
    "政府购买服务绩效评价指标体系（社会工作类）",
    "政府购买服务绩效评价指标体系（公共卫生类）",
)
# level one: (code, name, weight, [(second-level name, [leaf names])])
TREE = (
    (
        "A",
        "决策",
        15,
        (
            ("项目立项", ("立项依据充分性", "立项程序规范性", "需求调研充分性", "服务对象界定准确性")),
            ("绩效目标", ("绩效目标合理性", "绩效指标明确性", "目标与预算匹配度", "目标可衡量性")),
            ("资金投入", ("预算编制科学性", "资金分配合理性", "配套资金落实率")),
        ),
    ),
    (
        "B",
        "过程",
        25,
        (
            ("资金管理", ("资金到位率", "预算执行率", "资金使用合规性", "财务核算规范性")),
            ("组织实施", ("管理制度健全性", "人员配备到位率", "专业人员持证比例", "服务档案完整性")),
            ("制度执行", ("服务流程规范性", "安全管理落实情况", "信息公开情况", "投诉处理及时性")),
        ),
    ),
    (
        "C",
        "产出",
        35,
        (
            ("产出数量", ("服务人次完成率", "服务时长完成率", "活动场次完成率", "覆盖对象完成率")),
            ("产出质量", ("服务达标率", "个案服务质量", "服务记录准确性", "专业方法运用")),
            ("产出时效", ("服务完成及时性", "阶段任务按期完成率", "响应及时性")),
            ("产出成本", ("成本控制情况", "单位服务成本合理性", "成本节约率")),
        ),
    ),
    (
        "D",
        "效益",
        25,
        (
            ("社会效益", ("服务对象状况改善", "社区参与度提升", "社会影响力", "示范带动作用")),
            ("可持续影响", ("长效机制建设", "志愿者队伍建设", "资源链接能力", "服务可持续性")),
            ("满意度", ("服务对象满意度", "购买主体满意度", "社区居民满意度", "合作单位满意度")),
        ),
    ),
)
GRADE_TARGETS = ((0.25, 90.5, 97.0), (0.45, 80.5, 89.5), (0.25, 62.0, 79.5), (0.05, 45.0, 59.0))
DECLARATION = "本人承诺与被评价合同的购买主体、承接主体不存在利害关系，将独立、客观、公正地评分。"
SPECIALTIES = ("社会工作", "养老服务", "公共卫生", "财务管理", "绩效评价", "教育", "残疾人康复", "公共文化", "法律")
AFFILIATIONS = (
    "内蒙古大学",
    "内蒙古师范大学",
    "内蒙古财经大学",
    "内蒙古医科大学",
    "内蒙古社会组织评估中心",
    "会计师事务所",
)


@dataclass(frozen=True)
class Node:
    id: int
    parent: int | None
    leaf: scoring.LeafSpec | None


def _split(total_halves: int, parts: int) -> list[int]:
    return [total_halves // parts + (1 if index < total_halves % parts else 0) for index in range(parts)]


def make_indicator_sets(world: World) -> list[tuple[int, list[Node]]]:
    """(set id, its indicators parents first) of each set."""
    sets, indicators = world.writer.table(IndicatorSet), world.writer.table(Indicator)
    rng = world.rng("indicator-sets")
    trees = []
    activated = world.moment(rng, datetime.date(world.years[0], 1, 5))
    for name in SET_NAMES[: world.profile.indicator_sets]:
        set_id = sets.add(
            name=name,
            description="依据《项目支出绩效评价管理办法》（财预〔2020〕10号）设置，末级指标分值合计 100 分。",
            status=IndicatorSet.Status.FROZEN,
            activated_at=activated,
            created_at=activated - DAY,
            updated_at=activated,
        )
        nodes: list[Node] = []
        order = 0
        for code, first_name, weight, seconds in TREE:
            order += 1
            first = indicators.add(
                indicator_set_id=set_id,
                level=1,
                code=code,
                name=first_name,
                weight=Decimal(weight),
                max_score=Decimal(weight),
                order=order,
            )
            nodes.append(Node(first, None, None))
            for second_index, (second_name, leaves) in enumerate(seconds, start=1):
                halves = _split(weight * 2, len(seconds))[second_index - 1]
                second_weight = Decimal(halves) / 2
                order += 1
                second = indicators.add(
                    indicator_set_id=set_id,
                    parent_id=first,
                    level=2,
                    code=f"{code}{second_index}",
                    name=second_name,
                    weight=second_weight,
                    max_score=second_weight,
                    order=order,
                )
                nodes.append(Node(second, first, None))
                for leaf_index, (leaf_name, leaf_quarters) in enumerate(
                    zip(leaves, _split(halves * 2, len(leaves)), strict=True), start=1
                ):
                    leaf_weight = Decimal(leaf_quarters) / 4
                    max_score = Decimal(10) if leaf_index % 4 == 0 else leaf_weight
                    order += 1
                    leaf = indicators.add(
                        indicator_set_id=set_id,
                        parent_id=second,
                        level=3,
                        code=f"{code}{second_index}{leaf_index}",
                        name=leaf_name,
                        weight=leaf_weight,
                        max_score=max_score,
                        order=order,
                        guidance="按评分标准逐项核查，满分为上限，得分低于满分60%须说明理由。",
                    )
                    nodes.append(Node(leaf, second, scoring.LeafSpec(leaf, leaf_weight, max_score)))
        trees.append((set_id, nodes))
    return trees


def make_evaluator_pool(world: World, orgs: Organizations) -> list[int]:
    rng = world.rng("evaluators")
    profiles = world.writer.table(EvaluatorProfile)
    outsiders = [pk for pk, provider in zip(orgs.ids(), orgs.provider, strict=True) if not provider]
    users = []
    joined = datetime.date(world.years[0] - 1, 11, 1)
    for number in range(1, world.profile.evaluators + 1):
        user = world.add_user(rng, username=f"gen_eval{number:04d}", joined=joined, is_evaluator=True)
        affiliated = rng.choice(outsiders) if outsiders and rng.random() < 0.1 else None
        created = world.moment(rng, joined)
        profiles.add(
            user_id=user,
            specialties="、".join(rng.sample(SPECIALTIES, 2)),
            affiliation_organization_id=affiliated,
            affiliation="" if affiliated else rng.choice(AFFILIATIONS),
            contact_phone=world.phone(rng, world.profile.region),
            contact_email=f"gen_eval{number:04d}@example.cn",
            created_at=created,
            updated_at=created,
        )
        users.append(user)
    return users


def _eligible(world: World, plans: list[ContractPlan]) -> list[tuple[ContractPlan, str, datetime.date, datetime.date]]:
    """(contract, kind, period end, the day the evaluation starts) of every contract that can have one."""
    latest = world.today - 45 * DAY
    out = []
    for plan in plans:
        if plan.status == Contract.Status.COMPLETED and plan.ended_on <= latest:
            out.append((plan, Evaluation.Kind.FINAL, plan.end_on, plan.ended_on + 3 * DAY))
        elif plan.status == Contract.Status.PERFORMING:
            middle = plan.start_on + (plan.end_on - plan.start_on) // 2
            if middle <= latest:
                out.append((plan, Evaluation.Kind.MID_TERM, middle, middle + 3 * DAY))
    return out


class EvaluationMaker:
    def __init__(self, world: World, trees: list[tuple[int, list[Node]]], evaluators: list[int]) -> None:
        self.world = world
        self.trees = trees
        self.evaluators = evaluators
        writer = world.writer
        self.evaluations = writer.table(Evaluation)
        self.assignments = writer.table(Assignment)
        self.scores = writer.table(Score)
        self.results = writer.table(IndicatorResult)
        self.warnings = writer.table(PerformanceWarning)
        with translation.override(settings.LANGUAGE_CODE):
            self.kind_labels = {kind: str(kind.label) for kind in Evaluation.Kind}
        self.grades: dict[int, tuple[str, int, datetime.date]] = {}

    def make(self, plans: list[ContractPlan]) -> dict[int, tuple[str, int, datetime.date]]:
        rng = self.world.rng("evaluations")
        eligible = _eligible(self.world, plans)
        chosen = rng.sample(eligible, min(self.world.profile.evaluations, len(eligible)))
        chosen.sort(key=lambda row: (row[3], row[0].id))
        for plan, kind, period_end, start in chosen:
            self._one(rng, plan, kind, period_end, start)
        return self.grades

    def _one(self, rng, plan: ContractPlan, kind: str, period_end: datetime.date, start: datetime.date) -> None:
        world = self.world
        buyer = world.departments[plan.department].buyer
        set_id, tree = rng.choice(self.trees)
        leaves = [node.leaf for node in tree if node.leaf is not None]
        trimmed = rng.random() < 0.15
        count = 5 if trimmed else rng.choices((3, 4, 5), (2, 6, 2))[0]
        created = world.moment(rng, min(start, world.today))
        invited = min(world.now, created + rng.randint(1, 3) * DAY)
        scoring_started = min(world.now, invited + rng.randint(2, 4) * DAY)
        evaluation_id = self.evaluations.new_pk()
        _share, low, high = rng.choices(GRADE_TARGETS, [row[0] for row in GRADE_TARGETS])[0]
        target = rng.uniform(low, high) / 100
        people = rng.sample(self.evaluators, count + (1 if rng.random() < 0.05 else 0))
        sheets: dict[int, dict[int, Decimal]] = {}
        submitted_times = []
        assignment_rows = []
        for position, evaluator in enumerate(people):
            assignment = self.assignments.new_pk()
            responded = min(world.now, invited + rng.randint(1, 2) * DAY)
            if position == count:  # one more invited who declined
                assignment_rows.append(
                    dict(
                        pk=assignment,
                        evaluator_id=evaluator,
                        status=Assignment.Status.DECLINED,
                        responded_at=responded,
                        decline_reason="时间冲突，无法参加本次评价",
                    )
                )
                continue
            submitted = min(
                world.now,
                scoring_started + rng.randint(2, 15) * DAY + rng.randint(0, 28_800) * datetime.timedelta(seconds=1),
            )
            submitted_times.append(submitted)
            bias = rng.gauss(0, 0.025)
            sheet = {}
            for leaf in leaves:
                fraction = min(1.0, max(0.0, target + bias + rng.gauss(0, 0.06)))
                value = (leaf.max_score * Decimal(str(round(fraction, 3)))).quantize(TENTH)
                sheet[leaf.id] = value
                self.scores.add(
                    assignment_id=assignment,
                    indicator_id=leaf.id,
                    score=value,
                    comment="服务记录不完整，部分指标未达到约定要求"
                    if scoring.needs_comment(value, leaf.max_score)
                    else "",
                    updated_at=submitted,
                )
            sheets[assignment] = sheet
            assignment_rows.append(
                dict(
                    pk=assignment,
                    evaluator_id=evaluator,
                    status=Assignment.Status.SUBMITTED,
                    responded_at=responded,
                    declaration=DECLARATION,
                    declared_at=responded,
                    submitted_at=submitted,
                )
            )
        method = scoring.TRIMMED_MEAN if trimmed else scoring.MEAN
        outcome = scoring.compute(leaves, sheets, method)
        for row in assignment_rows:
            total = outcome.totals.get(row["pk"])
            self.assignments.add(
                evaluation_id=evaluation_id,
                invited_at=invited,
                invited_by_id=buyer,
                total_score=None if total is None else total.quantize(PLACES),
                counted=None if total is None else row["pk"] in outcome.counted,
                **row,
            )
        finalized = min(world.now, max(submitted_times) + rng.randint(1, 5) * DAY)
        self._results(tree, evaluation_id, outcome)
        self.evaluations.add(
            pk=evaluation_id,
            contract_id=plan.id,
            kind=kind,
            year=period_end.year,
            indicator_set_id=set_id,
            period_start_on=plan.start_on,
            period_end_on=period_end,
            due_on=scoring_started.date() + 30 * DAY,
            aggregation=method,
            min_evaluators=3,
            description=f"{plan.title}{self.kind_labels[kind]}",
            status=Evaluation.Status.FINALIZED,
            scoring_started_at=scoring_started,
            finalized_at=finalized,
            finalized_by_id=buyer,
            score=outcome.score,
            grade=outcome.grade,
            evaluator_count=len(sheets),
            trimmed=outcome.trimmed,
            created_by_id=buyer,
            created_at=created,
            updated_at=finalized,
        )
        self.grades[evaluation_id] = (outcome.grade, plan.id, finalized.date())
        if outcome.grade == scoring.POOR:
            self._warning(rng, plan, kind, evaluation_id, outcome.score, finalized, buyer)

    def _results(self, tree: list[Node], evaluation_id: int, outcome: scoring.Outcome) -> None:
        sums = dict(outcome.leaf_mean_points)
        for node in reversed(tree):  # children come after their parents in the tree list
            if node.parent is not None:
                sums[node.parent] = sums.get(node.parent, Decimal(0)) + sums[node.id]
        for node in tree:
            self.results.add(
                evaluation_id=evaluation_id,
                indicator_id=node.id,
                mean_score=outcome.leaf_mean_scores[node.id].quantize(PLACES) if node.leaf else None,
                mean_points=sums[node.id].quantize(PLACES),
            )

    def _warning(self, rng, plan, kind, evaluation_id, score, finalized, buyer) -> None:
        world = self.world
        recorded = finalized.date()
        decided = recorded + rng.randint(1, 10) * DAY
        decide = decided <= world.today and rng.random() < 0.9
        self.warnings.add(
            organization_id=plan.organization,
            evaluation_id=evaluation_id,
            recorded_on=recorded,
            reason=f"合同 {plan.number}“{plan.title}”{self.kind_labels[kind]}综合得分 {points(score)}，等级为差。",
            decision="暂缓支付剩余款项，待整改完成并经核验后支付。" if decide else "",
            decided_on=decided if decide else None,
            decided_by_id=buyer if decide else None,
            decided_at=world.moment(rng, decided) if decide else None,
        )


def make_evaluations(
    world: World, orgs: Organizations, plans: list[ContractPlan]
) -> dict[int, tuple[str, int, datetime.date]]:
    """Returns {evaluation id: (grade, contract id, finalized day)}."""
    trees = make_indicator_sets(world)
    evaluators = make_evaluator_pool(world, orgs)
    return EvaluationMaker(world, trees, evaluators).make(plans)
