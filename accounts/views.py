"""The signed-in user's own API token: see when it was issued and when it expires, issue a new one, revoke it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts import tokens


class TokenView(LoginRequiredMixin, View):
    template_name = "accounts/tokens.html"

    def get(self, request):
        token = tokens.current_token(request.user)
        context = {
            "token": token,
            "expires_at": tokens.expires_at(token) if token else None,
            "key_hint": f"{token.key[:4]}…{token.key[-4:]}" if token else "",
            "new_key": request.session.pop("accounts-new-token", ""),
            "lifetime_days": tokens.lifetime().days,
        }
        response = render(request, self.template_name, context)
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request):
        if request.POST.get("action") == "revoke":
            if tokens.token_revoke(request.user):
                messages.success(request, _("接口令牌已撤销，使用它的程序将无法再访问。"))
        else:
            token = tokens.token_issue(request.user, renew=True)
            request.session["accounts-new-token"] = token.key
            messages.success(request, _("已生成新的接口令牌，原令牌随即失效。"))
        return redirect("accounts:tokens")
