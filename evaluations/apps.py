from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("绩效评价")

    def ready(self):
        """Plug the consequences of evaluations into the other apps' extension points.

        - contracts: an evaluator who accepted an assignment on a contract's evaluation may view its evidence;
          a 差 holds the contract's payments until a purchaser records a decision.
        - registry: a recent 差 appears among the organization's eligibility warnings; the organization's page has a
          绩效评价 tab.
        """
        from contracts.permissions import register_evidence_viewer
        from contracts.services import register_payment_blocker
        from evaluations.permissions import evaluator_may_view_evidence
        from evaluations.selectors import evaluation_payment_blockers, performance_eligibility_check
        from registry.selectors import register_eligibility_check

        register_evidence_viewer(evaluator_may_view_evidence)
        register_payment_blocker(evaluation_payment_blockers)
        register_eligibility_check(performance_eligibility_check)

        from evaluations.selectors import organization_evaluation_rows
        from registry.tabs import OrganizationTab, register_organization_tab

        register_organization_tab(
            OrganizationTab(
                "evaluations",
                _("绩效评价"),
                80,
                lambda records: len(organization_evaluation_rows(records)),
                "evaluations/_organization_grades.html",
            )
        )
