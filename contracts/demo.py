"""Inner Mongolia demo data for purchase lists and contracts, built through the services so history is complete.

Two published purchase lists (Hohhot health commission, Chifeng ageing office) and one draft; eight contracts in
every state: a draft, signed ones, performing ones with submissions (one returned and resubmitted, one deliverable
overdue), a completed one paid in full, and a terminated one. Organizations are taken from the registry demo by
region and business scope (none is created here); purchasers are purchaser_hh and purchaser_cf. Submissions are made
by a member of the contracted organization: an existing one such as member_yg, else a demo member created for it.
Each submission, decision and payment, and each contract scan, carries its own day in 2026, so acceptances precede
the payments and the completion that follow them.

Idempotent: a list is found by department, year and title; a contract by department and title. What exists is left
as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from contracts import services
from contracts.models import Contract, PurchaseItem, PurchaseList
from registry.models import Department, Organization, Region
from registry.selectors import organization_eligibility

D = datetime.date
C = PurchaseItem.Category
M = Contract.Method


class DemoItem(NamedTuple):
    code: str
    category: str
    subcategory: str
    service_name: str
    description: str
    provider_requirements: str
    quantity: str
    unit: str
    budget: str
    service_start_on: datetime.date
    service_end_on: datetime.date
    performance_targets: str


class DemoList(NamedTuple):
    department: str
    year: int
    title: str
    description: str
    published_on: datetime.date | None  # None: stays a draft
    items: list[DemoItem]


HOHHOT_2026 = "呼和浩特市卫生健康委员会 2026 年政府购买服务目录"
CHIFENG_2026 = "赤峰市老龄工作委员会办公室 2026 年政府购买服务目录"

LISTS = [
    DemoList(
        "HHWJ",
        2026,
        HOHHOT_2026,
        "依据《政府购买服务管理办法》（财政部令第102号）编制，面向依法登记的社会组织公开购买。",
        D(2026, 1, 20),
        [
            DemoItem(
                "HW2026-01",
                C.BASIC_PUBLIC,
                "养老服务",
                "居家养老上门服务",
                "为城区失能、半失能、高龄独居老年人提供助餐、助洁、助浴、助医等上门服务。",
                "依法登记满两年，具有养老服务经验和专职护理人员不少于 10 名。",
                "36000",
                "人次",
                "1200000.00",
                D(2026, 3, 1),
                D(2027, 2, 28),
                "服务覆盖老年人不少于 1500 人；服务满意度不低于 90%。",
            ),
            DemoItem(
                "HW2026-02",
                C.BASIC_PUBLIC,
                "公共卫生服务",
                "社区心理健康服务",
                "在社区开展心理健康讲座、个案心理疏导和重点人群心理危机干预转介。",
                "配备持证社会工作者或心理咨询人员不少于 5 名。",
                "240",
                "场",
                "600000.00",
                D(2026, 3, 1),
                D(2027, 2, 28),
                "开展讲座不少于 120 场，个案服务不少于 300 人次。",
            ),
            DemoItem(
                "HW2026-03",
                C.GOVERNMENT_AUXILIARY,
                "政策宣传与随访辅助",
                "家庭医生签约服务随访辅助",
                "协助社区卫生服务中心开展签约居民电话随访、健康档案信息核对和政策宣传。",
                "具有社区服务经验，能够保障个人信息安全。",
                "20000",
                "户",
                "300000.00",
                D(2026, 5, 1),
                D(2027, 4, 30),
                "随访完成率不低于 95%，信息核对差错率低于 1%。",
            ),
            DemoItem(
                "HW2026-04",
                C.INDUSTRY_COORDINATION,
                "行业标准与规范",
                "基层医疗卫生机构服务规范编制咨询",
                "组织行业专家调研并起草社区卫生服务规范，召开论证会。",
                "具有行业协会资质或相关研究经验。",
                "1",
                "项",
                "200000.00",
                D(2026, 6, 1),
                D(2026, 12, 31),
                "形成规范文本 1 份并通过专家论证。",
            ),
        ],
    ),
    DemoList(
        "CFLL",
        2026,
        CHIFENG_2026,
        "重点支持农村牧区养老服务和老年人权益保障。",
        D(2026, 2, 10),
        [
            DemoItem(
                "CL2026-01",
                C.BASIC_PUBLIC,
                "养老服务",
                "农村牧区互助养老幸福院运营服务",
                "承接农村牧区互助养老幸福院日常运营，提供日间照料、助餐和文体活动。",
                "具有养老机构或幸福院运营经验。",
                "12",
                "所",
                "1600000.00",
                D(2026, 4, 1),
                D(2028, 3, 31),
                "幸福院开放率 100%，入住老年人满意度不低于 90%。",
            ),
            DemoItem(
                "CL2026-02",
                C.TECHNICAL,
                "评估服务",
                "老年人能力综合评估",
                "按照国家标准对申请养老服务补贴的老年人开展能力评估并出具评估报告。",
                "评估人员持有老年人能力评估师证书。",
                "3000",
                "人",
                "450000.00",
                D(2026, 5, 1),
                D(2026, 12, 31),
                "评估报告按时出具率 100%。",
            ),
            DemoItem(
                "CL2026-03",
                C.SOCIAL_MANAGEMENT,
                "权益保障",
                "老年人防范电信网络诈骗宣传教育",
                "深入社区、嘎查村开展防诈骗宣传讲座和入户宣传。",
                "熟悉蒙汉双语宣传者优先。",
                "150",
                "场",
                "150000.00",
                D(2026, 5, 1),
                D(2026, 12, 31),
                "宣传覆盖老年人不少于 2 万人次。",
            ),
        ],
    ),
    DemoList(
        "HHWJ",
        2027,
        "呼和浩特市卫生健康委员会 2027 年政府购买服务目录",
        "2027 年度目录征求意见稿。",
        None,
        [
            DemoItem(
                "HW2027-01",
                C.BASIC_PUBLIC,
                "养老服务",
                "居家养老上门服务",
                "延续 2026 年度服务内容，扩大至土默特左旗、托克托县。",
                "依法登记满两年，具有养老服务经验。",
                "42000",
                "人次",
                "1400000.00",
                D(2027, 3, 1),
                D(2028, 2, 29),
                "服务满意度不低于 92%。",
            ),
            DemoItem(
                "HW2027-02",
                C.TECHNICAL,
                "信息化服务",
                "老年健康管理数据整理服务",
                "整理辖区 65 岁以上老年人健康体检数据并形成分析报告。",
                "具备数据安全管理制度。",
                "1",
                "项",
                "180000.00",
                D(2027, 4, 1),
                D(2027, 12, 31),
                "形成年度分析报告 1 份。",
            ),
        ],
    ),
]


class Event(NamedTuple):
    """One step on a deliverable, on its day: submit (text = report), return / accept (text = comment), pay (amount)."""

    action: str
    on: datetime.date
    text: str = ""
    amount: str = ""


class DemoDeliverable(NamedTuple):
    title: str
    due_on: datetime.date
    payment_share: str
    acceptance_criteria: str
    events: list[Event] = []


class DemoContract(NamedTuple):
    department: str
    title: str
    region: str  # the organization is chosen from this region and below
    scope_keywords: tuple[str, ...]  # preferred words in the organization's business scope
    item: tuple[str, str] | None  # (list title, item code)
    method: str
    amount: str
    start_on: datetime.date
    end_on: datetime.date
    signed_on: datetime.date | None  # None: stays a draft
    state: str  # draft, signed, performing, completed, terminated
    deliverables: list[DemoDeliverable]
    term_justification: str = ""
    closed_on: datetime.date | None = None  # completion or termination day
    termination_reason: str = ""
    member: tuple[str, str] | None = None  # (username, display name) of a demo member if the organization has none


def _submit(on: datetime.date, report: str) -> Event:
    return Event("submit", on, report)


def _return(on: datetime.date, comment: str) -> Event:
    return Event("return", on, comment)


def _accept(on: datetime.date, comment: str = "材料齐全，同意验收。") -> Event:
    return Event("accept", on, comment)


def _pay(amount: str, paid_on: datetime.date) -> Event:
    return Event("pay", paid_on, amount=amount)


CONTRACTS = [
    DemoContract(
        "HHWJ",
        "新城区居家养老上门服务项目",
        "150100",
        ("养老",),
        (HOHHOT_2026, "HW2026-01"),
        M.PUBLIC_TENDER,
        "480000.00",
        D(2026, 3, 1),
        D(2027, 2, 28),
        D(2026, 2, 26),
        "performing",
        [
            DemoDeliverable(
                "第一季度服务报告",
                D(2026, 5, 31),
                "30.00",
                "服务人次达到季度计划的 95% 以上，附服务台账和回访记录。",
                [
                    _submit(D(2026, 5, 28), "第一季度累计上门服务 8120 人次，覆盖老年人 1380 人，回访满意度 94%。"),
                    _accept(D(2026, 6, 10)),
                    _pay("144000.00", D(2026, 6, 20)),
                ],
            ),
            DemoDeliverable(
                "第二、三季度服务报告",
                D(2026, 10, 31),
                "40.00",
                "服务人次达到计划的 95% 以上，附服务对象签字确认单。",
                [
                    _submit(D(2026, 10, 29), "第二、三季度累计上门服务 17650 人次。"),
                    _return(D(2026, 11, 5), "缺少服务对象签字确认单和助浴服务安全记录，请补充后重新提交。"),
                    _submit(D(2026, 11, 18), "已补充 1520 份服务对象签字确认单和助浴服务安全记录。"),
                ],
            ),
            DemoDeliverable(
                "年度服务总结及满意度测评",
                D(2027, 2, 28),
                "30.00",
                "第三方满意度测评不低于 90%。",
            ),
        ],
        member=("member_xyh", "乌兰"),
    ),
    DemoContract(
        "HHWJ",
        "赛罕区社区心理健康服务项目",
        "150100",
        ("社会工作", "心理"),
        (HOHHOT_2026, "HW2026-02"),
        M.COMPETITIVE_CONSULTATION,
        "260000.00",
        D(2026, 3, 15),
        D(2027, 3, 14),
        D(2026, 3, 10),
        "performing",
        [
            DemoDeliverable(
                "上半年心理健康讲座与个案服务",
                D(2026, 7, 31),
                "40.00",
                "讲座不少于 60 场，个案服务不少于 150 人次，附签到表和个案记录摘要。",
                [
                    _submit(D(2026, 7, 30), "上半年开展讲座 52 场，个案服务 131 人次。"),
                    _return(D(2026, 8, 6), "讲座场次和个案人次未达到验收标准，请补齐服务后重新提交。"),
                    _submit(D(2026, 8, 25), "补充开展讲座 10 场、个案服务 24 人次，累计讲座 62 场、个案 155 人次。"),
                    _accept(D(2026, 9, 1), "补充服务已核实，同意验收。"),
                    _pay("104000.00", D(2026, 9, 5)),
                ],
            ),
            DemoDeliverable(
                "第三季度危机干预转介报告",
                D(2026, 10, 15),
                "20.00",
                "转介记录完整，个人信息已脱敏。",
            ),
            DemoDeliverable(
                "年度服务总结",
                D(2027, 3, 14),
                "40.00",
                "全年讲座不少于 120 场，个案服务不少于 300 人次。",
            ),
        ],
        member=("member_yg", "其木格"),
    ),
    DemoContract(
        "HHWJ",
        "赛罕区居家养老助餐服务项目",
        "150100",
        ("养老", "社会工作"),
        (HOHHOT_2026, "HW2026-01"),
        M.COMPETITIVE_NEGOTIATION,
        "300000.00",
        D(2026, 3, 1),
        D(2026, 10, 31),
        D(2026, 2, 27),
        "completed",
        [
            DemoDeliverable(
                "助餐服务中期报告",
                D(2026, 6, 30),
                "50.00",
                "助餐服务不少于 9000 人次，附食品安全检查记录。",
                [
                    _submit(D(2026, 6, 28), "3 至 6 月助餐服务 9680 人次，食品安全检查 16 次均合格。"),
                    _accept(D(2026, 7, 8)),
                    _pay("150000.00", D(2026, 7, 15)),
                ],
            ),
            DemoDeliverable(
                "助餐服务结项报告",
                D(2026, 10, 31),
                "50.00",
                "全年助餐服务不少于 18000 人次，满意度不低于 90%。",
                [
                    _submit(D(2026, 10, 30), "3 至 10 月累计助餐服务 19240 人次，满意度 96%。"),
                    _accept(D(2026, 11, 6), "结项材料齐全，同意验收。"),
                    _pay("150000.00", D(2026, 11, 12)),
                ],
            ),
        ],
        closed_on=D(2026, 11, 15),
        member=("member_yg", "其木格"),
    ),
    DemoContract(
        "HHWJ",
        "家庭医生签约服务随访辅助项目",
        "150100",
        ("社区", "志愿"),
        (HOHHOT_2026, "HW2026-03"),
        M.INQUIRY,
        "180000.00",
        D(2026, 12, 1),
        D(2027, 4, 30),
        D(2026, 11, 20),
        "signed",
        [
            DemoDeliverable("第一阶段随访报告", D(2027, 2, 28), "50.00", "完成签约居民随访 10000 户。"),
            DemoDeliverable("随访工作总结", D(2027, 4, 30), "50.00", "随访完成率不低于 95%。"),
        ],
    ),
    DemoContract(
        "HHWJ",
        "基层医疗卫生机构服务规范编制咨询项目",
        "150100",
        ("协会", "行业"),
        (HOHHOT_2026, "HW2026-04"),
        M.SINGLE_SOURCE,
        "150000.00",
        D(2027, 1, 1),
        D(2027, 6, 30),
        None,
        "draft",
        [
            DemoDeliverable("调研报告", D(2027, 3, 31), "40.00", "调研覆盖 20 家基层医疗卫生机构。"),
            DemoDeliverable("规范文本及论证意见", D(2027, 6, 30), "60.00", "规范文本通过专家论证。"),
        ],
    ),
    DemoContract(
        "HHWJ",
        "健康科普志愿服务项目",
        "150100",
        ("志愿",),
        None,
        M.OTHER,
        "90000.00",
        D(2026, 4, 1),
        D(2026, 12, 31),
        D(2026, 3, 25),
        "terminated",
        [
            DemoDeliverable("健康科普活动中期报告", D(2026, 8, 31), "50.00", "开展科普活动不少于 40 场。"),
            DemoDeliverable("健康科普活动总结", D(2026, 12, 31), "50.00", "开展科普活动不少于 80 场。"),
        ],
        closed_on=D(2026, 7, 10),
        termination_reason="承接主体核心志愿者团队解散，经双方协商一致解除合同，已完成部分按实结算。",
    ),
    DemoContract(
        "CFLL",
        "红山区、松山区互助养老幸福院运营项目",
        "150400",
        ("养老",),
        (CHIFENG_2026, "CL2026-01"),
        M.PUBLIC_TENDER,
        "1040000.00",
        D(2026, 4, 1),
        D(2028, 3, 31),
        D(2026, 3, 28),
        "performing",
        [
            DemoDeliverable(
                "幸福院开放运营首期报告",
                D(2026, 9, 30),
                "25.00",
                "8 所幸福院全部开放，附运营台账。",
                [
                    _submit(D(2026, 9, 26), "8 所幸福院已全部开放，累计服务老年人 2.1 万人次。"),
                    _accept(D(2026, 10, 12)),
                    _pay("260000.00", D(2026, 10, 20)),
                ],
            ),
            DemoDeliverable("2027 年度运营报告", D(2027, 3, 31), "35.00", "年度满意度不低于 90%。"),
            DemoDeliverable("合同期满总结报告", D(2028, 3, 31), "40.00", "两年运营目标全部完成。"),
        ],
        term_justification="幸福院运营服务内容稳定、需连续提供，资金已列入两年财政预算，价格变化小，按两年签订。",
        member=("member_cfxf", "其其格"),
    ),
    DemoContract(
        "CFLL",
        "老年人能力综合评估项目",
        "150400",
        ("评估", "社会工作", "养老"),
        (CHIFENG_2026, "CL2026-02"),
        M.COMPETITIVE_CONSULTATION,
        "260000.00",
        D(2026, 6, 1),
        D(2026, 12, 31),
        D(2026, 5, 25),
        "signed",
        [
            DemoDeliverable("评估报告（第一批）", D(2026, 12, 15), "60.00", "完成 1800 人评估。"),
            DemoDeliverable("评估工作总结", D(2026, 12, 31), "40.00", "评估报告按时出具率 100%。"),
        ],
    ),
]


# --- helpers ----------------------------------------------------------------------------------------------------------


def _demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with Chinese text (reportlab's built-in CID font, nothing to install)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(title)
    page.setFont(font, 16)
    page.drawString(60, 780, title)
    page.setFont(font, 11)
    for index, line in enumerate(lines):
        page.drawString(60, 750 - index * 20, line[:48])
    page.showPage()
    page.save()
    return buffer.getvalue()


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """An aware moment on a demo day, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _upload(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _demo_pdf(title, lines), content_type="application/pdf")


def _purchaser(department: Department):
    User = get_user_model()
    user = User.objects.filter(is_purchaser=True, department=department, is_active=True).order_by("username").first()
    if user is None:
        raise RuntimeError(f"no purchaser for {department.code}: run registry_demo.seed_users first")
    return user


def _seed_list(spec: DemoList, departments: dict[str, Department]) -> PurchaseList:
    department = departments[spec.department]
    existing = PurchaseList.objects.filter(department=department, year=spec.year, title=spec.title).first()
    if existing is not None:
        return existing
    actor = _purchaser(department)
    purchase_list = services.purchase_list_create(
        actor=actor, department=department, year=spec.year, title=spec.title, description=spec.description
    )
    for item in spec.items:
        fields = item._asdict()
        fields["quantity"] = Decimal(item.quantity)
        fields["budget"] = Decimal(item.budget)
        services.purchase_item_add(actor=actor, purchase_list=purchase_list, **fields)
    if spec.published_on is not None:
        services.purchase_list_publish(actor=actor, purchase_list=purchase_list, published_on=spec.published_on)
    return purchase_list


def _choose_organization(spec: DemoContract, used: set[int]) -> Organization | None:
    """An organization of the region that may be contracted on the signing day, preferring (in this order) the
    organization of the spec's named member, one whose name or scope matches, one with a member when the demo needs
    submissions, one not yet used by another demo contract."""
    region = Region.objects.get(code=spec.region)
    candidates = list(
        Organization.objects.filter(region__path__startswith=region.path, status=Organization.Status.NORMAL)
        .exclude(org_type=Organization.Type.FOUNDATION)
        .order_by("name")
    )
    User = get_user_model()
    with_members = set(
        User.objects.filter(organization__in=candidates, is_active=True).values_list("organization_id", flat=True)
    )
    preferred_member = spec.member[0] if spec.member else None
    member_organization = (
        User.objects.filter(username=preferred_member).values_list("organization_id", flat=True).first()
        if preferred_member
        else None
    )
    signed_on = spec.signed_on or spec.start_on

    def rank(organization: Organization):
        matches = sum(keyword in (organization.business_scope + organization.name) for keyword in spec.scope_keywords)
        return (
            organization.pk != member_organization,
            -matches,
            spec.member is not None and organization.pk not in with_members,
            organization.pk in used,
            organization.name,
        )

    for organization in sorted(candidates, key=rank):
        if not organization_eligibility(organization, on=signed_on).refusals:
            return organization
    return None


def _member_for(organization: Organization, spec: DemoContract):
    """A member of the organization: an existing one, else the demo member named by the spec (created if free)."""
    User = get_user_model()
    member = User.objects.filter(organization=organization, is_active=True).order_by("username").first()
    if member is not None or spec.member is None:
        return member
    from registry.demo import ensure_user

    username, display_name = spec.member
    if User.objects.filter(username=username).exists():
        return None
    return ensure_user(username, display_name=display_name, organization=organization, email=f"{username}@example.cn")


def _run_events(contract: Contract, spec: DemoContract, purchaser, member) -> None:
    deliverables = {deliverable.title: deliverable for deliverable in contract.deliverables.all()}
    for demo in spec.deliverables:
        deliverable = deliverables[demo.title]
        submission = None
        for number, event in enumerate(demo.events, start=1):
            if event.action == "submit":
                files = [
                    _upload(
                        f"{demo.title}-第{number}稿.pdf",
                        demo.title,
                        [contract.title, _organization_line(contract), event.text],
                    )
                ]
                submission = services.submission_create(
                    actor=member, deliverable=deliverable, report=event.text, files=files, now=_at(event.on, 16)
                )
            elif event.action == "return":
                services.deliverable_return(
                    actor=purchaser, submission=submission, comment=event.text, now=_at(event.on)
                )
            elif event.action == "accept":
                services.deliverable_accept(
                    actor=purchaser, submission=submission, comment=event.text, now=_at(event.on)
                )
            elif event.action == "pay":
                services.payment_record(
                    actor=purchaser,
                    contract=contract,
                    amount=Decimal(event.amount),
                    paid_on=event.on,
                    deliverable=deliverable,
                )
            deliverable.refresh_from_db()


def _organization_line(contract: Contract) -> str:
    return f"承接主体：{contract.organization.name}"


def _seed_contract(spec: DemoContract, departments: dict[str, Department], used: set[int]) -> Contract | None:
    department = departments[spec.department]
    existing = Contract.objects.filter(department=department, title=spec.title).first()
    if existing is not None:
        used.add(existing.organization_id)
        return existing
    organization = _choose_organization(spec, used)
    if organization is None:
        return None
    has_events = any(demo.events for demo in spec.deliverables)
    member = _member_for(organization, spec) if has_events else None
    if has_events and member is None:
        return None
    used.add(organization.pk)
    purchaser = _purchaser(department)
    item = None
    if spec.item is not None:
        list_title, code = spec.item
        item = PurchaseItem.objects.get(
            purchase_list__department=department, purchase_list__title=list_title, code=code
        )
    contract = services.contract_create(
        actor=purchaser,
        department=department,
        organization=organization,
        title=spec.title,
        method=spec.method,
        amount=Decimal(spec.amount),
        start_on=spec.start_on,
        end_on=spec.end_on,
        purchase_item=item,
        term_justification=spec.term_justification,
        description=item.description if item is not None else "",
    )
    for demo in spec.deliverables:
        services.deliverable_add(
            actor=purchaser,
            contract=contract,
            title=demo.title,
            due_on=demo.due_on,
            payment_share=Decimal(demo.payment_share),
            acceptance_criteria=demo.acceptance_criteria,
        )
    if spec.state == "draft":
        return contract
    services.contract_sign(actor=purchaser, contract=contract, signed_on=spec.signed_on, acknowledge_warnings=True)
    services.contract_document_add(
        actor=purchaser,
        contract=contract,
        file=_upload(
            f"{contract.number}-合同正本.pdf",
            spec.title,
            [f"合同编号：{contract.number}", f"购买主体：{department.name}", _organization_line(contract)],
        ),
        title="合同正本（扫描件）",
        is_public=True,
        now=_at(spec.signed_on, 15),
    )
    if spec.state in ("performing", "completed", "terminated"):
        services.contract_start_performance(actor=purchaser, contract=contract)
    if member is not None:
        _run_events(contract, spec, purchaser, member)
    if spec.state == "completed":
        services.contract_complete(actor=purchaser, contract=contract, completed_on=spec.closed_on)
    elif spec.state == "terminated":
        services.contract_terminate(
            actor=purchaser, contract=contract, reason=spec.termination_reason, terminated_on=spec.closed_on
        )
    return contract


def seed(departments: dict[str, Department]) -> dict[str, list]:
    """Create the demo purchase lists and contracts that are missing; returns what exists afterwards."""
    lists = [_seed_list(spec, departments) for spec in LISTS]
    used: set[int] = set()
    contracts = [_seed_contract(spec, departments, used) for spec in CONTRACTS]
    return {"lists": lists, "contracts": [contract for contract in contracts if contract is not None]}


def demo_contract_filter() -> Q:
    """The demo contracts, for whoever needs to find them again (tests, clean-up)."""
    return Q(title__in=[spec.title for spec in CONTRACTS])
