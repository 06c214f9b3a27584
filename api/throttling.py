"""API throttles keyed on the client's address as core.clients sees it (X-Forwarded-For only from TRUSTED_PROXIES),
counted in the shared cache (settings.CACHES: Redis or the database), so every process counts the same."""

from __future__ import annotations

from rest_framework.throttling import ScopedRateThrottle

from core.clients import client_address


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request):
        return client_address(request)
