"""The roof's pages: the public home, the signed-in user's 待办 (their landing page after login) with the full list
of one kind, the workspace, and the 403/404 pages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from accounts.permissions import is_official, is_superuser
from core import pagecache
from core.services import today
from notifications import todo
from portal.dashboard import home_dashboard, home_year
from portal.navigation import items_for
from portal.officials import official_dashboard
from portal.search import direct_hit, site_search


class HomeView(TemplateView):
    """The public home: what Qiyue records, and one year's figures (`?year=`, the current year by default) for the
    province and each league and city."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        year = home_year(self.request.GET.get("year"), timezone.localdate())
        # The figures and charts are the costly part (aggregates, pygal): computed only when their fragment is not
        # in the cache (core.pagecache.fragment: thrown away by any write).
        dashboard = SimpleLazyObject(lambda: home_dashboard(year=year))
        statistics = pagecache.fragment(
            "home-statistics",
            year,
            render=lambda: render_to_string("portal/includes/home_statistics.html", {"dashboard": dashboard}),
        )
        return {**super().get_context_data(**kwargs), "dashboard": dashboard, "home_statistics": statistics}


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


class TodoView(LoginRequiredMixin, TemplateView):
    """待办事项: every kind of work waiting for the user, computed from the records, overdue first."""

    template_name = "portal/todo.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        groups = todo.assemble_remembered(user, on=today())
        count, overdue = todo.total(groups)
        return {
            **super().get_context_data(**kwargs),
            "groups": groups,
            "todo_count": count,
            "todo_overdue": overdue,
            "work_items": items_for(user, "work"),
            "today": today(),
            "has_dashboard": is_official(user) or is_superuser(user),
        }


class OfficialDashboardView(LoginRequiredMixin, TemplateView):
    """本辖区概况: this year's figures of the official's department or region, beside their 待办."""

    template_name = "portal/official_dashboard_page.html"

    def get_context_data(self, **kwargs):
        user, day = self.request.user, today()
        # Kept per user, day and language until a write to one of the tables its figures are read from commits
        # (core.pagecache.remember_read): not after a rating, a notice or an inspection recorded.
        dashboard = pagecache.remember_read(
            "official-dashboard",
            user.pk,
            day.isoformat(),
            translation.get_language(),
            compute=lambda: official_dashboard(user, on=day),
        )
        if dashboard is None:
            raise PermissionDenied
        return {**super().get_context_data(**kwargs), "dashboard": dashboard}


class TodoKindView(LoginRequiredMixin, TemplateView):
    """Every item of one kind on the user's list, overdue first, paginated."""

    template_name = "portal/todo_kind.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        try:
            kind = todo.get_kind(kwargs["key"])
        except KeyError:
            raise Http404 from None
        if not kind.applies_to(user):
            raise Http404
        rows, to_item = todo.kind_rows(kind, user, on=today())
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "kind": kind,
            "role_label": todo.ROLE_LABELS[kind.role],
            "page_obj": page,
            "items": [to_item(row) for row in page.object_list],
            "today": today(),
        }


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
