"""Issuing a document: number it, put the official elements on it, keep the copy and its SHA-256.

`issue_pdf(report, …)` is how every app gives out a PDF. The same content (the report's content key) of the same
subject gives back the copy already issued — same number, same bytes, same SHA-256 — so a verification page keeps
matching the file people hold; new content gets the next number of the year (QY2026-000123), taken under a row
lock. A kept copy that no longer matches its recorded SHA-256 is never given out again: the mismatch is logged and
the document is issued afresh under a new number.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from core.pdf import Issue, Report
from core.uploads import sha256_of_stored
from verification.models import IssuedDocument, IssuedDocumentSequence

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "QY"


@dataclass(frozen=True)
class Issued:
    document: IssuedDocument
    content: bytes


def site_url(request=None) -> str:
    """The site's address for links printed on documents: SITE_URL, else the request's host, else localhost."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + "/"
    if request is not None:
        return request.build_absolute_uri("/")
    return "http://localhost:8000/"


def verify_url(number: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("verification:document", args=[number])


def next_number(year: int) -> tuple[int, str]:
    """The next sequence number of the year and its document number; call inside a transaction."""
    IssuedDocumentSequence.objects.get_or_create(year=year)
    sequence = IssuedDocumentSequence.objects.select_for_update().get(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value, f"{NUMBER_PREFIX}{year}-{sequence.last_value:06d}"


def _kept_copy(document: IssuedDocument) -> bytes | None:
    """The kept copy's bytes when they still match the recorded SHA-256."""
    if sha256_of_stored(document.file) != document.sha256:
        logger.error(
            "issued document %s no longer matches its SHA-256 %s; issuing afresh", document.number, document.sha256
        )
        return None
    with document.file.open("rb") as handle:
        return handle.read()


def issue_pdf(
    report: Report,
    *,
    kind: str,
    subject: str,
    office: str,
    facts: list[tuple[object, object]],
    page_url: str = "",
    is_public: bool = True,
    seal: bool = False,
    base_url: str | None = None,
) -> Issued:
    """The registered PDF of `report` (an existing copy when the same content was issued before)."""
    content_key = report.content_key()
    earlier = IssuedDocument.objects.filter(kind=kind, subject=subject, content_key=content_key).order_by("-pk")
    for document in earlier[:3]:
        content = _kept_copy(document)
        if content is not None:
            if document.is_public != is_public:
                document.is_public = is_public
                document.save(update_fields=["is_public"])
            return Issued(document, content)
    base = base_url or site_url()
    issued_at = timezone.now()
    with transaction.atomic():
        year = timezone.localtime(issued_at).year
        sequence, number = next_number(year)
        issue = Issue(office=office, number=number, issued_at=issued_at, verify_url=verify_url(number, base), seal=seal)
        content = report.render(issue)
        document = IssuedDocument(
            number=number,
            year=year,
            sequence=sequence,
            kind=kind,
            title=report.title,
            subject=str(subject),
            office=office,
            facts=[[str(label), str(value)] for label, value in facts],
            page_url=page_url,
            is_public=is_public,
            language=get_language() or settings.LANGUAGE_CODE,
            content_key=content_key,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            issued_at=issued_at,
        )
        document.file.save(f"{number}.pdf", ContentFile(content), save=False)
        document.save()
    return Issued(document, content)
