from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The roof: the public home and its figures, the navigation, the signed-in user's workspace, and `seed_demo`,
    which orders every app's demo builder. Only config/ stands above it."""

    name = "portal"
    verbose_name = "Qiyue portal"
