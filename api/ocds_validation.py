"""Validate an OCDS release package against the official 1.1 schema files kept in a local folder.

The folder holds `release-package-schema.json`, `release-schema.json` and `codelists/*.csv` as published by the
standard. The package schema refers to the release schema by its URL; a `referencing.Registry` maps that URL to the
local file, so nothing is downloaded. The formats the schema uses (date-time, uri) are checked here without extra
packages. Codelist values are checked by walking the release schema beside the data: every field whose schema names a
codelist present in the folder must use one of its codes (closed and open codelists alike: Qiyue uses only standard
codes).
"""

from __future__ import annotations

import copy
import csv
import datetime
import functools
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import json_merge_patch
import jsonschema
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from urllib3 import HTTPResponse

PACKAGE_SCHEMA = "release-package-schema.json"
RELEASE_SCHEMA = "release-schema.json"
STANDARD_ZIP = "standard-1__1__5.zip"
STANDARD_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_codelists(folder: Path) -> dict[str, set[str]]:
    """{"contractStatus.csv": {"pending", ...}, ...} from the folder's codelists/."""
    codelists = {}
    for path in sorted((folder / "codelists").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            codelists[path.name] = {row["Code"] for row in csv.DictReader(handle) if row.get("Code")}
    return codelists


FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """RFC 3339 date-time: a date, a time and an offset (Python's ISO parser, strict about the offset)."""
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        raise ValueError("no time part")
    parsed = datetime.datetime.fromisoformat(value.replace("z", "Z"))
    if parsed.tzinfo is None:
        raise ValueError("no UTC offset")
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path) or any(char.isspace() for char in value):
        raise ValueError("not an absolute URI")
    return True


def patched_release_schema(folder: Path, extension_dirs: list[Path] = ()) -> dict:
    """The core release schema with each extension's release-schema.json applied (JSON Merge Patch, RFC 7386)."""
    schema = _load(folder / RELEASE_SCHEMA)
    for extension in extension_dirs:
        schema = json_merge_patch.merge(schema, _load(Path(extension) / RELEASE_SCHEMA))
    return schema


def extension_errors(extension_dir: Path, folder: Path, standard_zip: Path | None = None) -> list[str]:
    """What is wrong with an extension: its metadata, its patch, and the patched release schema (a valid JSON Schema
    draft 4 and, when the standard's ZIP is given, valid against the OCDS meta-schema)."""
    errors = []
    metadata = _load(extension_dir / "extension.json")
    for field in ("name", "description", "schemas", "compatibility"):
        if not metadata.get(field):
            errors.append(f"extension.json: {field} is missing")
    if RELEASE_SCHEMA not in metadata.get("schemas", []) or not (extension_dir / RELEASE_SCHEMA).is_file():
        errors.append(f"extension.json: {RELEASE_SCHEMA} must be listed and present")
        return errors
    if "1.1" not in metadata.get("compatibility", []):
        errors.append("extension.json: compatibility must include 1.1")
    schema = patched_release_schema(folder, [extension_dir])
    try:
        jsonschema.Draft4Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        errors.append(f"patched release schema: {error.message}")
    if standard_zip is not None:
        with zipfile.ZipFile(standard_zip) as archive:
            name = next(item for item in archive.namelist() if item.endswith("/schema/meta-schema.json"))
            meta_schema = json.loads(archive.read(name))
        validator = jsonschema.Draft4Validator(meta_schema)
        errors += [
            f"patched release schema against the OCDS meta-schema: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(schema)
        ]
    return errors


def schema_errors(package: dict, folder: Path, extension_dirs: list[Path] = ()) -> list[str]:
    """Every jsonschema error of the package (against the release schema patched by `extension_dirs`)."""
    package_schema = _load(folder / PACKAGE_SCHEMA)
    release_schema = patched_release_schema(folder, extension_dirs)
    registry = Registry().with_resource(
        release_schema["id"], Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    validator = jsonschema.Draft4Validator(package_schema, registry=registry, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(package), key=lambda error: list(error.absolute_path))
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(package)'}: {error.message}" for error in errors
    ]


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema and schema["$ref"].startswith("#/definitions/"):
        schema = root["definitions"][schema["$ref"].split("/")[-1]]
    return schema


def _walk(data, schema: dict, root: dict, path: str) -> Iterator[tuple[str, str, object]]:
    """(path, codelist file, value) for every value of `data` that the schema ties to a codelist."""
    schema = _resolve(schema, root)
    codelist = schema.get("codelist")
    if codelist and data is not None:
        values = data if isinstance(data, list) else [data]
        for value in values:
            yield path, codelist, value
        return
    if isinstance(data, dict):
        properties = schema.get("properties", {})
        for key, value in data.items():
            if key in properties:
                yield from _walk(value, properties[key], root, f"{path}/{key}")
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(data):
            yield from _walk(item, schema["items"], root, f"{path}/{index}")


def codelist_errors(package: dict, folder: Path) -> list[str]:
    """Values outside the codelists that the folder provides."""
    release_schema = _load(folder / RELEASE_SCHEMA)
    codelists = load_codelists(folder)
    errors = []
    for index, release in enumerate(package.get("releases", [])):
        for path, codelist, value in _walk(release, release_schema, release_schema, f"releases/{index}"):
            if codelist in codelists and value not in codelists[codelist]:
                errors.append(f"{path}: {value!r} is not in codelist {codelist}")
    return errors


def release_id_errors(package: dict) -> list[str]:
    """Release ids must be unique within each ocid."""
    seen: set[tuple[str, str]] = set()
    errors = []
    for release in package.get("releases", []):
        key = (release.get("ocid"), release.get("id"))
        if key in seen:
            errors.append(f"release id {key[1]!r} appears twice for {key[0]}")
        seen.add(key)
    return errors


def validate_package(package: dict, folder: Path, extension_dirs: list[Path] = ()) -> list[str]:
    return (
        schema_errors(package, folder, extension_dirs) + codelist_errors(package, folder) + release_id_errors(package)
    )


# --- the official validator ---------------------------------------------------------------------------------------


class LocalFilesAdapter(requests.adapters.BaseAdapter):
    """A `requests` transport that answers from local folders and refuses every other address.

    `folders` maps URL prefixes to folders: the validator reads an extension listed in a package by its public URL,
    and this adapter gives it the repository's copy of that extension instead of the network."""

    def __init__(self, folders: dict[str, Path]) -> None:
        super().__init__()
        self.folders = folders

    def send(self, request, **kwargs):
        for prefix, folder in self.folders.items():
            if request.url.startswith(prefix):
                path = (folder / request.url[len(prefix) :].split("?")[0]).resolve()
                found = path.is_file() and path.is_relative_to(folder.resolve())
                content = path.read_bytes() if found else b""
                response = requests.Response()
                response.url = request.url
                response.request = request
                response.status_code = 200 if found else 404
                response.reason = "OK" if found else "Not Found"
                response.raw = HTTPResponse(
                    body=io.BytesIO(content),
                    status=response.status_code,
                    reason=response.reason,
                    preload_content=False,
                    request_url=request.url,
                )
                response._content = content
                return response
        raise requests.ConnectionError(f"no download during validation: {request.url}")

    def close(self) -> None:
        pass


def cove_findings(package: dict, standard_zip: Path, *, local_urls: dict[str, Path] | None = None) -> list[str]:
    """What the official OCDS validator (libcoveocds) finds in a release or record package, one line each.

    Schema errors (core schema with the package's extensions applied), every additional check, values outside closed
    codelists, fields that neither the schema nor an extension defines, and extensions it cannot read. The standard
    comes from `standard_zip` (the standard's repository as one ZIP); extension URLs listed in the package are served
    from `local_urls` (URL prefix -> folder); nothing is downloaded."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig()
    config.config.update(
        {"standard_zip": f"file://{Path(standard_zip).resolve()}", "additional_checks": "all", "context": "api"}
    )
    with tempfile.TemporaryDirectory() as work:
        # The record package schema refers to the versioned-release schema by its URL: answer it from the ZIP.
        schema_folder = Path(work) / "schema"
        with zipfile.ZipFile(standard_zip) as archive:
            for name in archive.namelist():
                parts = Path(name).parts
                if len(parts) == 3 and parts[1] == "schema" and name.endswith(".json"):
                    schema_folder.mkdir(exist_ok=True)
                    (schema_folder / parts[2]).write_bytes(archive.read(name))
        adapter = LocalFilesAdapter({STANDARD_SCHEMA_URL: schema_folder, **(local_urls or {})})
        # Every HTTP request made while validating (ocdsextensionregistry's session, jsonref's requests.get) goes
        # through the local adapter.
        with mock.patch.object(requests.Session, "get_adapter", lambda session, url: adapter):
            output = Path(work) / "output"
            output.mkdir()
            result = ocds_json_output(str(output), json_data=package, lib_cove_ocds_config=config)
    findings = [
        f"schema: {error.get('path') or error.get('field')}: {error.get('description')} ({error.get('value')!r})"
        for error in result.get("validation_errors", [])
    ]
    for check, items in (result.get("additional_checks") or {}).items():
        findings.extend(f"additional check {check}: {item.get('json_location', item)}" for item in items)
    for codelist, details in (result.get("additional_closed_codelist_values") or {}).items():
        findings.append(f"closed codelist {codelist}: {details.get('values')}")
    findings.extend(
        f"field not in the schema or an extension: {field['path']}/{field['field']}"
        for field in result.get("additional_fields") or []
    )
    invalid = (result.get("extensions") or {}).get("invalid_extensions") or []
    findings.extend(f"extension {url}: {message}" for url, message in invalid)
    if result.get("json_deref_error"):
        findings.append(f"schema could not be read: {result['json_deref_error']}")
    return findings


# --- release by release (jsonschema_rs) ----------------------------------------------------------------------------


# Releases repeat the same dates and addresses many times over: each text is checked once.
@functools.lru_cache(maxsize=65536)
def _is_date_time(value: str) -> bool:
    try:
        return _date_time(value)
    except ValueError:
        return False


@functools.lru_cache(maxsize=65536)
def _is_uri(value: str) -> bool:
    try:
        return _uri(value)
    except ValueError:
        return False


def _codelist_tree(schema: dict, root: dict, depth: int = 0):
    """The parts of the schema that lead to a codelist, as a small tree for `_codelist_values`: `str` (the codelist
    file) where the schema names one, else `(properties, items)` with only the branches that hold one; None when
    nothing below does. The same choices as `_walk`, made once instead of for every release."""
    schema = _resolve(schema, root)
    if schema.get("codelist"):
        return schema["codelist"]
    if depth > 32:  # a recursive schema: nothing deeper is checked
        return None
    properties = {}
    for key, value in (schema.get("properties") or {}).items():
        branch = _codelist_tree(value, root, depth + 1)
        if branch is not None:
            properties[key] = branch
    items = schema.get("items")
    items = _codelist_tree(items, root, depth + 1) if isinstance(items, dict) else None
    if not properties and items is None:
        return None
    return properties, items


def _codelist_values(data, tree, path: str) -> Iterator[tuple[str, str, object]]:
    """What `_walk` yields, guided by a `_codelist_tree`."""
    if isinstance(tree, str):
        if data is not None:
            for value in data if isinstance(data, list) else [data]:
                yield path, tree, value
        return
    properties, items = tree
    if isinstance(data, dict):
        for key, value in data.items():
            branch = properties.get(key)
            if branch is not None:
                yield from _codelist_values(value, branch, f"{path}/{key}")
    elif isinstance(data, list) and items is not None:
        for index, item in enumerate(data):
            yield from _codelist_values(item, items, f"{path}/{index}")


def _known_codelists(tree, codelists: dict[str, set[str]]):
    """A `_codelist_tree` reduced to the codelists the folder provides (the only ones checked)."""
    if isinstance(tree, str):
        return tree if tree in codelists else None
    if tree is None:
        return None
    properties, items = tree
    properties = {key: branch for key, value in properties.items() if (branch := _known_codelists(value, codelists))}
    items = _known_codelists(items, codelists) if items is not None else None
    return (properties, items) if properties or items is not None else None


def codelist_enum_schema(release_schema: dict, codelist_schema: dict, codelists: dict[str, set[str]]) -> dict | None:
    """A copy of `release_schema` in which every field tied to a codelist of the folder must also hold one of its
    codes (or be null, or an array of codes), so that one jsonschema_rs pass refuses whatever the codelist check
    would find. None when the codelist check walks `codelist_schema` along other paths than `release_schema` offers
    (an extension that moved a codelist field): then only the two checks together are exact."""
    if _known_codelists(_codelist_tree(release_schema, release_schema), codelists) != _known_codelists(
        _codelist_tree(codelist_schema, codelist_schema), codelists
    ):
        return None
    schema = copy.deepcopy(release_schema)

    def constrain(node) -> None:
        if isinstance(node, list):
            for item in node:
                constrain(item)
        elif isinstance(node, dict):
            for value in node.values():
                constrain(value)
            codelist = node.get("codelist")
            if isinstance(codelist, str) and codelist in codelists and "$ref" not in node:
                codes = sorted(codelists[codelist])
                node.setdefault("allOf", []).append(
                    {"anyOf": [{"type": "null"}, {"enum": codes}, {"type": "array", "items": {"enum": codes}}]}
                )

    constrain(schema)
    return schema


class ReleaseChecker:
    """The checks of `validate_package`, one release at a time, in time and memory that grow linearly.

    Each release is validated on its own against the release schema patched by the extensions (jsonschema_rs, JSON
    Schema draft 4, with the same date-time and uri formats as FORMATS) and against the codelists; release ids are
    checked for uniqueness within their ocid with a set. The package schema's `uniqueItems` over the whole `releases`
    array (quadratic in the number of releases) is left to the id check: two equal releases share their ocid and id.
    `package_errors` checks a package's own metadata against the package schema (with one of its releases).

    A release that the schema with the codelists as enums accepts (`codelist_enum_schema`, one jsonschema_rs call) has
    no finding; only the others go through the detailed checks. With `check_ids=False` the ids are collected in
    `keys` instead, for a caller that checks them across several checkers (worker processes)."""

    def __init__(self, folder: Path, extension_dirs: list[Path] = (), *, check_ids: bool = True) -> None:
        import jsonschema_rs

        self.folder = folder
        self.release_schema = patched_release_schema(folder, extension_dirs)
        formats = {"date-time": _is_date_time, "uri": _is_uri}
        self.validator = jsonschema_rs.Draft4Validator(self.release_schema, formats=formats, validate_formats=True)
        self.package_schema = _load(folder / PACKAGE_SCHEMA)
        codelist_schema = _load(folder / RELEASE_SCHEMA)
        self.codelist_tree = _codelist_tree(codelist_schema, codelist_schema)
        self.codelists = load_codelists(folder)
        # One pass in Rust for the common case, a valid release: the schema with the codelists as enums. Only a
        # release it refuses goes through the checks above, which say what is wrong.
        fast_schema = codelist_enum_schema(self.release_schema, codelist_schema, self.codelists)
        self.fast = (
            jsonschema_rs.Draft4Validator(fast_schema, formats=formats, validate_formats=True)
            if fast_schema is not None
            else None
        )
        self.check_ids = check_ids
        self.seen: set[tuple[str, str]] = set()
        self.keys: list[tuple[str, str]] = []
        self.count = 0

    def errors(self, release: dict) -> list[str]:
        """What is wrong with the next release of the package (its position counts from 0)."""
        index = self.count
        self.count += 1
        key = (release.get("ocid"), release.get("id"))
        if not self.check_ids:
            self.keys.append(key)
        elif key in self.seen:
            return [*self._content_errors(release, index), f"release id {key[1]!r} appears twice for {key[0]}"]
        else:
            self.seen.add(key)
        if self.fast is not None and self.fast.is_valid(release):
            return []
        return self._content_errors(release, index)

    def _content_errors(self, release: dict, index: int) -> list[str]:
        """The schema's and the codelists' findings on one release."""
        prefix = f"releases/{index}"
        errors = [
            "/".join([prefix, *(str(part) for part in error.instance_path)]) + f": {error.message}"
            for error in self.validator.iter_errors(release)
        ]
        for path, codelist, value in _codelist_values(release, self.codelist_tree, prefix):
            if codelist in self.codelists and value not in self.codelists[codelist]:
                errors.append(f"{path}: {value!r} is not in codelist {codelist}")
        return errors

    def package_errors(self, metadata: dict, sample_release: dict) -> list[str]:
        """The package's metadata (everything but its releases) against the release package schema."""
        package = {**metadata, "releases": [sample_release]}
        registry = Registry().with_resource(
            self.release_schema["id"], Resource.from_contents(self.release_schema, default_specification=DRAFT4)
        )
        validator = jsonschema.Draft4Validator(self.package_schema, registry=registry, format_checker=FORMATS)
        return [
            f"{'/'.join(str(part) for part in error.absolute_path) or '(package)'}: {error.message}"
            for error in validator.iter_errors(package)
            if not error.absolute_path or error.absolute_path[0] != "releases"
        ]
