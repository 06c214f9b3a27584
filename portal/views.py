"""The roof's pages: the public home, the signed-in user's workspace, and the 403/404 pages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from portal.dashboard import home_dashboard, home_year
from portal.navigation import items_for


class HomeView(TemplateView):
    """The public home: what Qiyue records, and one year's figures (`?year=`, the current year by default) for the
    province and each league and city."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        year = home_year(self.request.GET.get("year"), timezone.localdate())
        return {**super().get_context_data(**kwargs), "dashboard": home_dashboard(year=year)}


class WorkspaceView(LoginRequiredMixin, TemplateView):
    """The signed-in user's roles, department, region and the work each role opens."""

    template_name = "portal/workspace.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["work_items"] = items_for(self.request.user, "work")
        return context


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
