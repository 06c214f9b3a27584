"""Reads of the verification pages: an issued document by number, and everything registered under a SHA-256."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from core.models import StoredFile
from verification.models import IssuedDocument


@dataclass
class Findings:
    """What a SHA-256 matches: issued documents (public ones with their facts) and the pages publishing an uploaded
    file. `held` counts files that match but are not public (their places are not named)."""

    sha256: str
    documents: list[IssuedDocument] = field(default_factory=list)
    published: list[tuple[str, str]] = field(default_factory=list)
    held: int = 0

    @property
    def found(self) -> bool:
        return bool(self.documents or self.published)


def stored_file_models() -> list[type[StoredFile]]:
    """Every concrete model of an uploaded file (each app's StoredFile subclasses)."""
    return [model for model in apps.get_models() if issubclass(model, StoredFile)]


def issued_document_get(*, number: str) -> IssuedDocument:
    return IssuedDocument.objects.get(number=number.strip().upper())


def find_sha256(sha256: str, *, limit: int = 20) -> Findings:
    findings = Findings(sha256=sha256)
    findings.documents = list(IssuedDocument.objects.filter(sha256=sha256).order_by("issued_at", "pk")[:limit])
    for model in stored_file_models():
        for stored in model.objects.filter(sha256=sha256).order_by("pk")[:limit]:
            link = stored.public_link()
            if link is None:
                findings.held += 1
            elif link not in findings.published:
                findings.published.append(link)
    return findings
