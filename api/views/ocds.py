"""Open Contracting Data Standard 1.1: the release package and one contract's releases."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_official, is_superuser
from api import ocds, ocds_dump
from api.exceptions import ApiError
from api.ocds_cursor import OcdsCursorPagination
from api.renderers import FastJSONRenderer
from api.selectors import ocds_contract_get
from api.views.common import ERRORS
from contracts.models import Contract
from core import pagecache
from verification.services import site_url

# --- OCDS --------------------------------------------------------------------------------------------------------


class OcdsDateRangeSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text=_("只含该日及以后的 release"))
    date_to = serializers.DateField(required=False, help_text=_("只含该日及以前的 release"))


OCDS_PACKAGE = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_(
        "OCDS 1.1 release package（https://standard.open-contracting.org/1.1/en/schema/release_package/）："
        "每份已签订合同一个 ocid（前缀 + 合同编号），购买主体和承接主体以统一社会信用代码标识（scheme CN-USCI）。"
        "按合同分页：下一页和上一页的地址（cursor 参数）在 HTTP 头 Link（rel=next/prev）中，合同总数在"
        " X-Total-Count 中，不在发布包内。"
    ),
)
OCDS_RECORDS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_(
        "OCDS 1.1 record package：每个 ocid 一条 record，列出其全部 release 的链接，并附 ocdsmerge 合并的"
        " compiledRelease（当前状态）。分页信息（cursor 地址）在 HTTP 头 Link 和 X-Total-Count 中。"
    ),
)
PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description=str(OcdsCursorPagination.cursor_query_description)),
    OpenApiParameter("page_size", int, description=str(OcdsCursorPagination.page_size_query_description)),
]


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _remembered_page(request, name: str, build) -> HttpResponse:
    """A page of an OCDS list as JSON, remembered until a write to one of the tables it was read from commits
    (`core.pagecache.remember_read`, per day, language, address and query string): the releases of a page of 200
    contracts are built from about twenty tables in 50–80 ms, read back whole in a few. `build()` gives the package
    and the paginator whose headers go with it; what is kept is the body as sent and those headers."""

    def page() -> tuple[bytes, list[tuple[str, str]]]:
        package, paginator = build()
        response = paginator.headers(HttpResponse())
        headers = [(header, response[header]) for header in ("Link", "X-Total-Count") if header in response]
        return FastJSONRenderer().render(package), headers

    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    body, headers = pagecache.remember_read(name, address, translation.get_language(), compute=page)
    response = HttpResponse(body, content_type="application/json")
    for header, value in headers:
        response[header] = value
    return response


def _dated_releases(contracts, *, base_url: str, date_from, date_to) -> list[dict]:
    releases = []
    for _contract, contract_releases in ocds.releases_of_contracts(contracts, base_url=base_url):
        for release in contract_releases:
            day = datetime.datetime.fromisoformat(release["date"]).date()
            if (date_from is None or day >= date_from) and (date_to is None or day <= date_to):
                releases.append(release)
    return releases


class OcdsReleasePackageView(APIView):
    """Every signed contract's releases as one OCDS release package, page by page (contracts oldest first)."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        summary=_("OCDS 发布包：全部已签订合同"),
        tags=["open data"],
        parameters=[OcdsDateRangeSerializer, *PAGE_PARAMETERS],
        responses={200: OCDS_PACKAGE, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request):
        dates = OcdsDateRangeSerializer(data=request.query_params)
        dates.is_valid(raise_exception=True)
        date_from: datetime.date | None = dates.validated_data.get("date_from")
        date_to: datetime.date | None = dates.validated_data.get("date_to")

        def build():
            paginator = OcdsCursorPagination()
            page = paginator.paginate(request, date_from=date_from, date_to=date_to)
            releases = _dated_releases(page, base_url=_base_url(request), date_from=date_from, date_to=date_to)
            return ocds.release_package(releases, uri=request.build_absolute_uri()), paginator

        return _remembered_page(request, "ocds-releases", build)


class OcdsRecordPackageView(APIView):
    """Every signed contract's record (its releases linked and compiled), page by page (contracts oldest first)."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        summary=_("OCDS 记录包：全部已签订合同的 record"),
        tags=["open data"],
        parameters=PAGE_PARAMETERS,
        responses={200: OCDS_RECORDS, 404: ERRORS[404]},
    )
    def get(self, request):
        def build():
            paginator = OcdsCursorPagination()
            page = paginator.paginate(request)
            records = []
            packages = []
            for contract, releases in ocds.releases_of_contracts(page, base_url=_base_url(request)):
                if releases:
                    package_url = request.build_absolute_uri(reverse("contract-ocds", args=[contract.number]))
                    packages.append(package_url)
                    records.append(ocds.record(releases, package_url=package_url))
            return ocds.record_package(records, uri=request.build_absolute_uri(), packages=packages), paginator

        return _remembered_page(request, "ocds-records", build)


class OcdsContractReleasesView(APIView):
    """One contract's releases as an OCDS release package (`/contracts/<number>/ocds.json`)."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        summary=_("OCDS 发布包：一份合同的全部 release"),
        tags=["open data"],
        responses={200: OCDS_PACKAGE, 404: ERRORS[404]},
    )
    def get(self, request, number: str):
        try:
            contract = ocds_contract_get(number=number)
        except Contract.DoesNotExist:
            raise ApiError.not_found(_("没有该编号的已签订合同。")) from None
        releases = ocds.contract_releases(contract, base_url=_base_url(request))
        return Response(ocds.release_package(releases, uri=request.build_absolute_uri()))


EXTENSION_FILES = {"extension.json": "application/json", "release-schema.json": "application/json", "README.md": None}


@require_safe
def ocds_extension_file(request, name: str):
    """The files of Qiyue's OCDS extension (listed in every package), from the repository; extension.json names the
    README on this site."""
    if name not in EXTENSION_FILES:
        raise Http404
    path = ocds.EXTENSION_DIR / name
    if name == "extension.json":
        metadata = json.loads(path.read_text(encoding="utf-8"))
        readme = request.build_absolute_uri(reverse("api:ocds-extension", args=["README.md"]))
        metadata["documentationUrl"] = {"en": readme}
        return JsonResponse(metadata, json_dumps_params={"ensure_ascii": False, "indent": 2})
    content_type = EXTENSION_FILES[name] or "text/markdown; charset=utf-8"
    return HttpResponse(path.read_bytes(), content_type=content_type)


class OcdsDumpView(APIView):
    """The bulk files (all releases and records, JSON Lines and packages): GET lists what was last built; an official
    POSTs to have them rebuilt in the background."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        summary=_("OCDS 批量数据文件：全部 release 和 record（JSON Lines 与发布包格式）"),
        tags=["open data"],
        responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]},
    )
    def get(self, request):
        manifest = ocds_dump.read_manifest()
        if manifest is None:
            raise ApiError.not_found(_("批量数据文件尚未生成。"))
        for name, details in manifest["files"].items():
            details.pop("stored_name", None)  # where storage keeps it is no business of the reader
            details["url"] = request.build_absolute_uri(reverse("api:ocds-dump-file", args=[name]))
        return Response(manifest)

    @extend_schema(
        summary=_("重新生成 OCDS 批量数据文件（后台，工作人员）"),
        tags=["open data"],
        request=None,
        responses={202: OpenApiTypes.OBJECT, 401: ERRORS[401], 403: ERRORS[403]},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        if not (is_official(request.user) or is_superuser(request.user)):
            raise ApiError.lazy(
                status_code=403, code="permission_denied", message=_("只有工作人员可以重新生成批量数据文件。")
            )
        base_url = site_url(request)
        transaction.on_commit(lambda: ocds_dump.build_ocds_dump.enqueue(base_url))
        return Response({"status": "queued"}, status=202)


def ocds_dump_file(request, name: str):
    """One built bulk file."""
    if name not in ocds_dump.FILES:
        raise Http404
    handle = ocds_dump.open_published(name)
    if handle is None:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/gzip")
