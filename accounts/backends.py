"""Signing in and finding the signed-in user of a request.

`UserBackend` is Django's `ModelBackend` (username and password, `is_active`, Django's permissions) whose
`get_user` — called once per request for the session's user — reads the official's department and its region with
the user: every page of an official scopes its lists by that region (`accounts.permissions.in_official_region`),
which otherwise cost two more queries on every request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("department__region").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
