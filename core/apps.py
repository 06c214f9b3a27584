from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

EMPTY_CHOICE_LABEL = _("请选择…")


class CoreConfig(AppConfig):
    """The ground every app stands on: service helpers, base views, PDFs, spreadsheets, uploads, formatting.

    No concrete models and no imports of any Qiyue app (the import contract in `make lint` enforces it).
    """

    name = "core"
    verbose_name = _("基础组件")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import (
            checks,  # noqa: F401  (registers the deployment checks)
            filters,
            middleware,
            numbers,
            pagecache,
            tables,
        )

        user_logged_in.connect(middleware.mark_signed_in, dispatch_uid="core.idle_mark")
        numbers.install()
        pagecache.install()
        tables.install()
        filters.install()
        use_empty_choice_label()


def use_empty_choice_label() -> None:
    """An empty choice reads "请选择…" ("Please choose…") instead of Django's "---------", in every select a model
    field or a ModelChoiceField builds (forms that name their own empty label keep it)."""
    from django.db.models import fields
    from django.forms import models as form_models

    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE_LABEL)]
    form_models.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE_LABEL
