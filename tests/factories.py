"""factory_boy factories with Faker's zh_CN locale, including one factory per role."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from registry.models import AnnualInspection, CreditListing, Department, Organization, Penalty, Rating, Region
from registry.uscc import make_uscc

factory.Faker._DEFAULT_LOCALE = "zh_CN"

_entity_counter = itertools.count(1)


class RegionFactory(DjangoModelFactory):
    """A region; pass `parent` to place it below another. Codes are made up in the 99xxxx range."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = Region.Level.PROVINCE
    parent = None
    path = factory.LazyAttribute(lambda o: (o.parent.path if o.parent else "") + o.code + "/")


def region(code: str) -> Region:
    """A region loaded by `load_regions` (the tests' database has them all: see conftest)."""
    return Region.objects.get(code=code)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试民政局{n}")
    code = factory.Sequence(lambda n: f"D{n:05d}")
    region = factory.LazyFunction(lambda: region("150100"))
    kind = Department.Kind.CIVIL_AFFAIRS


class PurchasingDepartmentFactory(DepartmentFactory):
    name = factory.Sequence(lambda n: f"测试卫生健康委员会{n}")
    kind = Department.Kind.PURCHASER


def next_uscc(category: str = "2", region_code: str = "150100") -> str:
    return make_uscc(category, region_code, f"MJ{next(_entity_counter):06d}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试社会工作服务中心{n}")
    org_type = Organization.Type.SERVICE
    region = factory.LazyFunction(lambda: region("150100"))
    uscc = factory.LazyAttribute(lambda o: next_uscc(Organization.TYPE_CATEGORY_DIGIT[o.org_type], o.region.code))
    registration_authority = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..region"))
    supervisory_unit = ""
    legal_representative = factory.Faker("name")
    registered_funds = Decimal("30000.00")
    established_on = datetime.date(2015, 6, 1)
    domicile = factory.Faker("address")
    business_scope = "社会工作服务、养老服务"
    contact_phone = factory.Faker("phone_number")
    contact_email = factory.Faker("email")
    status = Organization.Status.NORMAL


class AnnualInspectionFactory(DjangoModelFactory):
    class Meta:
        model = AnnualInspection

    organization = factory.SubFactory(OrganizationFactory)
    year = 2025
    result = AnnualInspection.Result.PASSED
    decided_on = datetime.date(2026, 5, 31)


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = Rating

    organization = factory.SubFactory(OrganizationFactory)
    grade = Rating.Grade.A4
    score = Decimal("860.00")
    awarded_on = datetime.date(2024, 3, 1)
    valid_until = factory.LazyAttribute(lambda o: Rating.validity_end(o.awarded_on))
    awarding_authority = factory.LazyAttribute(lambda o: o.organization.registration_authority)


class CreditListingFactory(DjangoModelFactory):
    class Meta:
        model = CreditListing

    organization = factory.SubFactory(OrganizationFactory)
    list_kind = CreditListing.List.ABNORMAL
    reason = "未按规定报送年度工作报告"
    listed_on = datetime.date(2026, 7, 1)
    deciding_authority = factory.LazyAttribute(lambda o: o.organization.registration_authority)


class PenaltyFactory(DjangoModelFactory):
    class Meta:
        model = Penalty

    organization = factory.SubFactory(OrganizationFactory)
    decision_number = factory.Sequence(lambda n: f"呼民罚〔2026〕{n + 1}号")
    decided_on = datetime.date(2026, 3, 10)
    authority = factory.LazyAttribute(lambda o: o.organization.registration_authority)
    kind = Penalty.Kind.WARNING
    facts = "未按规定办理变更登记"
    legal_basis = "《社会团体登记管理条例》第三十条"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    email = factory.Faker("email")
    password = factory.django.Password("pass-qiyue-123")


class RegistrarFactory(UserFactory):
    is_registrar = True
    department = factory.SubFactory(DepartmentFactory)


class PurchaserFactory(UserFactory):
    is_purchaser = True
    department = factory.SubFactory(PurchasingDepartmentFactory)


class OrganizationMemberFactory(UserFactory):
    organization = factory.SubFactory(OrganizationFactory)


class EvaluatorFactory(UserFactory):
    is_evaluator = True


class SuperuserFactory(UserFactory):
    is_superuser = True
    is_staff = True


# --- contracts ------------------------------------------------------------------------------------------------------


class PurchaseListFactory(DjangoModelFactory):
    """A draft purchase list of a Hohhot purchasing department."""

    class Meta:
        model = "contracts.PurchaseList"

    department = factory.SubFactory(PurchasingDepartmentFactory)
    region = factory.LazyAttribute(lambda o: o.department.region)
    year = 2026
    title = factory.Sequence(lambda n: f"2026 年政府购买服务目录{n}")
    status = "draft"


class PublishedPurchaseListFactory(PurchaseListFactory):
    status = "published"
    published_on = datetime.date(2026, 1, 15)


class PurchaseItemFactory(DjangoModelFactory):
    class Meta:
        model = "contracts.PurchaseItem"

    purchase_list = factory.SubFactory(PublishedPurchaseListFactory)
    code = factory.Sequence(lambda n: f"A{n:04d}")
    category = "basic_public"
    subcategory = "养老服务"
    service_name = factory.Sequence(lambda n: f"居家养老上门服务{n}")
    description = "为辖区失能、半失能老年人提供助餐、助洁、助浴等上门服务"
    provider_requirements = "依法登记满两年的社会组织"
    quantity = Decimal("12000.00")
    unit = "人次"
    budget = Decimal("300000.00")
    service_start_on = datetime.date(2026, 3, 1)
    service_end_on = datetime.date(2026, 12, 31)
    performance_targets = "服务满意度不低于 90%"


class ContractFactory(DjangoModelFactory):
    """A draft contract (numbers from the factory use the prefix T so they never meet generated ones)."""

    class Meta:
        model = "contracts.Contract"

    number = factory.Sequence(lambda n: f"T-2026-{n:04d}")
    year = 2026
    title = factory.Sequence(lambda n: f"居家养老上门服务项目合同{n}")
    department = factory.SubFactory(PurchasingDepartmentFactory)
    organization = factory.SubFactory(OrganizationFactory)
    purchase_item = None
    method = "public_tender"
    amount = Decimal("100000.00")
    start_on = datetime.date(2026, 3, 1)
    end_on = datetime.date(2027, 2, 28)
    status = "draft"


class SignedContractFactory(ContractFactory):
    status = "signed"
    signed_on = datetime.date(2026, 2, 20)


class DeliverableFactory(DjangoModelFactory):
    class Meta:
        model = "contracts.Deliverable"

    contract = factory.SubFactory(ContractFactory)
    title = factory.Sequence(lambda n: f"季度服务报告{n}")
    description = "服务台账、回访记录与照片"
    due_on = datetime.date(2026, 6, 30)
    payment_share = Decimal("100.00")
    acceptance_criteria = "服务人次达到计划的 95% 以上"
    status = "pending"


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


UPLOAD_SAMPLES = {
    "pdf": b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    "jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
    "zip": _zip_bytes({"台账.txt": "服务台账".encode()}),
    "docx": _zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "xlsx": _zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
}


def make_upload(kind: str = "pdf", name: str | None = None, content: bytes | None = None):
    """An uploaded file whose first bytes really are of `kind` (pdf, png, jpg, zip, docx, xlsx)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or f"服务报告.{kind}", UPLOAD_SAMPLES[kind] if content is None else content)


class ContractDocumentFactory(DjangoModelFactory):
    """A stored PDF attached to a contract (private unless is_public=True)."""

    class Meta:
        model = "contracts.ContractDocument"

    contract = factory.SubFactory(SignedContractFactory)
    file = factory.LazyFunction(lambda: make_upload("pdf", "合同正本.pdf"))
    original_name = "合同正本.pdf"
    size = factory.LazyAttribute(lambda o: len(UPLOAD_SAMPLES["pdf"]))
    content_type = "application/pdf"
    title = "合同正本"
    kind = "contract_text"
    is_public = False
    uploaded_by = factory.SubFactory(UserFactory)


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = "contracts.Payment"

    contract = factory.SubFactory(SignedContractFactory)
    instalment = 1
    amount = Decimal("10000.00")
    paid_on = datetime.date(2026, 3, 1)
    recorded_by = factory.SubFactory(UserFactory)


# --- supervision ----------------------------------------------------------------------------------------------------

_tracking_counter = itertools.count(1)


class InspectionFactory(DjangoModelFactory):
    """A planned targeted inspection of a Hohhot organization (services do the completing)."""

    class Meta:
        model = "supervision.Inspection"

    organization = factory.SubFactory(OrganizationFactory)
    kind = "targeted"
    department = factory.LazyAttribute(lambda o: o.organization.registration_authority)
    planned_on = datetime.date(2026, 10, 15)
    status = "planned"
    created_by = factory.SubFactory(UserFactory)


class RectificationOrderFactory(DjangoModelFactory):
    """An issued direct order: issued 2026-10-01, deadline 2026-10-31."""

    class Meta:
        model = "supervision.RectificationOrder"

    organization = factory.SubFactory(OrganizationFactory)
    department = factory.LazyAttribute(lambda o: o.organization.registration_authority)
    source = "direct"
    requirements = "补充完善财务管理制度，按规定建立项目资金专账"
    issued_on = datetime.date(2026, 10, 1)
    deadline = datetime.date(2026, 10, 31)
    status = "issued"
    issued_by = factory.SubFactory(UserFactory)


class ComplaintFactory(DjangoModelFactory):
    """A complaint as received from the public, with contact data."""

    class Meta:
        model = "supervision.Complaint"

    tracking_code = factory.LazyFunction(lambda: f"TEST{next(_tracking_counter):08d}")
    organization = factory.SubFactory(OrganizationFactory)
    subject = "服务人员未按约定上门"
    text = "本月预约的三次居家养老上门服务均未到岗，电话联系无人接听。"
    contact_name = factory.Faker("name")
    contact_phone = "13800000000"
    contact_email = "citizen@example.cn"
    status = "received"


# --- evaluations ----------------------------------------------------------------------------------------------------


class IndicatorSetFactory(DjangoModelFactory):
    """A draft indicator set without indicators (see tests/evaluations/conftest.py for complete trees)."""

    class Meta:
        model = "evaluations.IndicatorSet"

    name = factory.Sequence(lambda n: f"测试绩效评价指标体系{n}")
    version = 1
    description = "分值按项目设定"
    status = "draft"


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = "evaluations.Indicator"

    indicator_set = factory.SubFactory(IndicatorSetFactory)
    parent = None
    level = factory.LazyAttribute(lambda o: o.parent.level + 1 if o.parent else 1)
    code = factory.Sequence(lambda n: f"I{n:04d}")
    name = factory.Sequence(lambda n: f"测试指标{n}")
    weight = Decimal("10.00")
    max_score = Decimal("10.00")
    guidance = "按服务台账与回访记录评分"
    order = factory.Sequence(lambda n: n)


class EvaluatorProfileFactory(DjangoModelFactory):
    """An active member of the evaluator pool (the user holds the evaluator role)."""

    class Meta:
        model = "evaluations.EvaluatorProfile"

    user = factory.SubFactory(EvaluatorFactory)
    specialties = "社会工作、养老服务"
    affiliation = "内蒙古大学公共管理学院"
    contact_phone = "0471-6990000"
    contact_email = factory.Faker("email")
    is_active = True


class FinalizedEvaluationFactory(DjangoModelFactory):
    """A finalized (public) evaluation row of a signed contract, for listing pages; it carries a stored result but no
    assignments or indicator results (finalize through the services to test the results themselves)."""

    class Meta:
        model = "evaluations.Evaluation"

    contract = factory.SubFactory(SignedContractFactory)
    kind = "annual"
    year = 2026
    indicator_set = factory.SubFactory(IndicatorSetFactory, status="frozen")
    period_start_on = datetime.date(2026, 3, 1)
    period_end_on = datetime.date(2026, 12, 31)
    due_on = datetime.date(2027, 1, 15)
    status = "finalized"
    score = Decimal("85.00")
    grade = "good"
    evaluator_count = 3
    finalized_at = factory.LazyFunction(lambda: datetime.datetime(2027, 1, 20, 10, 0, tzinfo=datetime.UTC))
