from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("待办与通知")

    def ready(self):
        # Each app declares its to-do kinds in its own `todo.py` (see notifications/todo.py); importing them here, once
        # every model is loaded, registers them without this app importing any app above it.
        autodiscover_modules("todo")
