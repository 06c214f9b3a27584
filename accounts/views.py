from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class WorkspaceView(LoginRequiredMixin, TemplateView):
    """The signed-in user's roles, department, region and the work each role opens."""

    template_name = "accounts/workspace.html"

    def get_context_data(self, **kwargs):
        from accounts.navigation import items_for

        context = super().get_context_data(**kwargs)
        context["work_items"] = [item for item in items_for(self.request.user, "work")]
        return context
