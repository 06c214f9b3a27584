"""Base views every app's pages use.

- `ServiceFormView`: the one way a page runs a service: a form whose ValidationError lands on its fields, success
  redirects; `add_service_errors` does the same for views that are not forms; `ConfirmForm` for buttons without
  input.
- `paginate_table` / `page_of`: the one paginator (`?page=`, `?per_page=` within bounds, out-of-range pages clamped);
  a table over a queryset is paged by keyset (`core.paging`: `?page=N&cursor=…`, the same cost at any depth).
- `pdf_response`, `bytes_response`, `csv_response`, `stored_file_response`: what a download looks like.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRows

from core.paging import CURSOR_PARAMETER, KeysetPaginator
from core.spreadsheets import csv_chunks
from core.uploads import sha256_of_stored

logger = logging.getLogger(__name__)

PER_PAGE = 25
MAX_PER_PAGE = 100
PER_PAGE_CHOICES = (10, 25, 50, 100)


# ---- pagination ------------------------------------------------------------------------------------------------


def per_page_of(request, default: int = PER_PAGE) -> int:
    """The page size the visitor asked for (`?per_page=`), within 1..MAX_PER_PAGE."""
    try:
        value = int(request.GET.get("per_page", default))
    except (TypeError, ValueError):
        value = default
    return min(max(value, 1), MAX_PER_PAGE)


def per_page_choices(per_page: int) -> list[int]:
    return sorted({*PER_PAGE_CHOICES, per_page})


def paginate_table(request, table, *, default: int = PER_PAGE) -> int:
    """Sort (`?sort=`) and paginate a django-tables2 table; a page past the end shows the last one. A table over a
    queryset is paged by keyset (`?page=N&cursor=…`, see `core.paging`). Returns the page size used."""
    per_page = per_page_of(request, default)
    RequestConfig(request, paginate=False).configure(table)
    rows = getattr(table.data, "data", None)
    if isinstance(rows, QuerySet) and KeysetPaginator.supports(rows):
        rows_of = getattr(type(table), "rows_of", None)  # core.tables.PageFactsTable: what the cells read
        paginator = KeysetPaginator(rows_of(rows) if rows_of is not None else rows, per_page)
        page = paginator.page(request.GET.get("page", 1), request.GET.get(CURSOR_PARAMETER))
        facts = getattr(type(table), "page_facts", None)  # core.tables.PageFactsTable: the shown rows' figures
        if facts is not None:
            facts(list(page.object_list))
        page.object_list = BoundRows(data=page.object_list, table=table)
        table.paginator, table.page = paginator, page
        return per_page
    try:
        table.paginate(page=request.GET.get("page", 1), per_page=per_page)
    except PageNotAnInteger:
        table.paginate(page=1, per_page=per_page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page)
    return per_page


def render_list_page(request, template_name: str, filterset, table, **context):
    """A filtered, sorted and paginated list page: the filter card (includes/list_filters.html), the table and the
    page-size choice, plus whatever else the page shows."""
    per_page = paginate_table(request, table)
    context.update(
        {"filter": filterset, "table": table, "per_page": per_page, "per_page_choices": per_page_choices(per_page)}
    )
    return render(request, template_name, context)


def page_of(request, rows, per_page: int = PER_PAGE, parameter: str = "page"):
    """One page of a list or queryset (Django's Page); a bad or out-of-range number gives the nearest page."""
    return Paginator(rows, per_page).get_page(request.GET.get(parameter))


# ---- downloads -------------------------------------------------------------------------------------------------


def bytes_response(content: bytes, filename: str, content_type: str, *, attachment: bool = True) -> HttpResponse:
    """A generated file (PDF, xlsx, csv) under a name that may hold Chinese characters."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response


def _in_language(language: str | None, chunks: Iterator[str]) -> Iterator[bytes]:
    """The chunks encoded as UTF-8, each made in `language`: a streaming response is read after the view returned,
    when the request's language may no longer be the active one."""
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk.encode("utf-8")


def csv_response(headers: Sequence, rows: Iterable[Sequence], filename: str) -> StreamingHttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, formula-safe) streamed in blocks of lines (`csv_chunks`): the
    rows are read as the response is sent, so a long table is never held whole in memory."""
    response = StreamingHttpResponse(
        _in_language(translation.get_language(), csv_chunks(headers, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (inline), saved under `filename`."""
    return bytes_response(content, filename, "application/pdf", attachment=False)


def stored_file_response(
    request, stored, *, original_name: str, content_type: str, sha256: str
) -> FileResponse | HttpResponse:
    """Send a stored upload as a download under the name its uploader gave it (the caller checks permission).

    The content is hashed first: when it no longer matches the SHA-256 recorded on upload, the mismatch is logged and
    the visitor gets a page saying so (409), never the file as if it were genuine. A file recorded without a hash
    (none was known) is sent as it is. Never kept by a
    browser or proxy cache (evidence, scans, attachments are not public)."""
    if sha256:
        actual = sha256_of_stored(stored)
        if actual != sha256:
            logger.error(
                "stored file %s (%s) does not match its recorded SHA-256 %s: now %s; not served",
                stored.name,
                original_name,
                sha256,
                actual or "missing",
            )
            context = {"name": original_name, "expected": sha256}
            return render(request, "core/file_mismatch.html", context, status=409)
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=original_name, content_type=content_type)
    response["Cache-Control"] = "no-store"  # evidence, scans and attachments are never kept by a browser or proxy
    return response


# ---- pages that run one service --------------------------------------------------------------------------------


def add_service_errors(
    form, error: ValidationError, aliases: dict[str, str] | None = None, *, field: str | None = None
) -> None:
    """Show a service's ValidationError on the form: each message next to its field, the rest at the top.

    `aliases` maps the service's (or model's) field names to the form's where they differ; an error that names no
    field goes to `field` when given, else to the top of the form.
    """
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(field, error)
        return
    mapped: dict[str, list] = {}
    for name, field_messages in error.error_dict.items():
        target = aliases.get(name, name)
        if target not in form.fields:
            target = NON_FIELD_ERRORS
        mapped.setdefault(target, []).extend(field_messages)
    for name, field_messages in mapped.items():
        form.add_error(None if name == NON_FIELD_ERRORS else name, field_messages)


class ConfirmForm(forms.Form):
    """A confirmation without input: the page's button runs the service (publish, delete a draft, finalize, ...)."""


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form that calls one service.

    `load()` fetches what the URL names and checks who may act (PermissionDenied / Http404) before anything else; it
    may return a response (a redirect) when the object's state leaves nothing to do here. `perform()` calls the
    service with the cleaned data, sets `self.success_message` and returns the URL to go to.
    """

    template_name = "includes/service_form.html"
    title = ""
    submit_label = gettext_lazy("保存")
    submit_class = "btn-primary"
    intro_template: str | None = None
    # Service (or model) field names that the form calls differently, and the field for errors naming none.
    error_aliases: dict[str, str] = {}
    error_field: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        response = self.load(**kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> HttpResponse | None:
        """Fetch the objects the URL names and check the user may act on them."""
        return None

    def perform(self, data: dict) -> str:
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform() to call its service")

    def subtitle(self, context: dict) -> str:
        """The line under the title naming the record acted on (from the page's context); none by default."""
        return ""

    def cancel_url(self) -> str:
        return reverse("portal:home")

    def breadcrumbs(self) -> list[tuple[str, str]]:
        return []

    def form_valid(self, form):
        self.success_message = ""
        try:
            url = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, self.error_aliases, field=self.error_field)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": self.title,
                "submit_label": self.submit_label,
                "submit_class": self.submit_class,
                "cancel_url": self.cancel_url(),
                "breadcrumbs": self.breadcrumbs(),
                "intro_template": self.intro_template,
            }
        )
        context["subtitle"] = self.subtitle(context)
        return context
