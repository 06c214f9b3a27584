"""Purchase lists and items, contracts, deliverables, submissions, payments, amendments and overdue flags.

Contracts are planned first (department, organization, dates, status, deliverables' due days), then written in
signing order, numbered per department and year as `contract_create` numbers them (`G150102MZ-2024-0007`), with the
counters in `ContractNumberSequence`. The rules they keep:

- each department publishes one purchase list a year; each contract has its own item, whose budget covers the amount;
- a term of at most one year, or (5 %) two or three years with a justification;
- states by date: past years' contracts completed (a few terminated, a few still being performed late), the current
  year's performing, some signed and starting after the reference day, drafts (current year only, 6 %);
- deliverables' shares sum to 100; a deliverable is accepted only through an accepted submission (some returned first);
  a completed contract has every deliverable accepted; payments only for accepted deliverables, each its share of the
  amount rounded down, the last one of a completed contract the remainder, so the total never passes the amount;
- about 2.5 % of all deliverables are overdue (an active contract, due before the reference day, not accepted),
  each with the flag the deadline check would have written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from contracts.models import (
    Amendment,
    Contract,
    ContractNumberSequence,
    Deliverable,
    Payment,
    PurchaseItem,
    PurchaseList,
    Submission,
    add_years,
)
from portal.generator.registry_data import Organizations
from portal.generator.world import World
from supervision.models import DeliverableOverdueFlag

OVERDUE_TARGET = 0.025
DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")
# (department code suffix) -> [(service name, purchase category, subcategory, unit)]
SERVICES = {
    "MZ": [
        ("居家养老上门服务", "basic_public", "养老服务", "人次"),
        ("社区社会工作服务", "basic_public", "社会工作服务", "个社区"),
        ("困境儿童关爱保护服务", "basic_public", "儿童福利", "人"),
        ("社会救助对象探访服务", "social_management", "社会救助", "户"),
        ("社会组织孵化培育服务", "industry_coordination", "社会组织培育", "家"),
        ("社会组织等级评估服务", "technical", "第三方评估", "家"),
    ],
    "WJ": [
        ("家庭医生签约辅助服务", "basic_public", "基本公共卫生", "人"),
        ("老年人健康管理服务", "basic_public", "基本公共卫生", "人"),
        ("心理健康教育与危机干预服务", "basic_public", "心理健康", "场"),
        ("无偿献血宣传动员服务", "government_auxiliary", "宣传动员", "场"),
    ],
    "JY": [
        ("中小学课后托管服务", "basic_public", "教育服务", "人"),
        ("家庭教育指导服务", "basic_public", "家庭教育", "场"),
        ("校园心理辅导服务", "basic_public", "心理健康", "校"),
    ],
    "RS": [
        ("职业技能培训服务", "basic_public", "就业培训", "人"),
        ("高校毕业生就业指导服务", "basic_public", "就业服务", "场"),
        ("劳动争议调解辅助服务", "government_auxiliary", "调解服务", "件"),
    ],
    "CL": [
        ("残疾儿童康复训练服务", "basic_public", "残疾人服务", "人"),
        ("残疾人居家托养服务", "basic_public", "残疾人服务", "人"),
        ("辅助器具适配服务", "technical", "康复辅具", "件"),
    ],
    "TJ": [
        ("退役军人关爱帮扶服务", "basic_public", "优抚服务", "人"),
        ("退役军人就业创业培训服务", "basic_public", "就业服务", "人"),
    ],
    "SF": [
        ("社区矫正社会工作服务", "social_management", "社区矫正", "人"),
        ("人民调解辅助服务", "social_management", "人民调解", "件"),
        ("法律援助值班律师辅助服务", "government_auxiliary", "法律服务", "人次"),
    ],
    "WL": [
        ("公共文化场馆运营服务", "basic_public", "公共文化", "个"),
        ("群众文化活动组织服务", "basic_public", "公共文化", "场"),
        ("全民健身指导服务", "basic_public", "体育服务", "场"),
    ],
}
METHODS = (
    (Contract.Method.COMPETITIVE_CONSULTATION, 30),
    (Contract.Method.PUBLIC_TENDER, 25),
    (Contract.Method.COMPETITIVE_NEGOTIATION, 10),
    (Contract.Method.INQUIRY, 10),
    (Contract.Method.OTHER, 15),
    (Contract.Method.SINGLE_SOURCE, 5),
    (Contract.Method.INVITED_TENDER, 5),
)
JUSTIFICATION = "服务对象需连续跟踪照护，按《政府购买服务管理办法》第二十四条签订履行期限不超过3年的合同，分年度预算。"
TERMINATION_REASONS = ("承接主体主要服务人员流失，经双方协商一致解除合同", "服务需求调整，经双方协商终止合同")
RETURN_COMMENTS = ("服务台账不完整，请补充服务对象签字记录", "阶段报告缺少量化指标完成情况，请补充后重新提交")


@dataclass(slots=True)
class DeliverablePlan:
    due_on: datetime.date
    share: Decimal
    status: str = Deliverable.Status.PENDING


@dataclass(slots=True)
class ContractPlan:
    """A contract as the later tables need it."""

    year: int
    department: int
    organization: int
    service: tuple
    amount: Decimal
    start_on: datetime.date
    end_on: datetime.date
    signed_on: datetime.date | None
    status: str
    published_on: datetime.date
    ended_on: datetime.date | None = None  # completed_on or terminated_on
    deliverables: list[DeliverablePlan] = field(default_factory=list)
    id: int = 0
    number: str = ""
    title: str = ""

    @property
    def active(self) -> bool:
        return self.status in Contract.ACTIVE_STATUSES


def _split_shares(rng, count: int) -> list[Decimal]:
    """`count` shares of 100.00 % (each at least 5 %), in cents, summing exactly to 100."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(count)]
    total = sum(weights)
    cents = [max(500, int(10_000 * w / total)) for w in weights[:-1]]
    cents.append(10_000 - sum(cents))
    if cents[-1] < 500:
        cents = [10_000 // count] * (count - 1) + [10_000 - 10_000 // count * (count - 1)]
    return [Decimal(c) / 100 for c in cents]


class ContractMaker:
    def __init__(self, world: World, orgs: Organizations) -> None:
        self.world = world
        self.orgs = orgs
        self.plans: list[ContractPlan] = []
        self.lists: dict[tuple[int, int], tuple[int, datetime.date]] = {}
        self.providers = [pk for pk, flag in zip(orgs.ids(), orgs.provider, strict=True) if flag]

    # -- planning --------------------------------------------------------------------------------------------------

    def plan(self) -> None:
        world, rng = self.world, self.world.rng("contract-plans")
        weights = [1.0 + 0.08 * index for index in range(len(world.years))]
        per_year = [round(world.profile.contracts * w / sum(weights)) for w in weights]
        per_year[-1] = world.profile.contracts - sum(per_year[:-1])
        # Some providers take many contracts, most a few.
        popularity = {pk: rng.paretovariate(1.6) for pk in self.providers}
        pool, pool_weights = list(popularity), list(popularity.values())
        list_rng = world.rng("purchase-list-dates")
        for year, count in zip(world.years, per_year, strict=True):
            for organization in rng.choices(pool, pool_weights, k=count):
                department = self._department(rng, organization)
                key = (department, year)
                if key not in self.lists:
                    published = world.day_between(list_rng, datetime.date(year, 1, 8), datetime.date(year, 3, 15))
                    self.lists[key] = (0, published)
                self.plans.append(self._plan_one(rng, year, department, organization, self.lists[key][1]))
        self._decide_deliverables()

    def _department(self, rng, organization: int) -> int:
        location = self.orgs.location[self.orgs.at(organization)]
        regions = [code for code in self.world.covering(location) if code in self.world.purchasers]
        weights = [6, 3, 1][: len(regions)]
        region = rng.choices(regions, weights)[0]
        return rng.choice(self.world.purchasers[region])

    def _plan_one(self, rng, year, department, organization, published) -> ContractPlan:
        world, today = self.world, self.world.today
        suffix = world.departments[department].code[-2:]
        service = rng.choice(SERVICES[suffix])
        amount = Decimal(min(5_000_000, max(20_000, round(rng.lognormvariate(12.6, 0.8), -3))))
        start = world.day_between(rng, published + 15 * DAY, datetime.date(year, 10, 31))
        if rng.random() < 0.05:
            end = add_years(start, rng.choice((2, 3))) - DAY
        else:
            end = start + rng.randint(180, 364) * DAY
        signed = max(published + DAY, start - rng.randint(3, 20) * DAY)
        if year == today.year and rng.random() < 0.05:
            # Signed in the last weeks, service starting after the reference day.
            start = today + rng.randint(5, 40) * DAY
            end = start + rng.randint(180, 364) * DAY
            signed = max(published + DAY, today - rng.randint(0, 20) * DAY)
        if (year == today.year and rng.random() < 0.06) or signed > today:
            status, signed = Contract.Status.DRAFT, None
        elif start > today:
            status = Contract.Status.SIGNED
        elif rng.random() < 0.015 and start + 30 * DAY < today:
            status = Contract.Status.TERMINATED
        elif end < today:
            late = end > today - 240 * DAY and rng.random() < 0.1
            status = Contract.Status.PERFORMING if late else Contract.Status.COMPLETED
        else:
            status = Contract.Status.PERFORMING
        plan = ContractPlan(year, department, organization, service, amount, start, end, signed, status, published)
        low, high = world.profile.deliverables_per_contract
        count = rng.randint(low, high)
        span = (end - start).days
        shares = _split_shares(rng, count)
        for index in range(count):
            due = start + ((index + 1) * span // count) * DAY
            plan.deliverables.append(DeliverablePlan(due, shares[index]))
        if status == Contract.Status.TERMINATED:
            plan.ended_on = world.day_between(rng, start + 30 * DAY, min(end, today))
        return plan

    def _decide_deliverables(self) -> None:
        """Statuses: what the contract's state and the due days imply, with ≈2.5 % of all deliverables overdue."""
        today, rng = self.world.today, self.world.rng("deliverable-statuses")
        total = sum(len(plan.deliverables) for plan in self.plans)
        candidates = sum(1 for plan in self.plans if plan.active for item in plan.deliverables if item.due_on < today)
        overdue_rate = min(1.0, OVERDUE_TARGET * total / candidates) if candidates else 0.0
        accepted, pending = Deliverable.Status.ACCEPTED, Deliverable.Status.PENDING
        for plan in self.plans:
            for item in plan.deliverables:
                if plan.status in (Contract.Status.DRAFT, Contract.Status.SIGNED):
                    item.status = pending
                elif plan.status == Contract.Status.COMPLETED:
                    item.status = accepted
                elif plan.status == Contract.Status.TERMINATED:
                    item.status = accepted if item.due_on < plan.ended_on else pending
                elif item.due_on < today:
                    if rng.random() < overdue_rate:
                        item.status = rng.choices(
                            [pending, Deliverable.Status.SUBMITTED, Deliverable.Status.RETURNED], [5, 3, 2]
                        )[0]
                    else:
                        item.status = accepted
                else:
                    roll = rng.random()
                    item.status = accepted if roll < 0.04 else Deliverable.Status.SUBMITTED if roll < 0.12 else pending

    # -- writing ---------------------------------------------------------------------------------------------------

    def write(self) -> list[ContractPlan]:
        world = self.world
        rng = world.rng("contracts")
        writer = world.writer
        contracts, items, lists = writer.table(Contract), writer.table(PurchaseItem), writer.table(PurchaseList)
        sequences: dict[tuple[int, int], int] = {}
        item_numbers: dict[int, int] = {}
        self.plans.sort(key=lambda plan: (plan.year, plan.signed_on or plan.start_on, plan.department))
        for plan in self.plans:
            department = world.departments[plan.department]
            key = (plan.department, plan.year)
            list_id, published = self.lists[key]
            if not list_id:
                list_id = lists.add(
                    department_id=plan.department,
                    region_id=world.places[department.region].id,
                    year=plan.year,
                    title=f"{department.name}{plan.year}年度政府购买服务目录",
                    description="根据年度预算编制，经财政部门审核后发布。",
                    status=PurchaseList.Status.PUBLISHED,
                    published_on=published,
                    created_by_id=department.buyer,
                    created_at=world.moment(rng, published - 10 * DAY),
                    updated_at=world.moment(rng, published),
                )
                self.lists[key] = (list_id, published)
            sequences[key] = sequences.get(key, 0) + 1
            item_numbers[list_id] = item_numbers.get(list_id, 0) + 1
            name, category, subcategory, unit = plan.service
            place = world.full_name(department.region)
            plan.title = f"{place}{plan.year}年度{name}项目"
            plan.number = f"{department.code}-{plan.year}-{sequences[key]:04d}"
            amended = plan.status != Contract.Status.DRAFT and rng.random() < 0.04
            old_amount = plan.amount
            if amended and rng.random() < 0.4:
                old_amount = (plan.amount / Decimal(rng.choice(("1.05", "1.1", "1.15")))).quantize(Decimal("1000"))
            budget = (plan.amount * Decimal(str(round(rng.uniform(1.0, 1.3), 2)))).quantize(CENT)
            item = items.add(
                purchase_list_id=list_id,
                code=f"{plan.year}-{item_numbers[list_id]:03d}",
                category=category,
                subcategory=subcategory,
                service_name=name,
                description=f"面向{place}开展{name}。",
                provider_requirements="依法登记、年检合格的社会组织，具备相应专业服务能力。",
                quantity=Decimal(rng.randrange(20, 2000)),
                unit=unit,
                budget=budget,
                service_start_on=plan.start_on,
                service_end_on=plan.end_on,
                performance_targets="服务对象满意度不低于90%，按期完成约定服务量。",
            )
            plan.id = self._contract(rng, contracts, plan, department, item)
            if amended:
                self._amend(rng, plan, department, old_amount)
            self._deliverables(rng, plan, department)
        for (department, year), value in sorted(sequences.items()):
            writer.table(ContractNumberSequence).add(department_id=department, year=year, last_value=value)
        return self.plans

    def _contract(self, rng, contracts, plan: ContractPlan, department, item: int) -> int:
        world = self.world
        multi_year = not (plan.end_on < add_years(plan.start_on, 1))
        created = (plan.signed_on or plan.start_on) - rng.randint(5, 20) * DAY
        if plan.status == Contract.Status.COMPLETED:
            last_accepted = max(d.due_on for d in plan.deliverables) + 20 * DAY
            plan.ended_on = min(world.today, max(last_accepted, plan.signed_on))
        method = rng.choices([m for m, _ in METHODS], [w for _, w in METHODS])[0]
        return contracts.add(
            number=plan.number,
            year=plan.year,
            title=plan.title,
            description=f"承接主体按合同约定提供{plan.service[0]}，按履约事项分期验收、分期付款。",
            department_id=plan.department,
            organization_id=plan.organization,
            purchase_item_id=item,
            method=method,
            amount=plan.amount,
            signed_on=plan.signed_on,
            start_on=plan.start_on,
            end_on=plan.end_on,
            term_justification=JUSTIFICATION if multi_year else "",
            status=plan.status,
            completed_on=plan.ended_on if plan.status == Contract.Status.COMPLETED else None,
            terminated_on=plan.ended_on if plan.status == Contract.Status.TERMINATED else None,
            termination_reason=rng.choice(TERMINATION_REASONS) if plan.status == Contract.Status.TERMINATED else "",
            eligibility_acknowledged_warnings=self._rating_warning(plan),
            created_by_id=department.buyer,
            created_at=world.moment(rng, created),
            updated_at=world.moment(rng, min(world.today, plan.ended_on or plan.signed_on or created)),
        )

    def _rating_warning(self, plan: ContractPlan) -> str:
        """The grade warning `organization_eligibility` gave on the signing day, which the signer acknowledged (the
        providers have no other: no listing, no failed inspection; a 差 grade's warning is not reproduced)."""
        if plan.signed_on is None:
            return ""
        rating = self.orgs.ratings.get(plan.organization)
        if rating is None or rating[1] > plan.signed_on:
            return "未取得社会组织评估等级"
        grade, _awarded, valid_until = rating
        if plan.signed_on < valid_until:
            return ""
        return f"评估等级{grade}已于 {valid_until.isoformat()} 到期，{plan.signed_on.isoformat()} 无有效评估等级"

    def _amend(self, rng, plan: ContractPlan, department, old_amount: Decimal) -> None:
        world = self.world
        latest = min(world.today, plan.ended_on or plan.end_on, plan.end_on)
        day = world.day_between(rng, plan.signed_on + DAY, latest)
        if old_amount != plan.amount:
            kind, old, new, reason = (
                Amendment.Kind.AMOUNT,
                f"{old_amount:.2f}",
                f"{plan.amount:.2f}",
                "服务对象增加，追加服务量",
            )
        else:
            old_end = plan.end_on - rng.randint(20, 60) * DAY
            kind, reason = Amendment.Kind.DATES, "受天气影响部分集中服务活动延期，经双方协商顺延履行期限"
            old, new = (
                f"{plan.start_on.isoformat()} 至 {old_end.isoformat()}",
                f"{plan.start_on.isoformat()} 至 {plan.end_on.isoformat()}",
            )
        world.writer.table(Amendment).add(
            contract_id=plan.id,
            kind=kind,
            old_value=old,
            new_value=new,
            reason=reason,
            amended_on=day,
            amended_by_id=department.buyer,
            recorded_at=world.moment(rng, day),
        )

    def _deliverables(self, rng, plan: ContractPlan, department) -> None:
        world, today = self.world, self.world.today
        writer = world.writer
        deliverables, submissions, payments = writer.table(Deliverable), writer.table(Submission), writer.table(Payment)
        count = len(plan.deliverables)
        paid = Decimal(0)
        instalment = 0
        last_paid = plan.signed_on
        for index, item in enumerate(plan.deliverables, start=1):
            title = f"第{index}期服务及阶段报告" if index < count else "项目总结报告及终期验收"
            accepted_at = None
            times = []
            if item.status != Deliverable.Status.PENDING:
                times = self._submission_times(rng, plan, item)
                accepted_at = times[-1][1] if item.status == Deliverable.Status.ACCEPTED else None
            pk = deliverables.add(
                contract_id=plan.id,
                title=title,
                description=f"完成本期约定的{plan.service[0]}服务量，提交服务台账和阶段报告。",
                due_on=item.due_on,
                payment_share=item.share,
                acceptance_criteria="服务台账完整、服务对象签字确认、阶段目标达成。",
                status=item.status,
                accepted_at=accepted_at,
            )
            member = world.member(plan.organization) if times else None
            for submitted_at, decided_at, decision in times:
                submissions.add(
                    deliverable_id=pk,
                    report=f"{title}：已按合同约定完成本期服务，服务台账及影像资料见附件。",
                    submitted_at=submitted_at,
                    submitted_by_id=member,
                    decision=decision,
                    decided_at=decided_at,
                    decided_by_id=department.buyer if decision else None,
                    decision_comment=rng.choice(RETURN_COMMENTS) if decision == Submission.Decision.RETURNED else "",
                    accepted_on=timezone.localdate(decided_at) if decision == Submission.Decision.ACCEPTED else None,
                )
            if plan.active and item.status != Deliverable.Status.ACCEPTED and item.due_on < today:
                flagged = item.due_on + DAY
                writer.table(DeliverableOverdueFlag).add(
                    deliverable_id=pk, due_on=item.due_on, flagged_on=flagged, flagged_at=world.moment(rng, flagged)
                )
            if accepted_at is None or (plan.status != Contract.Status.COMPLETED and rng.random() < 0.12):
                continue
            paid_on = max(last_paid, min(today, accepted_at.date() + rng.randint(5, 30) * DAY))
            if plan.status == Contract.Status.COMPLETED and index == count:
                amount = plan.amount - paid
            else:
                amount = (plan.amount * item.share / 100).quantize(CENT, rounding=ROUND_DOWN)
            if amount <= 0:
                continue
            instalment += 1
            paid += amount
            last_paid = paid_on
            payments.add(
                contract_id=plan.id,
                instalment=instalment,
                amount=amount,
                paid_on=paid_on,
                deliverable_id=pk,
                note=f"支付{title}款项",
                recorded_by_id=department.buyer,
                recorded_at=world.moment(rng, paid_on),
            )

    def _submission_times(self, rng, plan: ContractPlan, item: DeliverablePlan) -> list[tuple]:
        """(submitted_at, decided_at, decision) of each submission, the last one deciding the status."""
        world, today = self.world, self.world.today
        status = item.status
        if item.due_on < today:
            first = world.day_between(
                rng, max(plan.start_on, item.due_on - 12 * DAY), min(today, item.due_on + 3 * DAY)
            )
        else:
            first = world.day_between(rng, max(plan.start_on, today - 20 * DAY), today)
        if plan.ended_on is not None:
            first = min(first, plan.ended_on)
        first = max(first, plan.signed_on)
        result = []
        returned_first = status == Deliverable.Status.RETURNED or rng.random() < 0.1
        submitted = world.moment(rng, first)
        if returned_first:
            decided = min(world.now, submitted + rng.randint(1, 6) * DAY)
            result.append((submitted, decided, Submission.Decision.RETURNED))
            if status == Deliverable.Status.RETURNED:
                return result
            submitted = min(world.now, decided + rng.randint(1, 5) * DAY)
        if status == Deliverable.Status.SUBMITTED:
            result.append((submitted, None, None))
            return result
        decided = min(world.now, submitted + rng.randint(1, 5) * DAY)
        if plan.ended_on is not None:
            decided = min(decided, world.moment(rng, plan.ended_on))
            decided = max(decided, submitted)
        result.append((submitted, decided, Submission.Decision.ACCEPTED))
        return result


def make_contracts(world: World, orgs: Organizations) -> list[ContractPlan]:
    maker = ContractMaker(world, orgs)
    maker.plan()
    return maker.write()
