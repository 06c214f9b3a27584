"""API tokens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.authtoken.views import ObtainAuthToken

from api.throttling import ClientScopedRateThrottle

# --- tokens ------------------------------------------------------------------------------------------------------


@extend_schema_view(post=extend_schema(summary=_("以用户名和密码换取接口令牌"), tags=["auth"]))
class TokenView(ObtainAuthToken):
    """Exchange a user name and password for the user's API token (`Authorization: Token <key>`)."""

    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"
