from django.core.management.base import BaseCommand

from core.jobs import measured
from supervision.escalation import check_deadlines
from supervision.management.commands._dates import parse_on


class Command(BaseCommand):
    help = (
        "Escalate overdue rectification orders to the activity-abnormal list and flag overdue deliverables. "
        "Idempotent: safe to run every hour. Prints what it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="check as of this day (YYYY-MM-DD, not in the future); default today")

    def handle(self, *args, **options):
        with measured() as measure:
            report = check_deadlines(on=parse_on(options.get("on")))
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(measure.line())
        if report.errors:
            self.stderr.write(self.style.WARNING(f"{len(report.errors)} order(s) could not be escalated"))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS("完成 done"))
        else:
            self.stdout.write(self.style.SUCCESS("无变化 nothing to change"))
