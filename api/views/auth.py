"""API tokens: exchanged for a user name and password (locked out by django-axes after repeated wrong passwords),
valid for settings.API_TOKEN_DAYS (accounts.tokens)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from accounts import tokens
from accounts.lockout import lockout_response
from api.throttling import ClientScopedRateThrottle

# --- tokens ------------------------------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for the user's API token (`Authorization: Token <key>`)."""

    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(summary=_("以用户名和密码换取接口令牌"), tags=["auth"], responses={200: TokenSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = tokens.token_issue(serializer.validated_data["user"])
        return Response(TokenSerializer({"token": token.key, "expires_at": tokens.expires_at(token)}).data)

    def handle_exception(self, exc):
        # django-axes marks the request its backend saw (DRF's): the lockout answers instead of "wrong password".
        if getattr(self.request, "axes_locked_out", False):
            return lockout_response(self.request._request)
        return super().handle_exception(exc)
