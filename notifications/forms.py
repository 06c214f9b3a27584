from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification


class NotificationFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("显示"), choices=[("unread", _("未读")), ("all", _("全部"))], required=False, initial="unread"
    )
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部类别")), *Notification.Kind.choices], required=False)


class EmailPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("同时发送电子邮件的通知"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
