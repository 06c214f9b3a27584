"""The bulk OCDS files for data users: every release and every record, as JSON Lines and as the official package
format, gzip-compressed, written in a streaming way so memory stays flat whatever the number of contracts.

`write_dump(folder, base_url)` builds the four files (`releases.jsonl.gz`, `release-package.json.gz`,
`records.jsonl.gz`, `record-package.json.gz`) plus `manifest.json` (when, how many, SHA-256 of each file) in a local
folder. Each file is written under a temporary name and renamed when complete. `publish_dump(base_url)` builds them in
a temporary folder and copies them into the default storage (MEDIA_ROOT, or S3-compatible storage with STORAGE_URL),
each build under a folder of its own (`ocds/<build>/…`), then replaces `ocds/manifest.json`, which names the stored
files, and only then removes the previous build: a download never sees half a file, and every web process serves the
same build. `manage.py ocds_dump` publishes (daily); `build_ocds_dump` is the same as a background task, queued on
request from the open-data page. `/api/v1/ocds/dump/<file>` serves what was published.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from api import ocds
from api.selectors import ocds_contract_ids, ocds_contracts_with_ids

FILES = {
    "releases.jsonl.gz": "releases, one JSON object a line",
    "release-package.json.gz": "one OCDS release package",
    "records.jsonl.gz": "records, one JSON object a line",
    "record-package.json.gz": "one OCDS record package",
}
MANIFEST = "manifest.json"
CHUNK = 200


STORED_MANIFEST = f"ocds/{MANIFEST}"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _contract_releases(base_url: str) -> Iterator[tuple[object, list[dict]]]:
    """(contract, its releases) for every signed contract, read CHUNK contracts at a time."""
    ids = ocds_contract_ids()
    for start in range(0, len(ids), CHUNK):
        for contract, releases in ocds.releases_of_contracts(
            ocds_contracts_with_ids(ids[start : start + CHUNK]), base_url=base_url
        ):
            if releases:
                yield contract, releases


def _package_head(metadata: dict, key: str) -> str:
    """The package's metadata as JSON, left open at `"<key>":[`."""
    text = _dumps(metadata)
    return text[:-1] + f',"{key}":['


def write_dump(folder: Path, base_url: str, *, now: datetime.datetime | None = None) -> dict:
    """Write the four files and the manifest into `folder`; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    base_url = base_url.rstrip("/") + "/"
    published = ocds.moment(now or timezone.now())
    release_meta = ocds.release_package([], uri=f"{base_url}api/v1/ocds/dump/release-package.json.gz")
    record_meta = ocds.record_package(
        [],
        uri=f"{base_url}api/v1/ocds/dump/record-package.json.gz",
        packages=[f"{base_url}api/v1/ocds/dump/release-package.json.gz"],
    )
    for meta in (release_meta, record_meta):
        meta["publishedDate"] = published
        meta.pop("releases", None)
        meta.pop("records", None)
    temporary = {name: folder / f".{name}.tmp" for name in FILES}
    counts = {"contracts": 0, "releases": 0, "records": 0}
    with ExitStack() as stack:
        out = {name: stack.enter_context(gzip.open(path, "wt", encoding="utf-8")) for name, path in temporary.items()}
        out["release-package.json.gz"].write(_package_head(release_meta, "releases"))
        out["record-package.json.gz"].write(_package_head(record_meta, "records"))
        for contract, releases in _contract_releases(base_url):
            package_url = f"{base_url}contracts/{contract.number}/ocds.json"
            record = ocds.record(releases, package_url=package_url)
            for release in releases:
                line = _dumps(release)
                out["releases.jsonl.gz"].write(line + "\n")
                out["release-package.json.gz"].write(("," if counts["releases"] else "") + line)
                counts["releases"] += 1
            line = _dumps(record)
            out["records.jsonl.gz"].write(line + "\n")
            out["record-package.json.gz"].write(("," if counts["records"] else "") + line)
            counts["records"] += 1
            counts["contracts"] += 1
        out["release-package.json.gz"].write("]}")
        out["record-package.json.gz"].write("]}")
    manifest = {"publishedDate": published, **counts, "files": {}}
    for name, path in temporary.items():
        manifest["files"][name] = {"description": FILES[name], "size": path.stat().st_size, "sha256": _sha256(path)}
        os.replace(path, folder / name)
    (folder / f".{MANIFEST}.tmp").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(folder / f".{MANIFEST}.tmp", folder / MANIFEST)
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def publish_dump(base_url: str, *, now: datetime.datetime | None = None) -> dict:
    """Build the files and publish them in the default storage; returns the published manifest."""
    previous = read_manifest()
    build = f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as folder:
        manifest = write_dump(Path(folder), base_url, now=now)
        for name, details in manifest["files"].items():
            with (Path(folder) / name).open("rb") as handle:
                details["stored_name"] = default_storage.save(f"ocds/{build}/{name}", File(handle))
    content = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    if default_storage.exists(STORED_MANIFEST):
        default_storage.delete(STORED_MANIFEST)
    default_storage.save(STORED_MANIFEST, ContentFile(content))
    kept = {details["stored_name"] for details in manifest["files"].values()}
    for details in (previous or {}).get("files", {}).values():
        stored_name = details.get("stored_name")
        if stored_name and stored_name not in kept and default_storage.exists(stored_name):
            default_storage.delete(stored_name)
    return manifest


def read_manifest() -> dict | None:
    """The published manifest (with each file's `stored_name`), or None before the first publication."""
    try:
        with default_storage.open(STORED_MANIFEST, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        return None


def open_published(name: str):
    """The published file `name` opened for reading from storage, or None."""
    manifest = read_manifest()
    stored_name = ((manifest or {}).get("files", {}).get(name) or {}).get("stored_name")
    if not stored_name:
        return None
    try:
        return default_storage.open(stored_name, "rb")
    except FileNotFoundError:
        return None


@task()
def build_ocds_dump(base_url: str) -> dict:
    """The background task: rebuild and publish the bulk files; returns the manifest's counts."""
    manifest = publish_dump(base_url)
    return {key: manifest[key] for key in ("publishedDate", "contracts", "releases", "records")}
