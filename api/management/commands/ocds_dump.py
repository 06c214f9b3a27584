"""`manage.py ocds_dump [--output DIR] [--base-url URL]`: build the bulk OCDS files (all releases and records, as JSON
Lines and as the official package format, gzip-compressed) for data users; run it daily. Memory stays flat: contracts
are read a chunk at a time and every file is written as it goes. Without --output the files are published in the
default storage (MEDIA_ROOT or STORAGE_URL) and served at /api/v1/ocds/dump/; with it, only written into DIR."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from api.ocds_dump import publish_dump, write_dump


class Command(BaseCommand):
    help = "Build the bulk OCDS files (JSON Lines and packages of all releases and records)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="only write the files into this folder (default: publish them in storage)")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL or "http://localhost:8000/",
            help="the site's address used in URLs inside the data (default: SITE_URL)",
        )

    def handle(self, *args, output: str | None, base_url: str, **options):
        if output:
            where = Path(output).expanduser()
            manifest = write_dump(where, base_url)
        else:
            where = "storage (ocds/)"
            manifest = publish_dump(base_url)
        self.stdout.write(
            self.style.SUCCESS(
                f"OCDS dump written to {where}: {manifest['releases']} releases and {manifest['records']} records "
                f"of {manifest['contracts']} contracts"
            )
        )
