from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from registry.models import Department, Organization, Region


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "code", "region__name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "uscc", "org_type", "region", "status")
    list_filter = ("org_type", "status")
    search_fields = ("name", "uscc")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "registration_authority")
