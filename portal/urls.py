from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/workspace/", views.WorkspaceView.as_view(), name="workspace"),
]
