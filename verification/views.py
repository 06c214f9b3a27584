"""The public verification pages (no login): /verify/ looks up a file or a SHA-256, /verify/<number>/ shows an issued
document's facts and fingerprint and compares a file with it, /verify/<number>/document.pdf gives the kept copy."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from core.uploads import normalize_sha256, sha256_of
from core.views import stored_file_response
from verification.forms import CompareForm, VerifyForm
from verification.models import IssuedDocument
from verification.selectors import find_sha256, issued_document_get


def verify(request):
    findings = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            findings = find_sha256(form.cleaned_data["sha256"])
    else:
        value = normalize_sha256(request.GET.get("sha256", ""))
        form = VerifyForm(initial={"sha256": value or request.GET.get("sha256", "")})
        if value:
            findings = find_sha256(value)
        elif request.GET.get("sha256"):
            form = VerifyForm({"sha256": request.GET["sha256"]})
            form.is_valid()
    return render(request, "verification/verify.html", {"form": form, "findings": findings})


def _document(number: str) -> IssuedDocument:
    try:
        return issued_document_get(number=number)
    except IssuedDocument.DoesNotExist:
        raise Http404 from None


def document(request, number):
    issued = _document(number)
    comparison = None
    if request.method == "POST":
        form = CompareForm(request.POST, request.FILES)
        if form.is_valid():
            comparison = {"sha256": sha256_of(form.cleaned_data["file"])}
            comparison["matches"] = comparison["sha256"] == issued.sha256
    else:
        form = CompareForm()
    context = {"document": issued, "form": form, "comparison": comparison}
    return render(request, "verification/document.html", context)


def document_download(request, number):
    issued = _document(number)
    if not issued.is_public:
        raise Http404
    return stored_file_response(
        request, issued.file, original_name=f"{issued.number}.pdf", content_type="application/pdf", sha256=issued.sha256
    )
