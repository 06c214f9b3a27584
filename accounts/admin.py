from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User

# Django stores a permission's name once, in English ("Can view 社会组织"): the admin names it from its code instead.
PERMISSION_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def _model_name(model) -> str:
    """A model's name; for the table Django makes behind a many-to-many field, the two models it links."""
    if model._meta.auto_created:
        linked = [field.related_model._meta.verbose_name for field in model._meta.fields if field.is_relation]
        return "—".join(str(name) for name in linked)
    return str(model._meta.verbose_name)


def permission_label(permission: Permission) -> str:
    """“app | model | action” in the reader's language; a permission of a model's history names the model."""
    model = permission.content_type.model_class()
    action, _separator, model_name = permission.codename.partition("_")
    if model is None:
        return str(permission)
    app = apps.get_app_config(model._meta.app_label).verbose_name
    base = getattr(model, "instance_type", None)  # simple-history's historical models point to the model they record
    if base is not None:
        subject = _("%(model)s（历史记录）") % {"model": _model_name(base)}
    else:
        subject = _model_name(model)
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        return f"{app} | {subject} | {PERMISSION_ACTIONS[action]}"
    return f"{app} | {subject} | {permission.name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class TranslatedPermissionsMixin:
    """The permission pickers of users and groups, labelled with permission_label."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("user_permissions", "permissions"):
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissionsMixin, BaseGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, BaseUserAdmin, SimpleHistoryAdmin):
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
