"""Validate an OCDS release package against the official 1.1 schema files kept in a local folder.

The folder holds `release-package-schema.json`, `release-schema.json` and `codelists/*.csv` as published by the
standard. The package schema refers to the release schema by its URL; a `referencing.Registry` maps that URL to the
local file, so nothing is downloaded. The formats the schema uses (date-time, uri) are checked here without extra
packages. Codelist values are checked by walking the release schema beside the data: every field whose schema names a
codelist present in the folder must use one of its codes (closed and open codelists alike: Qiyue uses only standard
codes).
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

PACKAGE_SCHEMA = "release-package-schema.json"
RELEASE_SCHEMA = "release-schema.json"


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


def schema_errors(package: dict, folder: Path) -> list[str]:
    """Every jsonschema error of the package, as 'path: message' lines."""
    package_schema = _load(folder / PACKAGE_SCHEMA)
    release_schema = _load(folder / RELEASE_SCHEMA)
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


def validate_package(package: dict, folder: Path) -> list[str]:
    return schema_errors(package, folder) + codelist_errors(package, folder) + release_id_errors(package)
