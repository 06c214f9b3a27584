"""Release and record packages: the publication metadata (with Qiyue's extension listed) around releases, and records
compiled by ocdsmerge."""

from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path
from urllib.parse import urlsplit

import ocdsmerge
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from api.ocds.values import OCDS_VERSION, moment, prune

# The Qiyue extension (performance evaluations, file fingerprints): its files live in the repository
# (api/ocds_extension/) and are served by the site (api:ocds-extension); every package lists it.

EXTENSION_DIR = Path(__file__).resolve().parent.parent / "ocds_extension"


def extension_url(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("api:ocds-extension", args=["extension.json"])


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}/"


def _package_metadata(uri: str, published: str) -> dict:
    metadata = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [extension_url(_origin(uri))],
        "publishedDate": published,
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.OCDS_PUBLISHER_URI},
        "license": settings.OCDS_LICENSE,
        "publicationPolicy": settings.OCDS_PUBLICATION_POLICY,
    }
    return prune(metadata)


def _latest(releases: list[dict]) -> str:
    return max(releases, key=lambda release: datetime.datetime.fromisoformat(release["date"]))["date"]


def release_package(releases: list[dict], *, uri: str, published_date: datetime.datetime | None = None) -> dict:
    """An OCDS 1.1 release package. publishedDate: the latest release's date (now when there is none).

    Paging information never goes inside the package (OCDS defines no field for it): the API sends it as HTTP
    `Link` headers."""
    if published_date is not None:
        published = moment(published_date)
    elif releases:
        published = _latest(releases)
    else:
        published = moment(timezone.now())
    package = _package_metadata(uri, published)
    package["releases"] = releases
    return package


# The official release schema (1.1.5, unchanged) that gives ocdsmerge its merge rules without a download.
RELEASE_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "ocds_schema" / "release-schema-1.1.5.json"


@functools.cache
def merger() -> ocdsmerge.Merger:
    with RELEASE_SCHEMA_PATH.open(encoding="utf-8") as handle:
        return ocdsmerge.Merger(schema=json.load(handle))


def record(releases: list[dict], *, package_url: str) -> dict:
    """One contracting process's record: its releases linked (by the package that holds them) and compiled by
    ocdsmerge into the current state (`compiledRelease`)."""
    compiled = merger().create_compiled_release(releases)
    return {
        "ocid": releases[0]["ocid"],
        "releases": [
            {"url": f"{package_url}#{release['id']}", "date": release["date"], "tag": release["tag"]}
            for release in releases
        ],
        "compiledRelease": compiled,
    }


def record_package(records: list[dict], *, uri: str, packages: list[str] | None = None) -> dict:
    """An OCDS 1.1 record package (publishedDate: the latest compiled release's date)."""
    published = _latest([item["compiledRelease"] for item in records]) if records else moment(timezone.now())
    package = _package_metadata(uri, published)
    if packages:
        package["packages"] = packages
    package["records"] = records
    return package


def local_extension_folders(base_url: str) -> dict[str, Path]:
    """URL prefix -> repository folder of every extension Qiyue publishes (for validating without a download)."""
    return {extension_url(base_url).rsplit("/", 1)[0] + "/": EXTENSION_DIR}
