"""Purchase lists, contracts, deliverables, payments, amendments and documents in the API."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.ocds import document_path
from api.serializers.common import (
    MONEY,
    DepartmentRefSerializer,
    OrganizationRefSerializer,
    ReadFast,
    RegionSerializer,
    UsccRelatedField,
    absolute_url,
    department_field,
    request_user,
)
from contracts import permissions as contract_rules
from contracts.models import Amendment, Contract, ContractDocument, Deliverable, Payment, PurchaseItem, PurchaseList

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


class PurchaseItemRefSerializer(ReadFast, serializers.ModelSerializer):
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
        return absolute_url(self, document_path(document))


class ContractSerializer(ReadFast, serializers.ModelSerializer):
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
        return absolute_url(self, reverse("contract-ocds", args=[contract.number]))


class ContractDetailSerializer(ContractSerializer):
    deliverables = DeliverableSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "deliverables", "payments", "amendments", "documents"]

    @extend_schema_field(ContractDocumentSerializer(many=True))
    def get_documents(self, contract: Contract) -> list[dict]:
        user = request_user(self)
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


class AcceptanceSerializer(DecisionSerializer):
    accepted_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("实际验收的日期，默认今天")
    )
