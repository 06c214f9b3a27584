"""What a locked-out sign-in sees (django-axes' AXES_LOCKOUT_CALLABLE): the lockout page on the site and the admin,
the API's error body (code `locked_out`, 429) on the token endpoint."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.middleware import Rendered, bad_request

LOCKED_OUT = _("该账号从您的地址输错密码的次数过多，已暂时锁定，请 %(minutes)d 分钟后再试。")


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request, original_response=None, credentials=None):
    message = Rendered(LOCKED_OUT, {"minutes": cooloff_minutes()})
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path_info.startswith("/api/"):
        response = bad_request(request, message, code="locked_out", status=status)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=status)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
