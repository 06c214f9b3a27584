"""Admin views of supervision records: read-only, because every change goes through supervision/services/ (the
workflows of supervision/workflows.py, escalation, history). Besides refusing every change, each admin names its
workflow fields read-only — statuses, dates and decisions, a draw's seed and population — so that they stay so even
if an admin is ever opened to corrections. Complainants' contact data is not shown here: only the handling officials
see it."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from supervision.models import (
    Complaint,
    DeliverableOverdueFlag,
    Inspection,
    InspectionAttachment,
    OrderListing,
    OrderResponse,
    OrderResponseFile,
    RectificationOrder,
    ReminderDigest,
    SampleDraw,
    SampleDrawEntry,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class SampleDrawEntryInline(ReadOnlyInline):
    model = SampleDrawEntry
    fields = ("position", "organization")


@admin.register(SampleDraw)
class SampleDrawAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("region", "year", "rate", "population_count", "sample_size", "seed", "drawn_by", "drawn_at")
    list_filter = ("year",)
    search_fields = ("region__name", "region__code")
    list_select_related = ("region", "drawn_by")
    exclude = ("population_usccs",)
    readonly_fields = ("region", "year", "rate", "seed", "population_count", "population_hash", "sample_size")
    inlines = [SampleDrawEntryInline]


class InspectionAttachmentInline(ReadOnlyInline):
    model = InspectionAttachment
    fields = ("title", "original_name", "size", "uploaded_by", "uploaded_at")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("organization", "kind", "department", "planned_on", "inspected_on", "status", "conclusion")
    list_filter = ("status", "kind", "conclusion")
    search_fields = ("organization__name", "organization__uscc", "department__name")
    list_select_related = ("organization", "department")
    date_hierarchy = "planned_on"
    readonly_fields = (
        "status",
        "planned_on",
        "inspected_on",
        "conclusion",
        "findings",
        "completed_by",
        "completed_at",
        "sample_draw",
    )
    inlines = [InspectionAttachmentInline]


class OrderResponseInline(ReadOnlyInline):
    model = OrderResponse
    fields = ("responded_at", "responded_by", "decision", "decided_by", "decided_at")
    readonly_fields = fields


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("pk", "organization", "department", "source", "issued_on", "deadline", "status", "verified_on")
    list_filter = ("status", "source")
    search_fields = ("organization__name", "organization__uscc", "requirements")
    list_select_related = ("organization", "department")
    date_hierarchy = "deadline"
    readonly_fields = ("status", "source", "issued_on", "deadline", "verified_on", "overdue_marked_at", "issued_by")
    inlines = [OrderResponseInline]


@admin.register(OrderResponseFile)
class OrderResponseFileAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("original_name", "response", "size", "content_type")
    list_select_related = ("response__order__organization",)


@admin.register(OrderListing)
class OrderListingAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("order", "listing", "created_listing", "linked_at")
    list_select_related = ("order__organization", "listing__organization")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A plain ModelAdmin: the history views would show the contact data kept in the history rows."""

    list_display = ("tracking_code", "subject", "organization", "status", "received_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("tracking_code", "subject", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "received_at"
    exclude = ("contact_name", "contact_phone", "contact_email")
    readonly_fields = (
        "tracking_code",
        "status",
        "received_at",
        "handler",
        "review_started_at",
        "decided_at",
        "decided_by",
        "reasoning",
    )


@admin.register(DeliverableOverdueFlag)
class DeliverableOverdueFlagAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("deliverable", "due_on", "flagged_on")
    list_select_related = ("deliverable__contract",)


@admin.register(ReminderDigest)
class ReminderDigestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("day", "recipient", "item_count", "sent_at")
    list_filter = ("day",)
    list_select_related = ("recipient",)
