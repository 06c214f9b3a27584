from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("监督检查")

    def ready(self):
        from supervision import permissions  # noqa: F401  (registers the supervision.* rules permissions)
