"""`manage.py generate_data --profile province|city|tiny [--seed N] [--today YYYY-MM-DD]`: scale data for benchmarks.

See portal/generator/ and docs/benchmarks.md. Refuses a database that already holds organizations unless --append,
and always one that already holds generated data. Never run it against a production database.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from core import pagecache
from portal.generator import PROFILES, GenerationRefused, generate

DEFAULT_SEED = 20261206


class Command(BaseCommand):
    help = "Generate valid, deterministic benchmark data (province ≈ 200,000 organizations; city ≈ 1/10; tiny)."

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=sorted(PROFILES), default="tiny")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="reference day (YYYY-MM-DD) the data's states are relative to; default: today",
        )
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument("--append", action="store_true", help="generate beside organizations already present")
        parser.add_argument("--no-history", action="store_true", help="write no django-simple-history rows")
        parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE on PostgreSQL")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive")
        try:
            report = generate(
                profile=options["profile"],
                seed=options["seed"],
                today=options["today"],
                batch_size=options["batch_size"],
                history=not options["no_history"],
                append=options["append"],
                vacuum=not options["no_vacuum"],
                progress=(lambda line: self.stderr.write(line)) if options["verbosity"] > 1 else None,
            )
        except GenerationRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        # COPY bypasses the page cache's watcher: the cached public pages go.
        pagecache.invalidate()
        if options["verbosity"]:
            for line in report.lines():
                self.stdout.write(line)
