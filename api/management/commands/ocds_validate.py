"""`manage.py ocds_validate [--schema-dir DIR] [--output FILE]`: build the OCDS release package of every signed
contract in the database and validate it against the official OCDS 1.1 schema and codelists in DIR.

Exits non-zero with the errors when the package does not validate, when the database holds no signed contract (a
release package needs at least one release), or when DIR lacks the schema files.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from api import ocds
from api.ocds_validation import PACKAGE_SCHEMA, RELEASE_SCHEMA, validate_package
from api.selectors import ocds_contract_list

DEFAULT_SCHEMA_DIR = Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1"


class Command(BaseCommand):
    help = "Validate the OCDS release package of all signed contracts against the OCDS 1.1 schema and codelists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schema-dir",
            default=str(DEFAULT_SCHEMA_DIR),
            help="folder with release-package-schema.json, release-schema.json and codelists/ (default: %(default)s)",
        )
        parser.add_argument("--output", help="also write the package to this file")
        parser.add_argument(
            "--base-url", default="http://localhost/", help="site address used in document URLs (default: %(default)s)"
        )

    def handle(self, *args, schema_dir: str, output: str | None, base_url: str, **options):
        folder = Path(schema_dir).expanduser().resolve()
        missing = [name for name in (PACKAGE_SCHEMA, RELEASE_SCHEMA, "codelists") if not (folder / name).exists()]
        if missing:
            raise CommandError(
                f"OCDS schema folder {folder} is missing {', '.join(missing)}: "
                "pass --schema-dir pointing at the OCDS 1.1 schema files (shared/ocds-1.1 beside the repository)"
            )
        releases = [
            release
            for contract in ocds_contract_list().iterator(chunk_size=500)
            for release in ocds.contract_releases(contract, base_url=base_url)
        ]
        if not releases:
            raise CommandError("no signed contract in the database: an OCDS release package needs at least one release")
        package = ocds.release_package(releases, uri=base_url.rstrip("/") + "/api/v1/ocds/releases/")
        if output:
            Path(output).write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        errors = validate_package(package, folder)
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"OCDS package does not validate: {len(errors)} error(s)")
        ocids = {release["ocid"] for release in releases}
        self.stdout.write(
            self.style.SUCCESS(
                f"OCDS package valid: {len(releases)} releases of {len(ocids)} contracts "
                f"(schema and codelists from {folder})"
            )
        )
