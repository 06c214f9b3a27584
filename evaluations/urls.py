from django.urls import path

from evaluations.views import indicator_sets, manage, pool, public, tasks

app_name = "evaluations"

public_patterns = [
    path("", public.EvaluationListView.as_view(), name="evaluation-list"),
    path("results.xlsx", public.evaluation_list_export, name="evaluation-list-export"),
    path("<int:pk>/", public.EvaluationDetailView.as_view(), name="evaluation-detail"),
    path("<int:pk>/report.pdf", public.evaluation_report, name="evaluation-report"),
    path("<int:pk>/results.xlsx", public.evaluation_results_export, name="evaluation-results-export"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/scores/",
        public.AssignmentScoresView.as_view(),
        name="assignment-scores",
    ),
]

official_patterns = [
    path("manage/", manage.EvaluationManageView.as_view(), name="evaluation-manage"),
    path("new/", manage.EvaluationCreateView.as_view(), name="evaluation-create"),
    path("<int:pk>/edit/", manage.EvaluationEditView.as_view(), name="evaluation-edit"),
    path("<int:pk>/delete/", manage.EvaluationDeleteView.as_view(), name="evaluation-delete"),
    path("<int:pk>/invite/", manage.AssignmentInviteView.as_view(), name="assignment-invite"),
    path("<int:pk>/start/", manage.EvaluationStartView.as_view(), name="evaluation-start"),
    path("<int:pk>/finalize/", manage.EvaluationFinalizeView.as_view(), name="evaluation-finalize"),
    path("<int:pk>/payment-decision/", manage.PaymentDecisionView.as_view(), name="payment-decision"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/withdraw/",
        manage.AssignmentWithdrawView.as_view(),
        name="assignment-withdraw",
    ),
]

indicator_set_patterns = [
    path("indicator-sets/", indicator_sets.IndicatorSetListView.as_view(), name="indicator-set-list"),
    path("indicator-sets/new/", indicator_sets.IndicatorSetCreateView.as_view(), name="indicator-set-create"),
    path("indicator-sets/import/", indicator_sets.IndicatorSetImportView.as_view(), name="indicator-set-import"),
    path("indicator-sets/<int:pk>/", indicator_sets.IndicatorSetDetailView.as_view(), name="indicator-set-detail"),
    path("indicator-sets/<int:pk>/edit/", indicator_sets.IndicatorSetEditView.as_view(), name="indicator-set-edit"),
    path(
        "indicator-sets/<int:pk>/delete/", indicator_sets.IndicatorSetDeleteView.as_view(), name="indicator-set-delete"
    ),
    path(
        "indicator-sets/<int:pk>/activate/",
        indicator_sets.IndicatorSetActivateView.as_view(),
        name="indicator-set-activate",
    ),
    path(
        "indicator-sets/<int:pk>/reopen/", indicator_sets.IndicatorSetReopenView.as_view(), name="indicator-set-reopen"
    ),
    path(
        "indicator-sets/<int:pk>/new-version/",
        indicator_sets.IndicatorSetNewVersionView.as_view(),
        name="indicator-set-new-version",
    ),
    path("indicator-sets/<int:pk>/export.xlsx", indicator_sets.indicator_set_export, name="indicator-set-export"),
    path(
        "indicator-sets/<int:pk>/indicators/new/", indicator_sets.IndicatorCreateView.as_view(), name="indicator-create"
    ),
    path(
        "indicator-sets/<int:pk>/indicators/<int:indicator_pk>/edit/",
        indicator_sets.IndicatorEditView.as_view(),
        name="indicator-edit",
    ),
    path(
        "indicator-sets/<int:pk>/indicators/<int:indicator_pk>/remove/",
        indicator_sets.IndicatorRemoveView.as_view(),
        name="indicator-remove",
    ),
]

pool_patterns = [
    path("pool/", pool.EvaluatorPoolView.as_view(), name="evaluator-pool"),
    path("pool/new/", pool.EvaluatorProfileCreateView.as_view(), name="evaluator-profile-create"),
    path("pool/<int:pk>/edit/", pool.EvaluatorProfileEditView.as_view(), name="evaluator-profile-edit"),
    path("pool/<int:pk>/active/", pool.EvaluatorProfileActiveView.as_view(), name="evaluator-profile-active"),
]

evaluator_patterns = [
    path("tasks/", tasks.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", tasks.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/accept/", tasks.TaskAcceptView.as_view(), name="task-accept"),
    path("tasks/<int:pk>/conflict/", tasks.TaskConflictView.as_view(), name="task-conflict"),
    path("tasks/<int:pk>/decline/", tasks.TaskDeclineView.as_view(), name="task-decline"),
    path("tasks/<int:pk>/scores/", tasks.TaskScoreView.as_view(), name="task-score"),
    path("tasks/<int:pk>/total/", tasks.running_total, name="task-total"),
]

urlpatterns = public_patterns + official_patterns + indicator_set_patterns + pool_patterns + evaluator_patterns
