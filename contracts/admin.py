"""The contracts admin: for looking things up and correcting descriptive text.

Statuses, dates of the workflow, amounts, shares, numbers and the links that decide budgets are read-only here:
they change only through contracts.services (publishing, signing, amending, deciding, paying), which check the
rules and the workflow tables and record who acted. Rows that only a service may create (contracts with their
numbers, items of a list, deliverables, decisions, payments, amendments) cannot be added here either.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contracts.models import (
    Amendment,
    Contract,
    ContractDocument,
    ContractNumberSequence,
    Deliverable,
    Payment,
    PurchaseItem,
    PurchaseList,
    Submission,
    SubmissionFile,
)


class ReadOnlyInline(admin.TabularInline):
    """A summary of a record's rows: they are added, changed and removed through the services."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class PurchaseItemInline(ReadOnlyInline):
    model = PurchaseItem
    fields = ("code", "category", "service_name", "quantity", "unit", "budget", "service_start_on", "service_end_on")
    show_change_link = True


@admin.register(PurchaseList)
class PurchaseListAdmin(SimpleHistoryAdmin):
    list_display = ("title", "department", "year", "status", "published_on", "withdrawn_on")
    list_filter = ("status", "year")
    search_fields = ("title", "department__name", "department__code")
    list_select_related = ("department",)
    autocomplete_fields = ("department", "region")
    readonly_fields = (
        "status",
        "published_on",
        "withdrawn_on",
        "withdrawal_reason",
        "revision_of",
        "created_by",
        "created_at",
    )
    inlines = [PurchaseItemInline]


@admin.register(PurchaseItem)
class PurchaseItemAdmin(SimpleHistoryAdmin):
    list_display = ("code", "service_name", "category", "purchase_list", "budget")
    list_filter = ("category",)
    search_fields = ("code", "service_name", "purchase_list__title")
    list_select_related = ("purchase_list",)
    readonly_fields = ("purchase_list", "origin", "budget")

    def has_add_permission(self, request):
        return False


class DeliverableInline(ReadOnlyInline):
    model = Deliverable
    fields = ("title", "due_on", "payment_share", "status")
    show_change_link = True


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("instalment", "amount", "paid_on", "deliverable", "recorded_by")


class ContractDocumentInline(admin.TabularInline):
    model = ContractDocument
    extra = 0
    fields = ("title", "kind", "file", "original_name", "is_public", "uploaded_by", "uploaded_at")
    raw_id_fields = ("uploaded_by",)


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "department", "organization", "amount", "status", "signed_on")
    list_filter = ("status", "method", "year")
    search_fields = ("number", "title", "organization__name", "department__name")
    list_select_related = ("department", "organization")
    readonly_fields = (
        "number",
        "year",
        "department",
        "organization",
        "purchase_item",
        "amount",
        "start_on",
        "end_on",
        "term_justification",
        "status",
        "signed_on",
        "performance_started_on",
        "completed_on",
        "terminated_on",
        "termination_reason",
        "eligibility_acknowledged_warnings",
        "text_version",
        "created_by",
        "created_at",
    )
    inlines = [DeliverableInline, PaymentInline, ContractDocumentInline]

    def has_add_permission(self, request):
        return False


@admin.register(ContractNumberSequence)
class ContractNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ("department", "year", "last_value")
    list_select_related = ("department",)
    search_fields = ("department__code", "department__name")
    readonly_fields = ("department", "year", "last_value")

    def has_add_permission(self, request):
        return False


@admin.register(ContractDocument)
class ContractDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "contract", "kind", "is_public", "original_name", "uploaded_at")
    list_filter = ("kind", "is_public")
    search_fields = ("title", "original_name", "contract__number")
    list_select_related = ("contract",)
    raw_id_fields = ("contract", "uploaded_by")


class SubmissionInline(ReadOnlyInline):
    model = Submission
    fields = ("submitted_at", "submitted_by", "decision", "decided_at", "decided_by")
    show_change_link = True


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
    list_display = ("title", "contract", "due_on", "payment_share", "status")
    list_filter = ("status",)
    search_fields = ("title", "contract__number", "contract__title")
    list_select_related = ("contract",)
    readonly_fields = ("contract", "due_on", "payment_share", "status", "accepted_at")
    inlines = [SubmissionInline]

    def has_add_permission(self, request):
        return False


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    fields = ("original_name", "file", "size", "content_type")


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ("deliverable", "submitted_at", "submitted_by", "decision", "decided_at")
    list_filter = ("decision",)
    search_fields = ("deliverable__title", "deliverable__contract__number")
    list_select_related = ("deliverable", "submitted_by")
    readonly_fields = (
        "deliverable",
        "submitted_at",
        "submitted_by",
        "decision",
        "decided_at",
        "decided_by",
        "decision_comment",
    )
    inlines = [SubmissionFileInline]

    def has_add_permission(self, request):
        return False


@admin.register(SubmissionFile)
class SubmissionFileAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "submission", "size", "content_type")
    search_fields = ("original_name",)
    raw_id_fields = ("submission",)


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ("contract", "instalment", "amount", "paid_on", "deliverable")
    search_fields = ("contract__number",)
    list_select_related = ("contract", "deliverable")
    readonly_fields = ("contract", "instalment", "amount", "paid_on", "deliverable", "recorded_by", "recorded_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    list_display = ("contract", "kind", "old_value", "new_value", "amended_on", "amended_by")
    list_filter = ("kind",)
    search_fields = ("contract__number", "reason")
    list_select_related = ("contract", "amended_by")
    readonly_fields = ("contract", "kind", "old_value", "new_value", "reason", "amended_on", "amended_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
