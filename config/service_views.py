"""The one way a page runs a service: a form whose ValidationError lands on its fields, success redirects.

Every app's action pages subclass `ServiceFormView`; `add_service_errors` is also used by views that are not forms.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView


def add_service_errors(
    form, error: ValidationError, aliases: dict[str, str] | None = None, *, field: str | None = None
) -> None:
    """Show a service's ValidationError on the form: each message next to its field, the rest at the top.

    `aliases` maps the service's (or model's) field names to the form's where they differ; an error that names no
    field goes to `field` when given, else to the top of the form.
    """
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(field, error)
        return
    mapped: dict[str, list] = {}
    for name, field_messages in error.error_dict.items():
        target = aliases.get(name, name)
        if target not in form.fields:
            target = NON_FIELD_ERRORS
        mapped.setdefault(target, []).extend(field_messages)
    for name, field_messages in mapped.items():
        form.add_error(None if name == NON_FIELD_ERRORS else name, field_messages)


class ConfirmForm(forms.Form):
    """A confirmation without input: the page's button runs the service (publish, delete a draft, finalize, ...)."""


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form that calls one service.

    `load()` fetches what the URL names and checks who may act (PermissionDenied / Http404) before anything else; it
    may return a response (a redirect) when the object's state leaves nothing to do here. `perform()` calls the
    service with the cleaned data, sets `self.success_message` and returns the URL to go to.
    """

    title = ""
    submit_label = gettext_lazy("保存")
    submit_class = "btn-primary"
    intro_template: str | None = None
    # Service (or model) field names that the form calls differently, and the field for errors naming none.
    error_aliases: dict[str, str] = {}
    error_field: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        response = self.load(**kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> HttpResponse | None:
        """Fetch the objects the URL names and check the user may act on them."""
        return None

    def perform(self, data: dict) -> str:
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform() to call its service")

    def cancel_url(self) -> str:
        return reverse("home")

    def breadcrumbs(self) -> list[tuple[str, str]]:
        return []

    def form_valid(self, form):
        self.success_message = ""
        try:
            url = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, self.error_aliases, field=self.error_field)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": self.title,
                "submit_label": self.submit_label,
                "submit_class": self.submit_class,
                "cancel_url": self.cancel_url(),
                "breadcrumbs": self.breadcrumbs(),
                "intro_template": self.intro_template,
            }
        )
        return context
