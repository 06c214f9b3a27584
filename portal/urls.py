from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("todo/", views.TodoView.as_view(), name="todo"),
    path("todo/dashboard/", views.OfficialDashboardView.as_view(), name="official-dashboard"),
    path("todo/<str:key>/", views.TodoKindView.as_view(), name="todo-kind"),
    path("accounts/workspace/", views.WorkspaceView.as_view(), name="workspace"),
]
