from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The admin speaks Qiyue's language: its header and title, and the names of the third-party apps it lists.
THIRD_PARTY_APP_NAMES = {
    "django_tasks_database": _("后台任务"),
    "authtoken": _("接口令牌"),
    "rest_framework": _("开放接口框架"),
    "axes": _("登录防护"),
}


class PortalConfig(AppConfig):
    """The roof: the public home and its figures, the navigation, the signed-in user's workspace, and `seed_demo`,
    which orders every app's demo builder. Only config/ stands above it."""

    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from django.apps import apps
        from django.contrib import admin

        admin.site.site_header = _("契约 管理后台")
        admin.site.site_title = _("契约 管理后台")
        admin.site.index_title = _("系统管理")
        for label, name in THIRD_PARTY_APP_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
