"""Inner Mongolia demo data for purchase lists and contracts, built through the services so history is complete.

Two published purchase lists (Hohhot health commission, Chifeng ageing office) and one draft; eight contracts in
every state: a draft, signed ones, performing ones with submissions (one returned and resubmitted, one deliverable
overdue), a completed one paid in full, and a terminated one. Organizations are taken from the registry demo by
region and business scope (none is created here); purchasers are purchaser_hh and purchaser_cf. Submissions are made
by a member of the contracted organization: an existing one such as member_yg, else a demo member created for it.
Each submission, decision and payment, and each contract scan, carries its own day in 2026, so acceptances precede
the payments and the completion that follow them.

The data (lists, items, contracts, deliverables and the events on them: submissions, returns, acceptances and
payments, each on its day) live in fixtures/demo/contracts_purchase_lists.json and contracts_contracts.json, with
stored values for choices (`basic_public`, `public_tender`) and ISO dates; this module reads them and builds them.

Idempotent: a list is found by department, year and title; a contract by department and title. What exists is left
as it is.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from contracts import services
from contracts.models import Contract, PurchaseItem, PurchaseList
from registry.models import Department, Organization, Region
from registry.selectors import organization_eligibility

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "demo"
LISTS_FILE = FIXTURES / "contracts_purchase_lists.json"
CONTRACTS_FILE = FIXTURES / "contracts_contracts.json"


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


def _day(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_lists(path: Path = LISTS_FILE) -> list[DemoList]:
    """The demo purchase lists and their items, from fixtures/demo/contracts_purchase_lists.json."""
    lists = []
    for row in _read(path):
        items = [
            DemoItem(
                **{
                    **item,
                    "service_start_on": _day(item["service_start_on"]),
                    "service_end_on": _day(item["service_end_on"]),
                }
            )
            for item in row["items"]
        ]
        lists.append(DemoList(**{**row, "published_on": _day(row["published_on"]), "items": items}))
    return lists


def _deliverable(row: dict) -> DemoDeliverable:
    events = [Event(**{**event, "on": _day(event["on"])}) for event in row.get("events", [])]
    return DemoDeliverable(**{**row, "due_on": _day(row["due_on"]), "events": events})


def load_contracts(path: Path = CONTRACTS_FILE) -> list[DemoContract]:
    """The demo contracts with their deliverables and what happens to them, from
    fixtures/demo/contracts_contracts.json."""
    contracts = []
    for row in _read(path):
        item, member = row.get("item"), row.get("member")
        contracts.append(
            DemoContract(
                **{
                    **row,
                    "scope_keywords": tuple(row["scope_keywords"]),
                    "item": None if item is None else (item["list"], item["code"]),
                    "member": None if member is None else (member["username"], member["display_name"]),
                    "start_on": _day(row["start_on"]),
                    "end_on": _day(row["end_on"]),
                    "signed_on": _day(row.get("signed_on")),
                    "closed_on": _day(row.get("closed_on")),
                    "deliverables": [_deliverable(deliverable) for deliverable in row["deliverables"]],
                }
            )
        )
    return contracts


LISTS = load_lists()
CONTRACTS = load_contracts()


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
        # Service began on the first day of the term (or at signing, if later), never after it closed or today.
        last = min(spec.closed_on or timezone.localdate(), timezone.localdate())
        started_on = max(spec.signed_on, min(contract.start_on, last))
        services.contract_start_performance(actor=purchaser, contract=contract, started_on=started_on)
    if member is not None:
        _run_events(contract, spec, purchaser, member)
    if spec.state == "completed":
        services.contract_complete(actor=purchaser, contract=contract, completed_on=spec.closed_on)
    elif spec.state == "terminated":
        services.contract_terminate(
            actor=purchaser, contract=contract, reason=spec.termination_reason, terminated_on=spec.closed_on
        )
    return contract


MODEL_CONTRACT_NOTE = "增加服务对象个人信息保护条款"
PRIVACY_CLAUSE = """# 第十条　个人信息保护
乙方在提供服务中知悉的服务对象姓名、身份证件号码、健康状况、家庭住址等个人信息，只能用于本合同约定的服务；乙方应采取必要措施防止泄露，合同终止后按甲方要求删除或移交。

# 第十一条　其他"""


def _seed_model_contract() -> None:
    """The regional civil-affairs department's revision of the model contract (version 2), once."""
    from django.contrib.auth import get_user_model

    from contracts.contract_text import current_template
    from contracts.models import ContractTemplate

    if ContractTemplate.objects.filter(note=MODEL_CONTRACT_NOTE).exists():
        return
    keeper = get_user_model().objects.filter(username="registrar_nm").first()
    if keeper is None:
        return
    current_template()  # the first version (written by the migration, and again if its rows are gone)
    first = ContractTemplate.objects.get(version=1)
    services.contract_template_save(
        actor=keeper,
        title=first.title,
        body=first.body.replace("# 第十条　其他", PRIVACY_CLAUSE),
        note=MODEL_CONTRACT_NOTE,
    )


def seed(departments: dict[str, Department]) -> dict[str, list]:
    """Create the demo purchase lists and contracts that are missing; returns what exists afterwards."""
    _seed_model_contract()
    return seed_specs(LISTS, CONTRACTS, departments)


def seed_specs(
    lists: list[DemoList], contracts: list[DemoContract], departments: dict[str, Department]
) -> dict[str, list]:
    """Create the given purchase lists and contracts where missing (other demo builders bring their own tables)."""
    made_lists = [_seed_list(spec, departments) for spec in lists]
    used: set[int] = set()
    made = [_seed_contract(spec, departments, used) for spec in contracts]
    return {"lists": made_lists, "contracts": [contract for contract in made if contract is not None]}


def demo_contract_filter() -> Q:
    """The demo contracts, for whoever needs to find them again (tests, clean-up)."""
    return Q(title__in=[spec.title for spec in CONTRACTS])
