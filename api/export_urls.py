from django.urls import path

from api import pages

app_name = "exports"

urlpatterns = [
    path("", pages.ExportListView.as_view(), name="list"),
    path("<int:pk>/download/", pages.export_download, name="download"),
]
