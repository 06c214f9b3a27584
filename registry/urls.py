from django.urls import path

from registry import import_views, views

app_name = "registry"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization-list"),
    path("new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("suggest/", views.organization_suggestions, name="organization-suggestions"),
    path("suggest/regions/", views.region_suggestions, name="region-suggestions"),
    path("suggest/departments/", views.department_suggestions, name="department-suggestions"),
    path("import/", import_views.OrganizationImportView.as_view(), name="organization-import"),
    path("import/template.xlsx", import_views.organization_import_template, name="organization-import-template"),
    path("<str:uscc>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("<str:uscc>/report.pdf", views.organization_report, name="organization-report"),
    path("<str:uscc>/edit/", views.OrganizationEditView.as_view(), name="organization-edit"),
    path("<str:uscc>/rename/", views.OrganizationRenameView.as_view(), name="organization-rename"),
    path("<str:uscc>/status/", views.OrganizationStatusView.as_view(), name="organization-status"),
    path("<str:uscc>/inspections/new/", views.InspectionCreateView.as_view(), name="inspection-create"),
    path("<str:uscc>/ratings/new/", views.RatingCreateView.as_view(), name="rating-create"),
    path("<str:uscc>/listings/new/", views.CreditListingCreateView.as_view(), name="listing-create"),
    path("<str:uscc>/listings/<int:pk>/remove/", views.CreditListingRemoveView.as_view(), name="listing-remove"),
    path("<str:uscc>/annual-reports/new/", views.AnnualReportSubmitView.as_view(), name="annual-report-create"),
    path(
        "<str:uscc>/annual-reports/<int:year>/review/",
        views.AnnualReportReviewView.as_view(),
        name="annual-report-review",
    ),
    path("<str:uscc>/penalties/new/", views.PenaltyCreateView.as_view(), name="penalty-create"),
    path("<str:uscc>/penalties/<int:pk>/status/", views.PenaltyStatusView.as_view(), name="penalty-status"),
]
