from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground every app stands on: service helpers, base views, PDFs, spreadsheets, uploads, formatting.

    No concrete models and no imports of any Qiyue app (the import contract in `make lint` enforces it).
    """

    name = "core"
    verbose_name = "Qiyue core"

    def ready(self):
        from core import checks  # noqa: F401  (registers the deployment checks)
