from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("购买目录与合同")

    def ready(self):
        from contracts import permissions  # noqa: F401  (registers the contracts.* rules permissions)
        from contracts.selectors import organization_contract_rows
        from registry.tabs import OrganizationTab, register_organization_tab

        register_organization_tab(
            OrganizationTab(
                "contracts",
                _("政府购买服务"),
                70,
                lambda records: len(organization_contract_rows(records)),
                "contracts/includes/organization_tab.html",
            )
        )
