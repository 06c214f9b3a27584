"""What the supervision pages share: the form page that runs one service, the form about an organization named in
the query string, and the addresses of the records."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from core.views import ServiceFormView
from registry.models import Organization
from supervision import permissions
from supervision.forms import OrganizationPickForm


def require(allowed) -> None:
    """403 unless the user has the role the page needs (supervision.permissions' role predicates)."""
    if not allowed:
        raise PermissionDenied


def inspection_url(inspection) -> str:
    return reverse("supervision:inspection-detail", args=[inspection.pk])


def order_url(order) -> str:
    return reverse("supervision:order-detail", args=[order.pk])


def complaint_url(complaint) -> str:
    return reverse("supervision:complaint-detail", args=[complaint.pk])


def draw_url(draw) -> str:
    return reverse("supervision:draw-detail", args=[draw.pk])


class ActionView(ServiceFormView):
    """A supervision page that runs one service (see core.views.ServiceFormView)."""

    def subtitle(self, context: dict) -> str:
        organization = context.get("organization")
        return f"{organization.name} · {organization.uscc}" if organization else ""


class OrganizationActionView(ActionView):
    """A form about one organization named in the query string (?organization=<code>); without one, the page first
    asks which organization. Officials only; an organization the official may not act on answers 404."""

    organization: Organization | None = None

    def allowed(self, organization: Organization) -> bool:
        raise ImproperlyConfigured(f"{type(self).__name__} must define allowed()")

    def load(self, **kwargs) -> None:
        require(permissions.may_supervise(self.request.user))
        self.pick_form = None
        text = self.request.GET.get("organization", "").strip()
        if not text:
            self.pick_form = OrganizationPickForm()
            return
        pick = OrganizationPickForm({"organization": text})
        if not pick.is_valid():
            self.pick_form = pick
            return
        self.organization = pick.cleaned_data["organization"]
        if not self.allowed(self.organization):
            raise Http404

    def get(self, request, *args, **kwargs):
        if self.organization is None:
            context = {"title": self.title, "form": self.pick_form, "breadcrumbs": self.breadcrumbs()}
            return render(request, "supervision/pick_organization.html", context)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.organization is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.organization}

    def cancel_url(self) -> str:
        return reverse("registry:organization-detail", args=[self.organization.uscc])
