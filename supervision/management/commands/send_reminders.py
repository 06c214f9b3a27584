from django.core.management.base import BaseCommand

from core.jobs import measured
from supervision.management.commands._dates import parse_on
from supervision.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Reminders: deliverables due within 7 days and rectification deadlines within 3 days to organization members, "
        "overdue items to the officials of the region; an in-site notification for everyone, and one digest e-mail a "
        "day for those with an address who want it. Each reminder is sent once per item and stage; the report counts "
        "who has no address and says how long the run took."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="remind as of this day (YYYY-MM-DD, not in the future); default today")

    def handle(self, *args, **options):
        with measured() as measure:
            report = send_reminders(on=parse_on(options.get("on")))
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(measure.line())
        if report.errors:
            self.stderr.write(self.style.WARNING(f"{len(report.errors)} e-mail(s) could not be sent"))
