from django.core.management.base import BaseCommand

from notifications.emails import send_notification_emails


class Command(BaseCommand):
    help = (
        "E-mail each recipient one digest of their notifications not yet e-mailed (the last 7 days), to those with an "
        "address who did not turn that kind off. Safe to run often (every few minutes); nothing is sent twice."
    )

    def handle(self, *args, **options):
        report = send_notification_emails()
        for line in report.lines():
            self.stdout.write(line)
        if report.errors:
            self.stderr.write(self.style.WARNING(f"{len(report.errors)} e-mail(s) could not be sent"))
