"""Random draws with their entries, inspections (with inspectors), complaints, rectification orders and answers.

- Every county's bureau draws its active organizations in the last two years at the county rate
  (`supervision.sampling`: population ordered by code, `draw_sample` with a recorded seed, so `verify_draw` recomputes
  the same sample); each drawn organization gets a random inspection. The other inspections are targeted, on-site
  (always two inspectors) or document reviews, some of a contract of the organization.
- Complaints are received over the five years; the old ones are decided (upheld or dismissed), recent ones received or
  under review, each with a unique tracking code.
- Rectification orders come from inspections that found problems, upheld complaints, 差 evaluations and direct orders.
  An order whose deadline has passed was answered and verified in time, except a few that went overdue: those are
  escalated as the deadline check does (the overdue mark, an activity-abnormal listing, the order's link to it).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from contracts.models import Contract
from evaluations import scoring
from portal.generator.contract_data import ContractPlan
from portal.generator.registry_data import Organizations
from portal.generator.world import World
from registry.models import CreditListing, Organization, Region
from supervision import sampling
from supervision.models import (
    Complaint,
    Inspection,
    OrderListing,
    OrderResponse,
    RectificationOrder,
    SampleDraw,
    SampleDrawEntry,
)
from supervision.services import TRACKING_ALPHABET, TRACKING_CODE_LENGTH

DAY = datetime.timedelta(days=1)
FINDINGS = (
    "财务管理不规范，部分支出凭证不全",
    "服务台账记录不完整，部分服务对象未签字确认",
    "未按章程规定召开理事会",
    "年度工作报告与实际开展活动不符",
)
SUBJECTS = (
    ("服务未按约定开展", "承接的服务项目实际开展次数明显少于宣传内容，希望核查。"),
    ("收取服务对象费用", "在政府购买的免费服务中向老人收取费用。"),
    ("工作人员态度问题", "上门服务人员多次迟到，服务时间不足。"),
    ("虚报服务人数", "活动签到表存在代签情况，怀疑虚报服务人次。"),
)
REQUIREMENTS = "针对检查发现的问题制定整改方案，完善相关制度和台账，于整改期限内报送整改报告及佐证材料。"


class SupervisionMaker:
    def __init__(self, world: World, orgs: Organizations, plans: list[ContractPlan], grades: dict) -> None:
        self.world = world
        self.orgs = orgs
        self.grades = grades
        self.contracts_of: dict[int, list[ContractPlan]] = defaultdict(list)
        self.plan_by_id = {}
        for plan in plans:
            if plan.status != Contract.Status.DRAFT:
                self.contracts_of[plan.organization].append(plan)
                self.plan_by_id[plan.id] = plan
        self.active = [
            pk for pk, status in zip(orgs.ids(), orgs.status, strict=True) if status == Organization.Status.NORMAL
        ]
        self.providers = [pk for pk in self.contracts_of]
        self.problem_inspections: list[tuple] = []  # (inspection, organization, department, day, contract)
        self.upheld: list[tuple] = []
        writer = world.writer
        self.inspections = writer.table(Inspection)
        self.inspectors = writer.m2m(Inspection, "inspectors")

    def bureau_of(self, organization: int) -> int:
        return self.orgs.authority[self.orgs.at(organization)]

    # -- draws and inspections -------------------------------------------------------------------------------------

    def draws(self) -> None:
        world, orgs = self.world, self.orgs
        rng = world.rng("draws")
        draws, entries = world.writer.table(SampleDraw), world.writer.table(SampleDrawEntry)
        by_county: dict[str, list[int]] = defaultdict(list)
        for pk, location, status in zip(orgs.ids(), orgs.location, orgs.status, strict=True):
            if status == Organization.Status.NORMAL:
                by_county[location].append(pk)
        counties = [p for p in world.scope if p.level == Region.Level.COUNTY]
        done = set(SampleDraw.objects.values_list("region__code", "year"))  # one draw per region and year
        for year in (world.today.year - 1, world.today.year):
            for county in counties:
                drawn_day = world.day_between(rng, datetime.date(year, 3, 10), datetime.date(year, 4, 20))
                if drawn_day > world.today or (county.code, year) in done:
                    continue
                population = sorted(
                    (orgs.uscc[orgs.at(pk)], pk)
                    for pk in by_county[county.code]
                    if orgs.established[orgs.at(pk)] < drawn_day
                )
                if not population:
                    continue
                usccs = [code for code, _pk in population]
                rate = Decimal(sampling.DEFAULT_SAMPLE_RATES[Region.Level.COUNTY])
                size = sampling.sample_size(len(usccs), rate)
                seed = rng.getrandbits(sampling.SEED_BITS)
                bureau = world.bureaus[county.code]
                drawer = world.official(rng, bureau)
                draw = draws.add(
                    region_id=county.id,
                    year=year,
                    rate=rate,
                    seed=seed,
                    population_count=len(usccs),
                    population_hash=sampling.population_digest(usccs),
                    population_usccs="\n".join(usccs),
                    sample_size=size,
                    note="年度双随机抽查",
                    drawn_by_id=drawer,
                    drawn_at=world.moment(rng, drawn_day),
                )
                ids = dict(population)
                for position, code in enumerate(sampling.draw_sample(usccs, seed=seed, size=size), start=1):
                    entries.add(draw_id=draw, organization_id=ids[code], position=position)
                    planned = drawn_day + rng.randint(10, 200) * DAY
                    self._inspection(rng, ids[code], Inspection.Kind.RANDOM, bureau, planned, draw=draw)

    def other_inspections(self) -> None:
        rng = self.world.rng("inspections")
        world = self.world
        start, end = datetime.date(world.years[0], 1, 1), world.today + 60 * DAY
        while self.inspections.stats.rows + len(self.inspections.rows) < world.profile.inspections:
            kind = rng.choices(
                [Inspection.Kind.TARGETED, Inspection.Kind.ON_SITE, Inspection.Kind.DOCUMENT], [3, 4, 3]
            )[0]
            contract = None
            if self.providers and rng.random() < 0.5:
                organization = rng.choice(self.providers)
                contract = rng.choice(self.contracts_of[organization])
            else:
                organization = rng.choice(self.active)
            department = self.bureau_of(organization)
            if contract is not None and kind != Inspection.Kind.ON_SITE and rng.random() < 0.4:
                department = contract.department
            planned = world.day_between(rng, start, end)
            if contract is not None:
                planned = world.day_between(rng, contract.signed_on, max(contract.signed_on, end))
            self._inspection(rng, organization, kind, department, planned, contract=contract)

    def _inspection(self, rng, organization, kind, department, planned, *, draw=None, contract=None) -> None:
        world = self.world
        officials = world.departments[department].officials
        creator = rng.choice(officials)
        done = planned < world.today - 7 * DAY
        problems = done and rng.random() < 0.15
        inspected = planned + rng.randint(0, 5) * DAY if done else None
        pk = self.inspections.add(
            organization_id=organization,
            contract_id=contract.id if contract else None,
            kind=kind,
            department_id=department,
            sample_draw_id=draw,
            planned_on=planned,
            inspected_on=inspected,
            findings=rng.choice(FINDINGS) if problems else "",
            conclusion=(Inspection.Conclusion.PROBLEMS_FOUND if problems else Inspection.Conclusion.NO_PROBLEM)
            if done
            else "",
            status=Inspection.Status.COMPLETED if done else Inspection.Status.PLANNED,
            created_by_id=creator,
            created_at=world.moment(rng, min(world.today, planned - 10 * DAY)),
            completed_by_id=creator if done else None,
            completed_at=world.moment(rng, inspected + DAY) if done else None,
        )
        team = officials if kind == Inspection.Kind.ON_SITE or len(officials) == 1 else [creator]
        for user in team:
            self.inspectors.add(inspection_id=pk, user_id=user)
        if problems:
            self.problem_inspections.append((pk, organization, department, inspected, contract))

    # -- complaints ------------------------------------------------------------------------------------------------

    def complaints(self) -> None:
        world = self.world
        rng = world.rng("complaints")
        table = world.writer.table(Complaint)
        codes: set[str] = set(Complaint.objects.values_list("tracking_code", flat=True))
        for _number in range(world.profile.complaints):
            contract = None
            if self.providers and rng.random() < 0.6:
                organization = rng.choice(self.providers)
                contract = rng.choice(self.contracts_of[organization]) if rng.random() < 0.7 else None
            else:
                organization = rng.choice(self.active)
            earliest = contract.signed_on + 10 * DAY if contract else datetime.date(world.years[0], 1, 1)
            received_day = world.day_between(rng, earliest, world.today)
            received = world.moment(rng, received_day)
            age = (world.today - received_day).days
            status = Complaint.Status.RECEIVED
            if age > 60 or (age > 20 and rng.random() < 0.5):
                status = Complaint.Status.UPHELD if rng.random() < 0.35 else Complaint.Status.DISMISSED
            elif age > 3 and rng.random() < 0.5:
                status = Complaint.Status.UNDER_REVIEW
            bureau = self.bureau_of(organization)
            handler = world.official(rng, bureau) if status != Complaint.Status.RECEIVED else None
            review = min(world.now, received + rng.randint(1, 5) * DAY) if handler else None
            decided = (
                min(world.now, review + rng.randint(5, 30) * DAY) if status in Complaint.DECIDED_STATUSES else None
            )
            code = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))
            while code in codes:
                code = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))
            codes.add(code)
            subject, text = rng.choice(SUBJECTS)
            upheld = status == Complaint.Status.UPHELD
            pk = table.add(
                tracking_code=code,
                organization_id=organization,
                contract_id=contract.id if contract else None,
                subject=subject,
                text=text,
                contact_name=world.person(rng) if rng.random() < 0.7 else "",
                contact_phone=world.phone(rng, self.orgs.location[self.orgs.at(organization)])
                if rng.random() < 0.6
                else "",
                status=status,
                received_at=received,
                handler_id=handler,
                review_started_at=review,
                decided_at=decided,
                decided_by_id=handler if decided else None,
                reasoning=("经调查核实，反映情况属实，已责令整改。" if upheld else "经调查核实，反映情况不属实。")
                if decided
                else "",
            )
            if upheld:
                self.upheld.append((pk, organization, bureau, decided.date(), contract))

    # -- rectification orders --------------------------------------------------------------------------------------

    def orders(self, evaluation_sources: list[tuple]) -> None:
        world = self.world
        rng = world.rng("orders")
        total = world.profile.orders
        sources = []
        sources += [("evaluation", row) for row in evaluation_sources[: total // 10]]
        sources += [
            ("inspection", row)
            for row in rng.sample(self.problem_inspections, min(len(self.problem_inspections), total * 45 // 100))
        ]
        sources += [("complaint", row) for row in rng.sample(self.upheld, min(len(self.upheld), total // 4))]
        while len(sources) < total:
            organization = rng.choice(self.active)
            day = world.day_between(rng, datetime.date(world.years[0], 1, 1), world.today - 3 * DAY)
            sources.append(("direct", (None, organization, self.bureau_of(organization), day, None)))
        sources.sort(key=lambda row: (row[1][3], row[0], row[1][0] or 0))
        for source, (source_id, organization, department, day, contract) in sources:
            issued = min(world.today, day + rng.randint(3, 15) * DAY)
            self._order(rng, source, source_id, organization, department, issued, contract)

    def _order(self, rng, source, source_id, organization, department, issued, contract) -> None:
        world = self.world
        writer = world.writer
        orders, responses = writer.table(RectificationOrder), writer.table(OrderResponse)
        deadline = issued + rng.choice((30, 45, 60)) * DAY
        official = world.official(rng, department)
        pk = orders.new_pk()
        status, verified_on, overdue_at = RectificationOrder.Status.ISSUED, None, None
        answers = []  # (responded day, decision, decided day)
        if deadline < world.today:
            if rng.random() < 0.05:
                overdue_at = world.moment(rng, deadline + DAY)
            else:
                first = world.day_between(rng, issued + 5 * DAY, deadline)
                if rng.random() < 0.1:
                    back = min(deadline, first + rng.randint(1, 5) * DAY)
                    answers.append((first, OrderResponse.Decision.RETURNED, back))
                    first = min(deadline, back + DAY)
                verified_on = min(world.today, first + rng.randint(2, 10) * DAY)
                answers.append((first, OrderResponse.Decision.VERIFIED, verified_on))
                status = RectificationOrder.Status.VERIFIED
        else:
            roll = rng.random()
            if roll < 0.5 or issued + 5 * DAY > world.today:
                pass
            else:
                first = world.day_between(rng, issued + 5 * DAY, world.today)
                if roll < 0.85:
                    answers.append((first, None, None))
                    status = RectificationOrder.Status.ANSWERED
                else:
                    answers.append((first, OrderResponse.Decision.RETURNED, min(world.today, first + 2 * DAY)))
                    status = RectificationOrder.Status.RETURNED
        member = world.member(organization) if answers else None
        for responded, decision, decided in answers:
            responses.add(
                order_id=pk,
                text="已按整改要求完善制度和台账，整改报告及佐证材料见附件。",
                responded_by_id=member,
                responded_at=world.moment(rng, responded),
                responded_on=responded,
                decision=decision,
                decision_reason="佐证材料不足，请补充整改前后对比材料"
                if decision == OrderResponse.Decision.RETURNED
                else "",
                decided_by_id=official if decision else None,
                decided_at=world.moment(rng, decided) if decision else None,
            )
        requirements = REQUIREMENTS
        orders.add(
            pk=pk,
            organization_id=organization,
            department_id=department,
            source=source,
            inspection_id=source_id if source == "inspection" else None,
            complaint_id=source_id if source == "complaint" else None,
            evaluation_id=source_id if source == "evaluation" else None,
            contract_id=contract.id if contract else None,
            source_reference="",
            requirements=requirements,
            issued_on=issued,
            deadline=deadline,
            status=status,
            verified_on=verified_on,
            overdue_marked_at=overdue_at,
            issued_by_id=official,
            created_at=world.moment(rng, issued),
        )
        if overdue_at is not None:
            self._escalate(rng, pk, organization, department, deadline, requirements, overdue_at)

    def _escalate(self, rng, order, organization, department, deadline, requirements, at) -> None:
        """What `escalation.check_deadlines` records the day after the deadline."""
        writer = self.world.writer
        listing = self.orgs.open_abnormal.get(organization)
        created = listing is None
        if created:
            name = self.world.departments[department].name
            listing = writer.table(CreditListing).add(
                organization_id=organization,
                list_kind=CreditListing.List.ABNORMAL,
                reason=f"未在整改期限（{deadline.isoformat()}）内完成{name}整改通知 #{order} 的要求：{requirements}",
                listed_on=deadline + DAY,
                deciding_authority_id=department,
            )
            self.orgs.open_abnormal[organization] = listing
        writer.table(OrderListing).add(order_id=order, listing_id=listing, created_listing=created, linked_at=at)


def make_supervision(world: World, orgs: Organizations, plans: list[ContractPlan], grades: dict) -> None:
    maker = SupervisionMaker(world, orgs, plans, grades)
    maker.draws()
    maker.other_inspections()
    maker.complaints()
    poor = []
    for evaluation, (grade, contract, day) in sorted(grades.items()):
        if grade == scoring.POOR:
            plan = maker.plan_by_id[contract]
            poor.append((evaluation, plan.organization, plan.department, day, plan))
    maker.orders(poor)
