"""The roof's pages: the public home, the signed-in user's workspace, and the 403/404 pages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from portal.dashboard import home_dashboard
from portal.navigation import items_for
from portal.search import direct_hit, site_search


class HomeView(TemplateView):
    """The public home: what Qiyue records, and this year's figures for the province and each league and city."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "dashboard": home_dashboard()}


class SearchView(TemplateView):
    """/search/?q=: one search across organizations, contracts, purchase-list items and evaluations; a code or
    contract number goes straight to its page."""

    template_name = "portal/search.html"

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()
        if query:
            target = direct_hit(query, user=request.user)
            if target:
                return redirect(target)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        return {**super().get_context_data(**kwargs), "q": query, "results": site_search(query, user=self.request.user)}


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
