"""`manage.py ocds_validate [--schema-dir DIR] [--standard-zip ZIP] [--cove auto|always|never] [--output FILE]`:
build the OCDS releases of every signed contract in the database and validate them.

1. Qiyue's extension: its metadata, its patch, the patched release schema (JSON Schema draft 4 and the OCDS
   meta-schema from ZIP when present).
2. Release by release, streaming (contracts read 500 at a time, each release checked and forgotten): the official
   OCDS 1.1 release schema patched by the extension (jsonschema_rs), the codelists in DIR, and release ids unique
   within their ocid (a set of ids, not the package schema's `uniqueItems` over the whole array, which is quadratic);
   the package's metadata against the release package schema. Time grows linearly with the number of contracts and
   memory holds one chunk of contracts plus the set of ids.
3. With the official validator, libcoveocds, reading the standard from ZIP (the standard's repository at tag 1__1__5;
   default DIR/standard-1__1__5.zip): the whole release package and record package — schema errors, every additional
   check, closed codelists, fields no schema or extension defines. Qiyue's own extensions are served to it from the
   repository; nothing is downloaded. libcoveocds holds both packages in memory and its checks are not linear, so
   `--cove auto` (the default) runs it up to COVE_LIMIT contracts (the demo data in CI) and says so when it skips it;
   `always` and `never` decide.

Prints what it checked and how long it took. Exits non-zero with every finding when something does not validate,
when the database holds no signed contract (a package needs at least one release), or when DIR (or ZIP, when
libcoveocds runs) is missing.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from api import ocds
from api.ocds_validation import (
    PACKAGE_SCHEMA,
    RELEASE_SCHEMA,
    STANDARD_ZIP,
    ReleaseChecker,
    cove_findings,
    extension_errors,
)
from api.selectors import ocds_contract_count, ocds_contract_list

# OCDS_SCHEMA_DIR names the folder; by default shared/ocds-1.1 beside the repository (as CI lays it out).
DEFAULT_SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")
# Up to this many contracts `--cove auto` also runs libcoveocds over the whole packages.
COVE_LIMIT = 2000
CHUNK = 500
# Findings printed one by one before the rest are only counted.
SHOWN = 200


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "Validate the OCDS releases of all signed contracts against the OCDS 1.1 schema, codelists and libcoveocds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schema-dir",
            default=str(DEFAULT_SCHEMA_DIR),
            help="folder with release-package-schema.json, release-schema.json and codelists/ (default: %(default)s)",
        )
        parser.add_argument(
            "--standard-zip", help=f"the OCDS standard repository as a ZIP (default: DIR/{STANDARD_ZIP})"
        )
        parser.add_argument(
            "--cove",
            choices=["auto", "always", "never"],
            default="auto",
            help=f"run libcoveocds over the whole packages: auto = up to {COVE_LIMIT} contracts (default: %(default)s)",
        )
        parser.add_argument("--output", help="also write the release package to this file")
        parser.add_argument(
            "--base-url", default="http://localhost/", help="site address used in document URLs (default: %(default)s)"
        )

    def handle(
        self,
        *args,
        schema_dir: str,
        standard_zip: str | None,
        cove: str,
        output: str | None,
        base_url: str,
        **options,
    ):
        started = time.perf_counter()
        folder = Path(schema_dir).expanduser().resolve()
        missing = [name for name in (PACKAGE_SCHEMA, RELEASE_SCHEMA, "codelists") if not (folder / name).exists()]
        if missing:
            raise CommandError(
                f"OCDS schema folder {folder} is missing {', '.join(missing)}: "
                "pass --schema-dir pointing at the OCDS 1.1 schema files (shared/ocds-1.1 beside the repository)"
            )
        zip_path = Path(standard_zip).expanduser().resolve() if standard_zip else folder / STANDARD_ZIP
        contract_count = ocds_contract_count()
        run_cove = cove == "always" or (cove == "auto" and contract_count <= COVE_LIMIT)
        if run_cove and not zip_path.is_file():
            raise CommandError(f"OCDS standard ZIP {zip_path} is missing: pass --standard-zip (libcoveocds needs it)")
        base_url = base_url.rstrip("/") + "/"

        errors = [
            f"extension: {error}"
            for error in extension_errors(ocds.EXTENSION_DIR, folder, zip_path if zip_path.is_file() else None)
        ]
        checker = ReleaseChecker(folder, [ocds.EXTENSION_DIR])
        keep = run_cove or bool(output)
        releases, records, packages = [], [], []
        contracts = 0
        first = None
        hidden = 0
        for contract in ocds_contract_list().iterator(chunk_size=CHUNK):
            contract_releases = ocds.contract_releases(contract, base_url=base_url)
            if not contract_releases:
                continue
            contracts += 1
            first = first or contract_releases[0]
            for release in contract_releases:
                found = checker.errors(release)
                shown = max(0, min(len(found), SHOWN - len(errors)))
                errors += found[:shown]
                hidden += len(found) - shown
            if keep:
                package_url = f"{base_url}contracts/{contract.number}/ocds.json"
                releases.extend(contract_releases)
                if run_cove:
                    packages.append(package_url)
                    records.append(ocds.record(contract_releases, package_url=package_url))
        if first is None:
            raise CommandError("no signed contract in the database: an OCDS release package needs at least one release")
        streamed = time.perf_counter() - started
        metadata = ocds.release_package([], uri=f"{base_url}api/v1/ocds/releases/")
        metadata.pop("releases")
        errors += checker.package_errors(metadata, first)

        if output:
            package = ocds.release_package(releases, uri=f"{base_url}api/v1/ocds/releases/")
            Path(output).write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        if run_cove:
            package = ocds.release_package(releases, uri=f"{base_url}api/v1/ocds/releases/")
            record_package = ocds.record_package(records, uri=f"{base_url}api/v1/ocds/records/", packages=packages)
            local = ocds.local_extension_folders(base_url)
            errors += [f"release package: {finding}" for finding in cove_findings(package, zip_path, local_urls=local)]
            errors += [
                f"record package: {finding}" for finding in cove_findings(record_package, zip_path, local_urls=local)
            ]
        elapsed = time.perf_counter() - started
        cove_note = (
            f"libcoveocds with {zip_path.name} on the release and record packages"
            if run_cove
            else f"libcoveocds not run ({contract_count} contracts; --cove {cove}, auto runs it up to {COVE_LIMIT})"
        )
        summary = (
            f"{checker.count} releases of {contracts} contracts: schema (jsonschema_rs, release by release), codelists "
            f"and unique ids from {folder}; {cove_note}; {streamed:.1f} s streaming, {elapsed:.1f} s in all, "
            f"peak memory {_peak_rss_mb():.0f} MB"
        )
        if errors or hidden:
            for error in errors:
                self.stderr.write(error)
            if hidden:
                self.stderr.write(f"… and {hidden} more finding(s)")
            raise CommandError(f"OCDS packages do not validate: {len(errors) + hidden} finding(s) in {summary}")
        self.stdout.write(self.style.SUCCESS(f"OCDS packages valid: {summary}"))
