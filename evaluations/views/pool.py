"""The evaluator pool (评价专家库): the officials' list and forms, and the evaluator's own profile form."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.views import ConfirmForm, page_of
from evaluations import permissions, selectors, services
from evaluations.access import access_evaluator_profile_for_edit, require_pool_keeper, require_pool_reader
from evaluations.forms import EvaluatorProfileForm, profile_fields
from evaluations.views.common import ActionView, pool_url


class EvaluatorPoolView(LoginRequiredMixin, View):
    """评价专家库: every evaluator profile, active or not, with the evaluations each has open, and the latest changes.
    Every official reads it; only its keepers (the registrars of the province) are offered the buttons."""

    template_name = "evaluations/evaluator_pool.html"

    def get(self, request):
        require_pool_reader(request.user)
        page = page_of(request, selectors.evaluator_pool())
        context = {
            "page_obj": page,
            "profiles": page.object_list,
            "keeper": bool(permissions.can_manage_evaluator_pool(request.user)),
            "changes": selectors.evaluator_pool_changes(limit=20),
        }
        return render(request, self.template_name, context)


class EvaluatorProfileCreateView(ActionView):
    form_class = EvaluatorProfileForm
    title = gettext_lazy("将专家加入评价专家库")
    submit_label = gettext_lazy("加入专家库")

    def load(self, **kwargs):
        require_pool_keeper(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True}

    def cancel_url(self):
        return pool_url()

    def breadcrumbs(self):
        return [(_("评价专家库"), pool_url())]

    def perform(self, data):
        profile = services.evaluator_profile_create(actor=self.request.user, user=data["user"], **profile_fields(data))
        self.success_message = _("已将“%(name)s”加入评价专家库。") % {"name": profile.user}
        return pool_url()


class EvaluatorProfileActionView(ActionView):
    """A form on one pool member: pool keepers act on anyone; an evaluator edits their own profile only."""

    def load(self, **kwargs):
        self.profile = access_evaluator_profile_for_edit(self.request.user, kwargs["pk"])

    @property
    def keeper(self) -> bool:
        return bool(permissions.can_manage_evaluator_pool(self.request.user))

    def cancel_url(self):
        return pool_url() if self.keeper else reverse("evaluations:task-list")

    def breadcrumbs(self):
        if self.keeper:
            return [(_("评价专家库"), pool_url())]
        return [(_("我的评价任务"), reverse("evaluations:task-list"))]

    def get_context_data(self, **kwargs):
        changes = selectors.evaluator_pool_changes(profile=self.profile)
        return {**super().get_context_data(**kwargs), "profile": self.profile, "changes": changes}


class EvaluatorProfileEditView(EvaluatorProfileActionView):
    form_class = EvaluatorProfileForm
    title = gettext_lazy("修改评价专家信息")
    template_name = "evaluations/evaluator_profile_edit.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "self_service": not self.keeper}

    def get_initial(self):
        profile = self.profile
        organization = profile.affiliation_organization
        return {
            "specialties": profile.specialties,
            "affiliation_uscc": organization,
            "affiliation": profile.affiliation,
            "contact_phone": profile.contact_phone,
            "contact_email": profile.contact_email,
        }

    def perform(self, data):
        services.evaluator_profile_update(actor=self.request.user, profile=self.profile, **profile_fields(data))
        self.success_message = _("已保存评价专家“%(name)s”的信息。") % {"name": self.profile.user}
        return self.cancel_url()


class EvaluatorProfileActiveView(EvaluatorProfileActionView):
    """Take an evaluator out of the pool (no new invitations; running assignments go on) or back in."""

    form_class = ConfirmForm
    intro_template = "evaluations/includes/evaluator_active_intro.html"

    def load(self, **kwargs):
        require_pool_keeper(self.request.user)
        return super().load(**kwargs)

    @property
    def title(self):
        return _("停用评价专家") if self.profile.is_active else _("恢复评价专家")

    @property
    def submit_label(self):
        return _("停用") if self.profile.is_active else _("恢复")

    def perform(self, data):
        active = not self.profile.is_active
        services.evaluator_profile_set_active(actor=self.request.user, profile=self.profile, is_active=active)
        if active:
            self.success_message = _("已恢复评价专家“%(name)s”，可再次被邀请。") % {"name": self.profile.user}
        else:
            self.success_message = _("已停用评价专家“%(name)s”，不再被邀请。") % {"name": self.profile.user}
        return pool_url()
