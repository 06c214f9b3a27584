"""The notification pages: the user's list (filter, mark one or all read), opening one, and the e-mail choices.

Every page reads and writes only the signed-in user's own notifications: another user's notification is a 404, like
one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.views import page_of
from notifications import selectors, services
from notifications.forms import EmailPreferencesForm, NotificationFilterForm
from notifications.models import Notification


def notification_for_user(user, pk: int) -> Notification:
    """The user's own notification `pk` (with its record, None when deleted); Http404 for anyone else's."""
    try:
        return selectors.notification_list(user=user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404(_("没有这条通知。")) from None


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request):
        form = NotificationFilterForm(request.GET or None)
        show, kind = "unread", ""
        if form.is_valid():
            show = form.cleaned_data["show"] or "unread"
            kind = form.cleaned_data["kind"]
        rows = selectors.notification_list(user=request.user, unread_only=show == "unread", kind=kind or None)
        page = page_of(request, rows, per_page=30)
        return render(
            request,
            "notifications/list.html",
            {"form": form, "page_obj": page, "notifications": page.object_list, "show": show},
        )


class NotificationOpenView(LoginRequiredMixin, View):
    """Follow a notification to its page, marking it read; a deleted record is said so instead."""

    def get(self, request, pk):
        notification = notification_for_user(request.user, pk)
        services.notification_mark_read(user=request.user, notification=notification)
        if not notification.target_available or not notification.url:
            messages.warning(request, _("该通知涉及的事项已被撤回或删除。"))
            return redirect("notifications:list")
        return redirect(notification.url)


class NotificationReadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notification = notification_for_user(request.user, pk)
        services.notification_mark_read(user=request.user, notification=notification)
        return _back(request)


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notification_mark_all_read(user=request.user)
        messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
        return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


class EmailPreferencesView(LoginRequiredMixin, View):
    template_name = "notifications/settings.html"

    def get(self, request):
        refused = services.email_refused_kinds(request.user)
        initial = {"email_kinds": [kind for kind in Notification.Kind.values if kind not in refused]}
        return render(request, self.template_name, {"form": EmailPreferencesForm(initial=initial)})

    def post(self, request):
        form = EmailPreferencesForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        services.email_preferences_set(user=request.user, email_kinds=form.cleaned_data["email_kinds"])
        messages.success(request, _("邮件通知设置已保存。"))
        return redirect(reverse("notifications:settings"))
