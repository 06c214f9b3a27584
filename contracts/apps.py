from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("购买目录与合同")

    def ready(self):
        from contracts import permissions  # noqa: F401  (registers the contracts.* rules permissions)
