from django.urls import path

from verification import views

app_name = "verification"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("<str:number>/", views.document, name="document"),
    path("<str:number>/document.pdf", views.document_download, name="document-download"),
]
