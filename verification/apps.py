from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    """The register of issued documents (every generated PDF, numbered, with its key facts and SHA-256) and the public
    /verify/ pages that check a document or an uploaded file against what was issued and published."""

    name = "verification"
    verbose_name = _("文件核验")
