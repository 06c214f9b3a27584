"""Inner Mongolia demo data for supervision, built through the services so history is complete.

In 呼和浩特市, 2026: the yearly random draw (seed 20260315) with its inspections; an on-site inspection by two
officials of 呼和浩特市民政局 (registrar_hh and purchaser_hhmz) that found problems and led to an order, answered and
verified; an order never answered, which the deadline check escalated to the activity-abnormal list; three complaints
(one just received, one upheld that led to an order now answered and awaiting verification, one dismissed).

Organizations, users and contracts are taken from the registry and contracts demos (run those first): the organizations
are looked up by name, falling back to other Hohhot organizations when a name is missing; members are the demo members
of the organizations (a demo member is created for an organization that has none).

Idempotent: each record is found by its natural key (region and year; organization with kind and date; organization with
requirements or subject) and every step runs only from the state it expects.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from contracts.models import Contract
from registry.demo import ensure_user
from registry.models import Organization, Region
from supervision import services
from supervision.escalation import check_deadlines
from supervision.models import Complaint, Inspection, OrderListing, RectificationOrder, SampleDraw

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")

DRAW_SEED = 20260315
DRAW_YEAR = 2026
HOHHOT = "150100"

# The organization of each story, by name (the registry demo's names), and the fallback order.
INSPECTED = "呼和浩特市新城区夕阳红养老服务中心"
COMPLAINED_ABOUT = "呼和浩特市赛罕区阳光社会工作服务中心"
OVERDUE = "呼和浩特市社会工作协会"
NEWLY_COMPLAINED = "呼和浩特市回民区向日葵儿童发展中心"

ON_SITE_FINDINGS = (
    "实地查看服务台账和回访记录：上门服务签到表缺少服务对象签字 37 人次；"
    "2026 年 4 月有 12 人次服务记录与派单记录不一致；服务人员健康证 2 人已过期。"
)
ON_SITE_ORDER = "补齐上门服务签到记录并逐一回访核实；建立派单与服务记录的每日核对制度；为服务人员更新健康证明。"
OVERDUE_ORDER = "按规定报送 2025 年度财务审计报告，并在社会组织信用信息公示平台公开。"
COMPLAINT_ORDER = "对投诉反映的未按约定上门问题逐户核查，补足缺失的服务人次，并书面报告整改情况。"

UPHELD_SUBJECT = "助老服务未按约定频次上门"
DISMISSED_SUBJECT = "养老服务中心收取额外费用"
RECEIVED_SUBJECT = "托管班师生比不符合宣传"


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _user(username: str):
    user = get_user_model().objects.filter(username=username).select_related("department__region").first()
    if user is None:
        raise RuntimeError(f"demo user {username} is missing: run the registry demo first")
    return user


def _hohhot_organizations() -> list[Organization]:
    hohhot = Region.objects.get(code=HOHHOT)
    return list(
        Organization.objects.filter(region__path__startswith=hohhot.path, status=Organization.Status.NORMAL)
        .select_related("region")
        .order_by("name")
    )


def _pick(name: str, candidates: list[Organization], used: set[int]) -> Organization:
    """The organization called `name`, else the first unused Hohhot organization."""
    for organization in candidates:
        if organization.name == name:
            used.add(organization.pk)
            return organization
    for organization in candidates:
        if organization.pk not in used:
            used.add(organization.pk)
            return organization
    raise RuntimeError("too few demo organizations in 呼和浩特市: run the registry demo first")


def _member(organization: Organization):
    """A member of the organization: an existing one, else a demo member created for it."""
    member = get_user_model().objects.filter(organization=organization, is_active=True).order_by("username").first()
    if member is not None:
        return member
    return ensure_user(
        f"member_sv{organization.pk}",
        display_name=f"{organization.name}联络员",
        organization=organization,
        email=f"member_sv{organization.pk}@example.cn",
    )


def _contract_of(organization: Organization) -> Contract | None:
    return (
        Contract.objects.filter(organization=organization)
        .exclude(status=Contract.Status.DRAFT)
        .order_by("signed_on", "number")
        .first()
    )


# --- the random draw -----------------------------------------------------------------------------------------------


def seed_draw(registrar, colleague) -> SampleDraw:
    region = Region.objects.get(code=HOHHOT)
    draw = SampleDraw.objects.filter(region=region, year=DRAW_YEAR).first()
    if draw is None:
        draw = services.sample_draw_create(
            actor=registrar,
            region=region,
            year=DRAW_YEAR,
            seed=DRAW_SEED,
            note="2026 年度社会组织“双随机、一公开”抽查，按市级比例 4% 抽取。",
            now=_at(D(2026, 3, 15), 9, 30),
        )
    services.sample_draw_plan_inspections(
        actor=registrar, draw=draw, planned_on=D(2026, 4, 20), inspectors=[registrar, colleague]
    )
    for inspection in draw.inspections.filter(status=Inspection.Status.PLANNED):
        services.inspection_complete(
            actor=registrar,
            inspection=inspection,
            inspected_on=D(2026, 4, 21),
            conclusion=Inspection.Conclusion.NO_PROBLEM,
            findings="登记事项、章程执行、财务管理和信息公开情况与登记记录一致。",
        )
    return draw


# --- inspections and orders ----------------------------------------------------------------------------------------


def seed_on_site(registrar, colleague, organization: Organization) -> RectificationOrder:
    """An on-site inspection by two officials that found problems, its order, the answer and the verification."""
    contract = _contract_of(organization)
    inspection = Inspection.objects.filter(
        organization=organization, kind=Inspection.Kind.ON_SITE, planned_on=D(2026, 5, 8)
    ).first()
    if inspection is None:
        inspection = services.inspection_plan(
            actor=registrar,
            organization=organization,
            kind=Inspection.Kind.ON_SITE,
            planned_on=D(2026, 5, 8),
            inspectors=[registrar, colleague],
            contract=contract,
        )
    if inspection.is_planned:
        services.inspection_complete(
            actor=registrar,
            inspection=inspection,
            inspected_on=D(2026, 5, 9),
            conclusion=Inspection.Conclusion.PROBLEMS_FOUND,
            findings=ON_SITE_FINDINGS,
        )
    order = RectificationOrder.objects.filter(organization=organization, requirements=ON_SITE_ORDER).first()
    if order is None:
        order = services.order_issue(
            actor=registrar,
            organization=organization,
            requirements=ON_SITE_ORDER,
            deadline=D(2026, 6, 12),
            issued_on=D(2026, 5, 12),
            source=RectificationOrder.Source.INSPECTION,
            inspection=inspection,
            contract=contract,
        )
    if order.status == RectificationOrder.Status.ISSUED:
        services.order_answer(
            actor=_member(organization),
            order=order,
            text=(
                "已补齐签到记录并回访核实 37 人次；自 6 月 1 日起执行派单与服务记录每日核对；"
                "2 名服务人员已更新健康证明。"
            ),
            now=_at(D(2026, 6, 5), 15),
        )
    if order.status == RectificationOrder.Status.ANSWERED:
        services.order_verify(
            actor=registrar,
            order=order,
            comment="经复查，整改措施已落实。",
            on=D(2026, 6, 8),
            now=_at(D(2026, 6, 8), 11),
        )
    return order


def seed_overdue(registrar, organization: Organization) -> RectificationOrder:
    """An order never answered; the deadline check of 1 September 2026 lists the organization as abnormal."""
    order = RectificationOrder.objects.filter(organization=organization, requirements=OVERDUE_ORDER).first()
    if order is None:
        order = services.order_issue(
            actor=registrar,
            organization=organization,
            requirements=OVERDUE_ORDER,
            deadline=D(2026, 8, 31),
            issued_on=D(2026, 8, 1),
            source_reference="呼民社整改〔2026〕12号",
        )
    if not OrderListing.objects.filter(order=order).exists():
        check_deadlines(on=D(2026, 9, 1), now=_at(D(2026, 9, 1), 1))
        order.refresh_from_db()
    return order


# --- complaints ----------------------------------------------------------------------------------------------------


def _complaint(organization: Organization, subject: str, **fields) -> Complaint:
    complaint = Complaint.objects.filter(organization=organization, subject=subject).first()
    if complaint is None:
        complaint = services.complaint_file(organization=organization, subject=subject, **fields)
    return complaint


def seed_complaints(registrar, upheld_about: Organization, dismissed_about: Organization, received_about: Organization):
    contract = _contract_of(upheld_about)
    upheld = _complaint(
        upheld_about,
        UPHELD_SUBJECT,
        contract=contract,
        text="我家老人签约每周两次上门助洁，10 月份只来了三次，打电话说人手不够。",
        contact_name="刘先生",
        contact_phone="13804710000",
        now=_at(D(2026, 11, 1), 20),
    )
    if upheld.status == Complaint.Status.RECEIVED:
        services.complaint_start_review(actor=registrar, complaint=upheld, now=_at(D(2026, 11, 2), 9))
        upheld.refresh_from_db()
    if upheld.status == Complaint.Status.UNDER_REVIEW:
        services.complaint_uphold(
            actor=registrar,
            complaint=upheld,
            reasoning="经调取派单记录并电话回访 20 户，10 月份有 6 户上门频次低于合同约定，投诉属实，已责令整改。",
            internal_note="回访记录见检查档案。",
            now=_at(D(2026, 11, 8), 16),
        )
    order = upheld.orders.first()
    if order is None:
        order = services.complaint_open_order(
            actor=registrar,
            complaint=upheld,
            requirements=COMPLAINT_ORDER,
            deadline=D(2026, 12, 10),
            issued_on=D(2026, 11, 10),
        )
    if order.status == RectificationOrder.Status.ISSUED:
        services.order_answer(
            actor=_member(upheld_about),
            order=order,
            text="已逐户核查 20 户，补足上门服务 14 人次，新增 2 名服务人员，排班表已报送。",
            now=_at(D(2026, 11, 20), 14),
        )

    dismissed = _complaint(
        dismissed_about,
        DISMISSED_SUBJECT,
        text="听说该中心上门服务要另外收取交通费。",
        now=_at(D(2026, 10, 5), 19),
    )
    if dismissed.status == Complaint.Status.RECEIVED:
        services.complaint_start_review(actor=registrar, complaint=dismissed, now=_at(D(2026, 10, 8), 9))
        dismissed.refresh_from_db()
    if dismissed.status == Complaint.Status.UNDER_REVIEW:
        services.complaint_dismiss(
            actor=registrar,
            complaint=dismissed,
            reasoning="经查阅收费记录并回访服务对象，未发现收取合同约定以外费用的情况，投诉不属实。",
            now=_at(D(2026, 10, 15), 10),
        )

    _complaint(
        received_about,
        RECEIVED_SUBJECT,
        text="课后托管班宣传师生比 1:8，实际一名老师带二十多个孩子。",
        contact_email="parent@example.cn",
        now=_at(D(2026, 11, 25), 21),
    )


def seed() -> dict:
    """Build the supervision demo; returns the main records by story."""
    registrar = _user("registrar_hh")
    colleague = _user("purchaser_hhmz")
    candidates = _hohhot_organizations()
    used: set[int] = set()
    inspected = _pick(INSPECTED, candidates, used)
    complained_about = _pick(COMPLAINED_ABOUT, candidates, used)
    overdue = _pick(OVERDUE, candidates, used)
    newly_complained = _pick(NEWLY_COMPLAINED, candidates, used)

    draw = seed_draw(registrar, colleague)
    verified = seed_on_site(registrar, colleague, inspected)
    escalated = seed_overdue(registrar, overdue)
    seed_complaints(registrar, complained_about, inspected, newly_complained)
    return {"draw": draw, "verified_order": verified, "overdue_order": escalated}
