from django.contrib import admin

from api.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Exports are built by the system: the admin shows them (and lets a superuser delete old ones)."""

    list_display = (
        "created_at",
        "requester",
        "kind",
        "file_format",
        "status",
        "row_count",
        "in_background",
        "finished_at",
    )
    list_filter = ("status", "kind", "file_format", "in_background")
    search_fields = ("requester__username", "requester__display_name")
    list_select_related = ("requester",)
    readonly_fields = [field.name for field in Export._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
