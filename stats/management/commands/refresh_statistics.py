"""`manage.py refresh_statistics [--on DATE]`: rebuild the statistics summary (run daily, e.g. at 01:00)."""

import datetime

from django.core.management.base import BaseCommand

from stats.summary import refresh_summary


class Command(BaseCommand):
    help = "Rebuild the statistics summary table (the figures of /statistics/, the home page and the API)."

    def add_arguments(self, parser):
        parser.add_argument("--on", type=datetime.date.fromisoformat, help="统计日期 (YYYY-MM-DD)，默认今天")

    def handle(self, *args, on=None, **options):
        refresh = refresh_summary(on)
        self.stdout.write(f"statistics summary as of {refresh.as_of}: {refresh.rows} rows in {refresh.seconds} s")
