"""The world the URL × role audit runs in: one principal per role, in and out of scope, and one record of every kind
a URL can name, each carrying a marker text that only its rightful readers may ever see.

Scope around the records: the organization is in 新城区 (150102) under Hohhot (150100); its contract belongs to a
Hohhot purchasing department (卫健委 in the demo's words).

| principal | who |
|---|---|
| anonymous | nobody signed in |
| superuser | the system administrator |
| registrar_in | a Hohhot registrar (covers the organization) |
| registrar_out | a Baotou registrar (another city) |
| registrar_province | a registrar of the provincial department: covers everything, keeps the evaluator pool |
| purchaser_in | a purchaser of the contract's own department |
| purchaser_dept | a purchaser of another Hohhot department (same region, other department) |
| purchaser_out | a Chifeng purchaser (another city) |
| member_in | a member of the organization |
| member_out | a member of another organization of the same county |
| evaluator_in | an evaluator assigned to the contract's running evaluation who accepted |
| evaluator_out | an evaluator of the pool with no assignment |
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from api.models import Export
from contracts import services as contract_services
from contracts.models import Submission
from evaluations import services as evaluation_services
from notifications.models import Notification
from registry import services as registry_services
from supervision import services as supervision_services
from tests.evaluations.conftest import create_evaluation, make_set
from tests.factories import (
    ComplaintFactory,
    ContractDocumentFactory,
    ContractFactory,
    CreditListingFactory,
    DeliverableFactory,
    DepartmentFactory,
    EvaluatorProfileFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PenaltyFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RatingFactory,
    RegistrarFactory,
    SuperuserFactory,
    make_upload,
    region,
)

PRINCIPALS = (
    "anonymous",
    "superuser",
    "registrar_in",
    "registrar_out",
    "registrar_province",
    "purchaser_in",
    "purchaser_dept",
    "purchaser_out",
    "member_in",
    "member_out",
    "evaluator_in",
    "evaluator_out",
)

# Marker texts stored in non-public records; `SECRETS[marker]` names who may read a page that shows it.
DRAFT_LIST_TITLE = "审计草稿目录甲乙丙"
DRAFT_CONTRACT_TITLE = "审计草稿合同丁戊己"
SUBMISSION_REPORT = "审计履约材料庚辛壬"
PRIVATE_DOCUMENT_TITLE = "审计内部文件癸子丑"
ORDER_REQUIREMENTS = "审计整改要求寅卯辰"
COMPLAINT_TEXT = "审计投诉内容巳午未"
COMPLAINANT_PHONE = "13911112222"
PLANNED_ON = datetime.date(2026, 12, 29)
PLANNED_MARKER = "计划 2026-12-29"
INSPECTION_FINDINGS = "审计检查发现申酉戌"

OFFICIALS_IN_REGION = {"registrar_in", "registrar_province", "purchaser_in", "purchaser_dept"}
SECRETS = {
    DRAFT_LIST_TITLE: {"superuser", "purchaser_in"},
    DRAFT_CONTRACT_TITLE: {"superuser", "purchaser_in"},
    SUBMISSION_REPORT: {"superuser", "purchaser_in", "member_in", "evaluator_in"},
    PRIVATE_DOCUMENT_TITLE: {"superuser", "purchaser_in", "member_in", "evaluator_in"},
    ORDER_REQUIREMENTS: {"superuser", "member_in"} | OFFICIALS_IN_REGION,
    COMPLAINT_TEXT: {"superuser"} | OFFICIALS_IN_REGION,
    # The complainant: the registrars of the region and the complaint's handler (nobody has taken it up here).
    COMPLAINANT_PHONE: {"registrar_in", "registrar_province"},
    # A planned inspection is not announced: the supervising officials only.
    PLANNED_MARKER: {"superuser"} | OFFICIALS_IN_REGION,
    INSPECTION_FINDINGS: {"superuser"} | OFFICIALS_IN_REGION,
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.records[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    world = World()
    records = world.records
    hohhot, county = region("150100"), region("150102")
    bureau = DepartmentFactory(name="审计呼和浩特市民政局", region=hohhot)
    province = DepartmentFactory(name="审计内蒙古自治区民政厅", region=region("150000"))
    department = PurchasingDepartmentFactory(name="审计呼和浩特市卫生健康委员会", region=hohhot, code="AUDHW")
    organization = OrganizationFactory(region=county, registration_authority=bureau)
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    other_organization = OrganizationFactory(region=county, registration_authority=bureau)

    users = world.users
    users["anonymous"] = None
    users["superuser"] = SuperuserFactory()
    users["registrar_in"] = RegistrarFactory(department=bureau)
    users["registrar_out"] = RegistrarFactory(department=DepartmentFactory(region=region("150200")))
    users["registrar_province"] = RegistrarFactory(department=province)
    users["purchaser_in"] = PurchaserFactory(department=department)
    users["purchaser_dept"] = PurchaserFactory(department=PurchasingDepartmentFactory(region=hohhot))
    users["purchaser_out"] = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150400")))
    users["member_in"] = OrganizationMemberFactory(organization=organization)
    users["member_out"] = OrganizationMemberFactory(organization=other_organization)
    evaluators = [EvaluatorProfileFactory().user for _ in range(3)]
    users["evaluator_in"] = evaluators[0]
    users["evaluator_out"] = EvaluatorProfileFactory().user
    purchaser, member, registrar = users["purchaser_in"], users["member_in"], users["registrar_in"]

    # Purchase lists: a published one with an item, a draft with an item.
    item = PurchaseItemFactory(purchase_list__department=department, budget=Decimal("900000.00"))
    draft_list = PurchaseListFactory(department=department, title=DRAFT_LIST_TITLE, year=2027)
    draft_item = PurchaseItemFactory(purchase_list=draft_list, service_name="审计草稿项目")
    records.update(organization=organization, listing=CreditListingFactory(organization=organization))
    records.update(published_list=item.purchase_list, item=item, draft_list=draft_list, draft_item=draft_item)

    # Contracts: a draft, and a performing one with a submitted deliverable, a private document and a payment.
    draft = ContractFactory(department=department, organization=organization, purchase_item=item)
    draft.title = DRAFT_CONTRACT_TITLE
    draft.save()
    DeliverableFactory(contract=draft, title="草稿事项", due_on=datetime.date(2027, 2, 28), payment_share=100)
    contract = ContractFactory(department=department, organization=organization, purchase_item=item)
    first = DeliverableFactory(contract=contract, title="第一季度", due_on=datetime.date(2026, 5, 31), payment_share=40)
    DeliverableFactory(contract=contract, title="全年", due_on=datetime.date(2027, 2, 28), payment_share=60)
    contract_services.contract_sign(actor=purchaser, contract=contract, signed_on=datetime.date(2026, 2, 20))
    contract_services.contract_start_performance(actor=purchaser, contract=contract)
    submission = contract_services.submission_create(
        actor=member, deliverable=first, report=SUBMISSION_REPORT, files=[make_upload("pdf")]
    )
    document = ContractDocumentFactory(
        contract=contract, title=PRIVATE_DOCUMENT_TITLE, is_public=False, uploaded_by=purchaser
    )
    records.update(draft_contract=draft, contract=contract, deliverable=first, submission=submission)
    records.update(submission_file=Submission.objects.get(pk=submission.pk).files.get(), document=document)
    records.update(draft_deliverable=draft.deliverables.get())

    # Evaluations: an indicator set in use, a running evaluation with an accepted assignment.
    indicator_set = make_set(leaves=2)
    evaluation = create_evaluation(purchaser, contract, indicator_set)
    assignments = [
        evaluation_services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user)
        for user in evaluators
    ]
    for assignment in assignments:
        evaluation_services.assignment_accept(
            actor=assignment.evaluator, assignment=assignment, confirm_no_conflict=True
        )
    evaluation_services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    records.update(indicator_set=indicator_set, indicator=indicator_set.indicators.first(), evaluation=evaluation)
    records.update(assignment=assignments[0], profile=users["evaluator_in"].evaluator_profile)

    # Supervision: a planned inspection with an attachment, an open order with an answer file, a complaint, a draw.
    inspection = supervision_services.inspection_plan(
        actor=registrar, organization=organization, kind="document", planned_on=PLANNED_ON, contract=contract
    )
    inspection.findings = INSPECTION_FINDINGS
    inspection.save()
    attachment = supervision_services.inspection_attachment_add(
        actor=registrar, inspection=inspection, file=make_upload("pdf"), title="检查通知"
    )
    today = timezone.localdate()
    order = supervision_services.order_issue(
        actor=registrar,
        organization=organization,
        requirements=ORDER_REQUIREMENTS,
        deadline=today + datetime.timedelta(days=30),
        contract=contract,
    )
    response = supervision_services.order_answer(actor=member, order=order, text="已整改", files=[make_upload("pdf")])
    complaint = ComplaintFactory(
        organization=organization, contract=contract, text=COMPLAINT_TEXT, contact_phone=COMPLAINANT_PHONE
    )
    complaint.attachment = make_upload("pdf")
    complaint.attachment_name = "照片.pdf"
    complaint.save()
    draw = supervision_services.sample_draw_create(actor=registrar, region=hohhot, year=today.year, seed=7)
    records.update(inspection=inspection, attachment=attachment, order=order, order_file=response.files.get())
    records.update(complaint=complaint, draw=draw)
    records.update(export=Export.objects.create(requester=purchaser, kind="contracts", status="pending"))

    # The organization's annual work report for last year, awaiting the registrar's review.
    registry_services.annual_report_submit(
        actor=member,
        organization=organization,
        year=today.year - 1,
        income=Decimal("500000.00"),
        expenditure=Decimal("450000.00"),
        government_purchase_income=Decimal("300000.00"),
        net_assets=Decimal("120000.00"),
        staff_count=12,
        volunteer_count=40,
        activity_count=30,
    )

    # A penalty of the organization (public once recorded); a notification to the organization's member.
    records.update(penalty=PenaltyFactory(organization=organization, authority=bureau))
    records.update(
        notification=Notification.objects.create(
            recipient=member, kind=Notification.Kind.ORDER_ISSUED, title="收到整改通知", url="/supervision/orders/mine/"
        )
    )
    return world
