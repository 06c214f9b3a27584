from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from contracts import demo as contracts_demo
from evaluations import demo as evaluations_demo
from portal import inbox_demo
from registry import demo as registry_demo
from registry.models import Region
from stats import demo as stats_demo
from supervision import demo as supervision_demo


class Command(BaseCommand):
    help = "Build the Inner Mongolia demo (departments, organizations, users of every role). Safe to run again."

    def handle(self, *args, **options):
        if not Region.objects.filter(code="150000").exists():
            call_command("load_regions", stdout=self.stdout)
        with transaction.atomic():
            departments = registry_demo.seed_departments()
            registry_demo.seed_users(departments)
            organizations = registry_demo.seed_organizations(departments)
            registry_demo.seed_members(organizations)
            contracts_demo.seed(departments)
            evaluations_demo.seed()
            supervision_demo.seed()
            stats_demo.seed(departments)
            inbox_demo.seed()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 demo data ready"))
