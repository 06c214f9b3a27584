from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("社会组织登记")

    def ready(self):
        from registry import permissions  # noqa: F401  (registers the registry.* rules permissions)
