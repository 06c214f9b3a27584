from django.urls import path

from evaluations import views

app_name = "evaluations"

public_patterns = [
    path("", views.EvaluationListView.as_view(), name="evaluation-list"),
    path("results.xlsx", views.evaluation_list_export, name="evaluation-list-export"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation-detail"),
    path("<int:pk>/report.pdf", views.evaluation_report, name="evaluation-report"),
    path("<int:pk>/results.xlsx", views.evaluation_results_export, name="evaluation-results-export"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/scores/",
        views.AssignmentScoresView.as_view(),
        name="assignment-scores",
    ),
]

official_patterns = [
    path("manage/", views.EvaluationManageView.as_view(), name="evaluation-manage"),
    path("new/", views.EvaluationCreateView.as_view(), name="evaluation-create"),
    path("<int:pk>/edit/", views.EvaluationEditView.as_view(), name="evaluation-edit"),
    path("<int:pk>/delete/", views.EvaluationDeleteView.as_view(), name="evaluation-delete"),
    path("<int:pk>/invite/", views.AssignmentInviteView.as_view(), name="assignment-invite"),
    path("<int:pk>/start/", views.EvaluationStartView.as_view(), name="evaluation-start"),
    path("<int:pk>/finalize/", views.EvaluationFinalizeView.as_view(), name="evaluation-finalize"),
    path("<int:pk>/payment-decision/", views.PaymentDecisionView.as_view(), name="payment-decision"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/withdraw/",
        views.AssignmentWithdrawView.as_view(),
        name="assignment-withdraw",
    ),
]

indicator_set_patterns = [
    path("indicator-sets/", views.IndicatorSetListView.as_view(), name="indicator-set-list"),
    path("indicator-sets/new/", views.IndicatorSetCreateView.as_view(), name="indicator-set-create"),
    path("indicator-sets/import/", views.IndicatorSetImportView.as_view(), name="indicator-set-import"),
    path("indicator-sets/<int:pk>/", views.IndicatorSetDetailView.as_view(), name="indicator-set-detail"),
    path("indicator-sets/<int:pk>/edit/", views.IndicatorSetEditView.as_view(), name="indicator-set-edit"),
    path("indicator-sets/<int:pk>/delete/", views.IndicatorSetDeleteView.as_view(), name="indicator-set-delete"),
    path("indicator-sets/<int:pk>/activate/", views.IndicatorSetActivateView.as_view(), name="indicator-set-activate"),
    path("indicator-sets/<int:pk>/reopen/", views.IndicatorSetReopenView.as_view(), name="indicator-set-reopen"),
    path(
        "indicator-sets/<int:pk>/new-version/",
        views.IndicatorSetNewVersionView.as_view(),
        name="indicator-set-new-version",
    ),
    path("indicator-sets/<int:pk>/export.xlsx", views.indicator_set_export, name="indicator-set-export"),
    path("indicator-sets/<int:pk>/indicators/new/", views.IndicatorCreateView.as_view(), name="indicator-create"),
    path(
        "indicator-sets/<int:pk>/indicators/<int:indicator_pk>/edit/",
        views.IndicatorEditView.as_view(),
        name="indicator-edit",
    ),
    path(
        "indicator-sets/<int:pk>/indicators/<int:indicator_pk>/remove/",
        views.IndicatorRemoveView.as_view(),
        name="indicator-remove",
    ),
]

pool_patterns = [
    path("pool/", views.EvaluatorPoolView.as_view(), name="evaluator-pool"),
    path("pool/new/", views.EvaluatorProfileCreateView.as_view(), name="evaluator-profile-create"),
    path("pool/<int:pk>/edit/", views.EvaluatorProfileEditView.as_view(), name="evaluator-profile-edit"),
    path("pool/<int:pk>/active/", views.EvaluatorProfileActiveView.as_view(), name="evaluator-profile-active"),
]

evaluator_patterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/accept/", views.TaskAcceptView.as_view(), name="task-accept"),
    path("tasks/<int:pk>/conflict/", views.TaskConflictView.as_view(), name="task-conflict"),
    path("tasks/<int:pk>/decline/", views.TaskDeclineView.as_view(), name="task-decline"),
    path("tasks/<int:pk>/scores/", views.TaskScoreView.as_view(), name="task-score"),
    path("tasks/<int:pk>/total/", views.running_total, name="task-total"),
]

urlpatterns = public_patterns + official_patterns + indicator_set_patterns + pool_patterns + evaluator_patterns
