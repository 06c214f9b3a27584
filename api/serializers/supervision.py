"""Complaints in the API: filing one and following it by its tracking code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.common import UsccRelatedField
from contracts.models import Contract
from supervision.models import Complaint

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
