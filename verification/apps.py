from django.apps import AppConfig


class VerificationConfig(AppConfig):
    """The register of issued documents (every generated PDF, numbered, with its key facts and SHA-256) and the public
    /verify/ pages that check a document or an uploaded file against what was issued and published."""

    name = "verification"
    verbose_name = "Qiyue verification"
