from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("监督检查")

    def ready(self):
        from registry.tabs import OrganizationTab, register_organization_tab
        from supervision import permissions  # noqa: F401  (registers the supervision.* rules permissions)
        from supervision.selectors import organization_supervision_count

        register_organization_tab(
            OrganizationTab(
                "supervision",
                _("抽查检查"),
                60,
                organization_supervision_count,
                "supervision/includes/organization_tab.html",
            )
        )
