"""Organizations, ratings, inspections, credit listings and administrative penalties in the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    MONEY,
    DepartmentRefSerializer,
    OrganizationRefSerializer,
    ReadFast,
    RegionSerializer,
    UsccRelatedField,
    absolute_url,
    department_field,
    region_field,
    request_user,
)
from core.links import reverse_one
from registry import permissions as registry_rules
from registry.models import AnnualInspection, AnnualReport, CreditListing, FormerName, Organization, Penalty, Rating

# --- registry -------------------------------------------------------------------------------------------------------


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()


class OrganizationSerializer(ReadFast, serializers.ModelSerializer):
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
        if not registry_rules.can_view_contact(request_user(self), organization):
            return None
        return {"phone": organization.contact_phone, "email": organization.contact_email}

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, organization: Organization) -> str:
        return absolute_url(self, reverse_one("registry:organization-detail", organization.uscc))


class FormerNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormerName
        fields = ["name", "changed_on"]


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


class PenaltySerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    authority = DepartmentRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "organization",
            "decision_number",
            "decided_on",
            "authority",
            "kind",
            "kind_label",
            "amount",
            "facts",
            "legal_basis",
            "status",
            "status_label",
            "status_changed_on",
            "status_reason",
        ]


class PenaltyCreateSerializer(serializers.Serializer):
    organization = UsccRelatedField()
    decision_number = serializers.CharField(max_length=100)
    decided_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Penalty.Kind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    facts = serializers.CharField()
    legal_basis = serializers.CharField()


class AnnualReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    review_result_label = serializers.CharField(source="get_review_result_display", read_only=True)

    class Meta:
        model = AnnualReport
        fields = [
            "year",
            "income",
            "expenditure",
            "government_purchase_income",
            "net_assets",
            "staff_count",
            "volunteer_count",
            "activity_count",
            "submitted_on",
            "status",
            "status_label",
            "review_result",
            "review_result_label",
            "reviewed_on",
        ]


class OrganizationDetailSerializer(OrganizationSerializer):
    former_names = FormerNameSerializer(many=True, read_only=True, help_text=_("曾用名（最近的在前）及名称变更日期"))
    ratings = RatingSerializer(many=True, read_only=True)
    inspections = InspectionSerializer(many=True, read_only=True)
    credit_listings = CreditListingSerializer(many=True, read_only=True)
    penalties = PenaltySerializer(many=True, read_only=True)
    annual_reports = AnnualReportSerializer(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [
            *OrganizationSerializer.Meta.fields,
            "former_names",
            "ratings",
            "inspections",
            "credit_listings",
            "penalties",
            "annual_reports",
        ]


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
