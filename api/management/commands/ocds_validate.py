"""`manage.py ocds_validate [--schema-dir DIR] [--standard-zip ZIP] [--output FILE]`: build the OCDS release package
and the record package of every signed contract in the database and validate them.

1. The release package against the official OCDS 1.1 schema and codelists in DIR (jsonschema).
2. Both packages with the official validator, libcoveocds, reading the standard from ZIP (the standard's repository
   at tag 1__1__5; default DIR/standard-1__1__5.zip): schema errors, every additional check, closed codelists, fields
   no schema or extension defines. Qiyue's own extensions are served to it from the repository; nothing is
   downloaded.

Exits non-zero with every finding when a package does not validate, when the database holds no signed contract (a
package needs at least one release), or when DIR or ZIP is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from api import ocds
from api.ocds_validation import (
    PACKAGE_SCHEMA,
    RELEASE_SCHEMA,
    STANDARD_ZIP,
    cove_findings,
    extension_errors,
    validate_package,
)
from api.selectors import ocds_contract_list

# OCDS_SCHEMA_DIR names the folder; by default shared/ocds-1.1 beside the repository (as CI lays it out).
DEFAULT_SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")


class Command(BaseCommand):
    help = "Validate the OCDS release package of all signed contracts against the OCDS 1.1 schema and codelists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schema-dir",
            default=str(DEFAULT_SCHEMA_DIR),
            help="folder with release-package-schema.json, release-schema.json and codelists/ (default: %(default)s)",
        )
        parser.add_argument(
            "--standard-zip", help=f"the OCDS standard repository as a ZIP (default: DIR/{STANDARD_ZIP})"
        )
        parser.add_argument("--output", help="also write the release package to this file")
        parser.add_argument(
            "--base-url", default="http://localhost/", help="site address used in document URLs (default: %(default)s)"
        )

    def handle(self, *args, schema_dir: str, standard_zip: str | None, output: str | None, base_url: str, **options):
        folder = Path(schema_dir).expanduser().resolve()
        missing = [name for name in (PACKAGE_SCHEMA, RELEASE_SCHEMA, "codelists") if not (folder / name).exists()]
        if missing:
            raise CommandError(
                f"OCDS schema folder {folder} is missing {', '.join(missing)}: "
                "pass --schema-dir pointing at the OCDS 1.1 schema files (shared/ocds-1.1 beside the repository)"
            )
        zip_path = Path(standard_zip).expanduser().resolve() if standard_zip else folder / STANDARD_ZIP
        if not zip_path.is_file():
            raise CommandError(f"OCDS standard ZIP {zip_path} is missing: pass --standard-zip (libcoveocds needs it)")
        base_url = base_url.rstrip("/") + "/"
        releases, records, packages = [], [], []
        for contract in ocds_contract_list().iterator(chunk_size=500):
            contract_releases = ocds.contract_releases(contract, base_url=base_url)
            if contract_releases:
                package_url = f"{base_url}contracts/{contract.number}/ocds.json"
                releases.extend(contract_releases)
                packages.append(package_url)
                records.append(ocds.record(contract_releases, package_url=package_url))
        if not releases:
            raise CommandError("no signed contract in the database: an OCDS release package needs at least one release")
        package = ocds.release_package(releases, uri=f"{base_url}api/v1/ocds/releases/")
        record_package = ocds.record_package(records, uri=f"{base_url}api/v1/ocds/records/", packages=packages)
        if output:
            Path(output).write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        errors = [f"extension: {error}" for error in extension_errors(ocds.EXTENSION_DIR, folder, zip_path)]
        errors += validate_package(package, folder, [ocds.EXTENSION_DIR])
        local = ocds.local_extension_folders(base_url)
        errors += [f"release package: {finding}" for finding in cove_findings(package, zip_path, local_urls=local)]
        errors += [
            f"record package: {finding}" for finding in cove_findings(record_package, zip_path, local_urls=local)
        ]
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"OCDS packages do not validate: {len(errors)} finding(s)")
        ocids = {release["ocid"] for release in releases}
        self.stdout.write(
            self.style.SUCCESS(
                f"OCDS packages valid: {len(releases)} releases and {len(records)} records of {len(ocids)} contracts "
                f"(schema and codelists from {folder}; libcoveocds with {zip_path.name}: no error, no additional-check "
                "finding)"
            )
        )
