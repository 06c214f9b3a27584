from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = (
        "username",
        "display_name",
        "department",
        "organization",
        "is_registrar",
        "is_purchaser",
        "is_evaluator",
        "is_superuser",
        "is_active",
    )
    list_filter = ("is_registrar", "is_purchaser", "is_evaluator", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email", "department__name", "organization__name")
    autocomplete_fields = ("department", "organization")
    list_select_related = ("department", "organization")
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            _("角色"),
            {
                "fields": (
                    "display_name",
                    "department",
                    "organization",
                    "is_registrar",
                    "is_purchaser",
                    "is_evaluator",
                    "language",
                )
            },
        ),
    )
