from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.StatisticsView.as_view(), name="overview"),
    path("report.pdf", views.AnnualReportView.as_view(), name="annual-report"),
    path("quality/", views.DataQualityView.as_view(), name="quality"),
]
