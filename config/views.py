from django.shortcuts import render
from django.views.generic import TemplateView

from config.dashboard import home_dashboard


class HomeView(TemplateView):
    """The public home: what Qiyue records, and this year's figures for the province and each league and city."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "dashboard": home_dashboard()}


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
