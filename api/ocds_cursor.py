"""Cursor pagination of the OCDS lists (`/api/v1/ocds/releases/`, `/api/v1/ocds/records/`).

A page is `page_size` contracts in signing order (signing day, then contract number). The `Link` header (RFC 8288)
carries `rel="next"` and `rel="prev"` addresses with a `cursor` parameter: the position (signing day and number) of
the contract the neighbouring page starts after (next) or ends before (prev), so every page costs the same whatever
its depth (api.selectors.ocds_contract_page), a contract signed while a client pages never makes another appear twice,
and no page skips one. `X-Total-Count` is the exact number of contracts in the list (one count along the index
contract_ocds_order). Page numbers are refused with a clear message: the links are the way through.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.exceptions import ApiError
from api.selectors import OcdsPosition, ocds_contract_count, ocds_contract_page
from contracts.models import Contract

FORWARD = "n"
BACKWARD = "p"


def encode_cursor(direction: str, contract: Contract) -> str:
    text = f"{direction}|{contract.signed_on.isoformat()}|{contract.number}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, OcdsPosition]:
    """(direction, (signing day, number)); ApiError 400 for anything that no link of ours holds."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, day, number = text.split("|", 2)
        if direction not in (FORWARD, BACKWARD) or not number:
            raise ValueError(direction)
        return direction, (datetime.date.fromisoformat(day), number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError.invalid(
            {"cursor": [str(_("翻页位置无效：请照用 Link 头中 next 或 prev 地址里的 cursor。"))]},
            message=_("翻页位置无效。"),
        ) from None


class OcdsCursorPagination:
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    page_size_query_description = _("每页合同数（默认 50，最多 200）。")
    cursor_query_description = _("翻页位置：照用 Link 头中 next 或 prev 地址里的值，不必自己构造。")

    def get_page_size(self, request) -> int:
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def paginate(self, request, *, date_from=None, date_to=None) -> list[Contract]:
        """The page's contracts (with their release data), oldest signing first."""
        if request.query_params.get("page", "1") != "1":
            raise ApiError.invalid(
                {"page": [str(_("OCDS 列表不按页码翻页：请照用 Link 头中的 next 或 prev 地址（cursor 参数）。"))]},
                message=_("OCDS 列表不按页码翻页。"),
            )
        self.request = request
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param)
        self.direction, position = decode_cursor(cursor) if cursor else (FORWARD, None)
        after = position if self.direction == FORWARD else None
        before = position if self.direction == BACKWARD else None
        self.contracts, more = ocds_contract_page(
            size=size, after=after, before=before, date_from=date_from, date_to=date_to
        )
        self.has_next = more if self.direction == FORWARD else bool(self.contracts)
        self.has_previous = (position is not None and bool(self.contracts)) if self.direction == FORWARD else more
        self.count = ocds_contract_count(date_from=date_from, date_to=date_to)
        return self.contracts

    def _link(self, direction: str, contract: Contract) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, self.cursor_query_param, encode_cursor(direction, contract))

    def get_next_link(self) -> str | None:
        return self._link(FORWARD, self.contracts[-1]) if self.has_next else None

    def get_previous_link(self) -> str | None:
        return self._link(BACKWARD, self.contracts[0]) if self.has_previous else None

    def headers(self, response: Response) -> Response:
        """Paging as HTTP headers (RFC 8288 `Link`), so the body stays a valid OCDS package."""
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(self.count)
        return response
