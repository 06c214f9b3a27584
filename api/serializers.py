"""What the API shows and what it accepts.

Read serializers show exactly what the pages disclose: registry records, published purchase lists, contracts from
signing on with their deliverables (status only, never submissions), payments, amendments and the documents the
reader may download. Contact data appears only for those the registry lets see it. Input serializers only parse
types; every rule is checked by the service the view calls.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.ocds import document_path
from contracts import permissions as contract_rules
from contracts.models import Amendment, Contract, ContractDocument, Deliverable, Payment, PurchaseItem, PurchaseList
from evaluations.models import Evaluation
from registry import permissions as registry_rules
from registry.models import AnnualInspection, CreditListing, Department, Organization, Rating, Region
from registry.uscc import normalize_uscc
from supervision.models import Complaint

MONEY = {"max_digits": 14, "decimal_places": 2}


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- errors ---------------------------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("错误类别：invalid、not_authenticated、permission_denied、not_found 等"))
    message = serializers.CharField(help_text=_("请求语言（Accept-Language）的说明"))
    message_zh = serializers.CharField()
    message_en = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=_("各输入字段的错误说明")
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    error = ErrorDetailSerializer()


# --- references -----------------------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["uscc", "name"]


class UsccRelatedField(serializers.SlugRelatedField):
    """An organization named by its unified social credit code (spaces, full-width and lower case accepted)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.all())
        super().__init__(slug_field="uscc", **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(normalize_uscc(str(data)) if isinstance(data, str) else data)


def region_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), **kwargs)


def department_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), **kwargs)


# --- registry -------------------------------------------------------------------------------------------------------


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()


class OrganizationSerializer(serializers.ModelSerializer):
    org_type_label = serializers.CharField(source="get_org_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    region = RegionSerializer(read_only=True)
    registration_authority = DepartmentRefSerializer(read_only=True)
    current_grade = serializers.CharField(read_only=True, allow_null=True, help_text=_("今天有效的评估等级"))
    current_grade_valid_until = serializers.DateField(read_only=True, allow_null=True)
    on_credit_list = serializers.BooleanField(read_only=True)
    on_serious_list = serializers.BooleanField(read_only=True)
    contact = serializers.SerializerMethodField(help_text=_("联系方式：仅向辖区工作人员和本组织成员显示"))
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "uscc",
            "name",
            "org_type",
            "org_type_label",
            "status",
            "status_label",
            "status_changed_on",
            "region",
            "registration_authority",
            "supervisory_unit",
            "legal_representative",
            "registered_funds",
            "established_on",
            "domicile",
            "business_scope",
            "certificate_valid_until",
            "current_grade",
            "current_grade_valid_until",
            "on_credit_list",
            "on_serious_list",
            "contact",
            "page_url",
        ]

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, organization: Organization) -> dict | None:
        if not registry_rules.can_view_contact(_user(self), organization):
            return None
        return {"phone": organization.contact_phone, "email": organization.contact_email}

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, organization: Organization) -> str:
        return _absolute(self, reverse("registry:organization-detail", args=[organization.uscc]))


class RatingSerializer(serializers.ModelSerializer):
    awarding_authority = DepartmentRefSerializer(read_only=True)

    class Meta:
        model = Rating
        fields = ["grade", "score", "awarded_on", "valid_until", "awarding_authority"]


class InspectionSerializer(serializers.ModelSerializer):
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = AnnualInspection
        fields = ["year", "result", "result_label", "decided_on"]


class CreditListingSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    list_kind_label = serializers.CharField(source="get_list_kind_display", read_only=True)
    deciding_authority = DepartmentRefSerializer(read_only=True)
    removed_by = DepartmentRefSerializer(read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = CreditListing
        fields = [
            "id",
            "organization",
            "list_kind",
            "list_kind_label",
            "reason",
            "listed_on",
            "deciding_authority",
            "is_open",
            "removed_on",
            "removal_reason",
            "removed_by",
        ]


class OrganizationDetailSerializer(OrganizationSerializer):
    ratings = RatingSerializer(many=True, read_only=True)
    inspections = InspectionSerializer(many=True, read_only=True)
    credit_listings = CreditListingSerializer(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "ratings", "inspections", "credit_listings"]


class OrganizationRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    uscc = serializers.CharField(max_length=40)
    org_type = serializers.ChoiceField(choices=Organization.Type.choices)
    region = region_field()
    legal_representative = serializers.CharField(max_length=50)
    registered_funds = serializers.DecimalField(**MONEY)
    established_on = serializers.DateField()
    domicile = serializers.CharField(max_length=300)
    registration_authority = department_field(required=False, allow_null=True)
    supervisory_unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    business_scope = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    certificate_valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class OrganizationUpdateSerializer(serializers.Serializer):
    """Any subset of the registration fields (members: contact_phone and contact_email only)."""

    name = serializers.CharField(max_length=200, required=False)
    uscc = serializers.CharField(max_length=40, required=False)
    org_type = serializers.ChoiceField(choices=Organization.Type.choices, required=False)
    region = region_field(required=False)
    legal_representative = serializers.CharField(max_length=50, required=False)
    registered_funds = serializers.DecimalField(**MONEY, required=False)
    established_on = serializers.DateField(required=False)
    domicile = serializers.CharField(max_length=300, required=False)
    registration_authority = department_field(required=False)
    supervisory_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    business_scope = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    certificate_valid_until = serializers.DateField(required=False, allow_null=True)


class CreditListingCreateSerializer(serializers.Serializer):
    organization = UsccRelatedField()
    list_kind = serializers.ChoiceField(choices=CreditListing.List.choices)
    reason = serializers.CharField()
    listed_on = serializers.DateField()


class CreditListingRemoveSerializer(serializers.Serializer):
    removed_on = serializers.DateField()
    reason = serializers.CharField()


# --- purchase lists -------------------------------------------------------------------------------------------------


class PurchaseItemSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    committed_amount = serializers.DecimalField(**MONEY, read_only=True, help_text=_("已签订合同占用的预算"))
    remaining_budget = serializers.DecimalField(**MONEY, read_only=True)
    contract_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PurchaseItem
        fields = [
            "id",
            "purchase_list",
            "code",
            "category",
            "category_label",
            "subcategory",
            "service_name",
            "description",
            "provider_requirements",
            "quantity",
            "unit",
            "budget",
            "service_start_on",
            "service_end_on",
            "performance_targets",
            "committed_amount",
            "remaining_budget",
            "contract_count",
        ]


class PurchaseListSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    region = RegionSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    total_budget = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = PurchaseList
        fields = [
            "id",
            "department",
            "region",
            "year",
            "title",
            "description",
            "status",
            "status_label",
            "published_on",
            "withdrawn_on",
            "withdrawal_reason",
            "revision_of",
            "item_count",
            "total_budget",
        ]


class PurchaseListDetailSerializer(PurchaseListSerializer):
    items = serializers.SerializerMethodField()

    class Meta(PurchaseListSerializer.Meta):
        fields = [*PurchaseListSerializer.Meta.fields, "items"]

    @extend_schema_field(PurchaseItemSerializer(many=True))
    def get_items(self, purchase_list: PurchaseList) -> list[dict]:
        rows = getattr(purchase_list, "item_rows", None)
        if rows is None:
            return []
        return PurchaseItemSerializer(rows, many=True, context=self.context).data


class PurchaseListCreateSerializer(serializers.Serializer):
    department = department_field()
    year = serializers.IntegerField(min_value=2000, max_value=2200)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PurchaseListPublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(required=False, allow_null=True, default=None)


class PurchaseItemCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    category = serializers.ChoiceField(choices=PurchaseItem.Category.choices)
    service_name = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField(max_length=20)
    budget = serializers.DecimalField(**MONEY)
    service_start_on = serializers.DateField()
    service_end_on = serializers.DateField()
    subcategory = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    provider_requirements = serializers.CharField(required=False, allow_blank=True, default="")
    performance_targets = serializers.CharField(required=False, allow_blank=True, default="")


# --- contracts ------------------------------------------------------------------------------------------------------


class PurchaseItemRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurchaseItem
        fields = ["id", "purchase_list", "code", "service_name"]


class DeliverableSerializer(serializers.ModelSerializer):
    contract = serializers.SlugRelatedField(slug_field="number", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "contract",
            "title",
            "description",
            "due_on",
            "payment_share",
            "acceptance_criteria",
            "status",
            "status_label",
            "accepted_at",
            "is_overdue",
        ]

    def get_is_overdue(self, deliverable: Deliverable) -> bool:
        annotated = getattr(deliverable, "is_overdue_now", None)
        return bool(annotated) if annotated is not None else deliverable.is_overdue


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["instalment", "amount", "paid_on", "deliverable", "note"]


class AmendmentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Amendment
        fields = ["id", "kind", "kind_label", "old_value", "new_value", "reason", "amended_on"]


class ContractDocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ContractDocument
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "is_public",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document: ContractDocument) -> str:
        return _absolute(self, document_path(document))


class ContractSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    region = RegionSerializer(source="department.region", read_only=True)
    organization = OrganizationRefSerializer(read_only=True)
    purchase_item = PurchaseItemRefSerializer(read_only=True, allow_null=True)
    paid_amount = serializers.DecimalField(**MONEY, read_only=True)
    overdue_count = serializers.IntegerField(read_only=True, help_text=_("逾期未验收的履约事项数"))
    ocds_url = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "number",
            "year",
            "title",
            "description",
            "status",
            "status_label",
            "department",
            "region",
            "organization",
            "purchase_item",
            "method",
            "method_label",
            "amount",
            "signed_on",
            "start_on",
            "end_on",
            "term_justification",
            "completed_on",
            "terminated_on",
            "termination_reason",
            "paid_amount",
            "overdue_count",
            "ocds_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_ocds_url(self, contract: Contract) -> str | None:
        if not contract.is_public:
            return None
        return _absolute(self, reverse("contract-ocds", args=[contract.number]))


class ContractDetailSerializer(ContractSerializer):
    deliverables = DeliverableSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "deliverables", "payments", "amendments", "documents"]

    @extend_schema_field(ContractDocumentSerializer(many=True))
    def get_documents(self, contract: Contract) -> list[dict]:
        user = _user(self)
        visible = [doc for doc in contract.documents.all() if contract_rules.can_download_document(user, doc)]
        return ContractDocumentSerializer(visible, many=True, context=self.context).data


class ContractCreateSerializer(serializers.Serializer):
    department = department_field()
    organization = UsccRelatedField()
    title = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=Contract.Method.choices)
    amount = serializers.DecimalField(**MONEY)
    start_on = serializers.DateField()
    end_on = serializers.DateField()
    purchase_item = serializers.PrimaryKeyRelatedField(
        queryset=PurchaseItem.objects.select_related("purchase_list"), required=False, allow_null=True, default=None
    )
    year = serializers.IntegerField(min_value=2000, max_value=2200, required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    term_justification = serializers.CharField(required=False, allow_blank=True, default="")


class ContractSignSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    acknowledge_warnings = serializers.BooleanField(
        required=False, default=False, help_text=_("确认承接主体的资格提示（如列入活动异常名录、无有效评估等级）")
    )


class DeliverableCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    payment_share = serializers.DecimalField(max_digits=5, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    acceptance_criteria = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    paid_on = serializers.DateField()
    deliverable = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("履约事项编号"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# --- evaluations ----------------------------------------------------------------------------------------------------


class ContractRefSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = Contract
        fields = ["number", "title", "department", "organization"]


class EvaluationSerializer(serializers.ModelSerializer):
    """A finalized evaluation's public result."""

    contract = ContractRefSerializer(read_only=True)
    region = RegionSerializer(source="contract.department.region", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    aggregation_label = serializers.CharField(source="get_aggregation_display", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    indicator_set = serializers.CharField(source="indicator_set.label", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "contract",
            "region",
            "kind",
            "kind_label",
            "year",
            "period_start_on",
            "period_end_on",
            "indicator_set",
            "aggregation",
            "aggregation_label",
            "trimmed",
            "evaluator_count",
            "score",
            "grade",
            "grade_label",
            "finalized_at",
        ]


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    parent = serializers.CharField(allow_null=True, help_text=_("上级指标编码"))
    name = serializers.CharField()
    level = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    mean_score = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    mean_points = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class EvaluatorTotalSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("专家姓名，或匿名编号"))
    total = serializers.DecimalField(max_digits=7, decimal_places=4)
    counted = serializers.BooleanField(help_text=_("计入综合得分（去掉最高分和最低分时为否）"))


class EvaluationDetailSerializer(EvaluationSerializer):
    indicators = IndicatorResultSerializer(many=True, read_only=True)
    evaluators = EvaluatorTotalSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "indicators", "evaluators"]


def evaluation_detail_data(results, context: dict) -> dict:
    """An EvaluationResults (evaluations.selectors.evaluation_results) as EvaluationDetailSerializer data."""
    by_id = {indicator.pk: indicator for indicator in results.indicators}
    indicators = [
        {
            "code": indicator.code,
            "parent": by_id[indicator.parent_id].code if indicator.parent_id in by_id else None,
            "name": indicator.name,
            "level": indicator.level,
            "weight": indicator.weight,
            "max_score": indicator.max_score if indicator.is_leaf else None,
            "mean_score": indicator.result.mean_score if indicator.result is not None else None,
            "mean_points": indicator.result.mean_points if indicator.result is not None else None,
        }
        for indicator in results.indicators
    ]
    evaluators = [{"label": row.label, "total": row.total, "counted": row.counted} for row in results.evaluators]
    data = dict(EvaluationSerializer(results.evaluation, context=context).data)
    data["indicators"] = IndicatorResultSerializer(indicators, many=True).data
    data["evaluators"] = EvaluatorTotalSerializer(evaluators, many=True).data
    return data


# --- complaints -----------------------------------------------------------------------------------------------------


class ComplaintCreateSerializer(serializers.Serializer):
    organization = UsccRelatedField(
        required=False, allow_null=True, default=None, help_text=_("被投诉社会组织的统一社会信用代码")
    )
    contract = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Contract.objects.exclude(status=Contract.Status.DRAFT).select_related("organization"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("涉及的合同编号（已签订的合同）"),
    )
    subject = serializers.CharField(max_length=200)
    text = serializers.CharField()
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


class ComplaintStatusSerializer(serializers.Serializer):
    """What anyone holding the tracking code may see: never the text, contact data or internal notes."""

    tracking_code = serializers.CharField()
    subject = serializers.CharField()
    organization_name = serializers.CharField()
    contract_number = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Complaint.Status.choices)
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reasoning = serializers.CharField(allow_blank=True, help_text=_("办理结论的理由（办结后公开）"))
    order_issued = serializers.BooleanField(help_text=_("已据此下达整改通知"))
