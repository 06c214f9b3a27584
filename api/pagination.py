"""Pagination of the API's lists.

- `ApiPagination`: page numbers, `?page=2&page_size=100` (at most 200 rows a page).
- `KeysetApiPagination` (every list of `ApiViewSet`): the same answer (`count`, `next`, `previous`, `results`) and the
  same `?page=` and `?page_size=`, but `next` and `previous` carry a `cursor` that reads the neighbouring page by
  keyset (`core.paging`): following them costs the same at page 2 and page 3,000, and rows written meanwhile never
  appear twice. `?page=N` alone still works (read from the nearer end of the list).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.paging import KeysetPaginator


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = _("页码，从 1 开始。")
    page_size_query_description = _("每页条数（默认 50，最多 200）。")
    invalid_page_message = _("没有这一页。")


class KeysetApiPagination(ApiPagination):
    cursor_query_param = "cursor"
    cursor_query_description = _("上一页或下一页的位置：照用 next 与 previous 链接中的值，不必自己构造。")

    def paginate_queryset(self, queryset, request, view=None):
        if not KeysetPaginator.supports(queryset):
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        paginator = KeysetPaginator(queryset, self.get_page_size(request))
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            number = paginator.num_pages
        try:
            self.page = paginator.page(number, request.query_params.get(self.cursor_query_param), strict=True)
        except ValueError:
            raise NotFound(self.invalid_page_message) from None
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def _link(self, number: int, cursor: str | None) -> str:
        url = replace_query_param(self.request.build_absolute_uri(), self.page_query_param, number)
        if cursor:
            return replace_query_param(url, self.cursor_query_param, cursor)
        return remove_query_param(url, self.cursor_query_param)

    def get_next_link(self):
        if not getattr(self.page, "keyset", False):
            return super().get_next_link()
        if not self.page.has_next():
            return None
        return self._link(self.page.next_page_number(), self.page.next_cursor)

    def get_previous_link(self):
        if not getattr(self.page, "keyset", False):
            return super().get_previous_link()
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(remove_query_param(self.request.build_absolute_uri(), "page"), "cursor")
        return self._link(number, self.page.previous_cursor)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
            }
        )
        return parameters
