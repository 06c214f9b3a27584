"""Recompute every organization's pinyin sort key and search document (after the matching rules in core/search.py
change, or after rows were written by hand in SQL)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from registry.models import Organization

BATCH = 2000


class Command(BaseCommand):
    help = "重新计算社会组织的拼音排序键和检索文本 / recompute the organizations' pinyin and search columns"

    def handle(self, *args, **options):
        fields = ["pk", *Organization.SEARCH_FIELDS, "former_names_text"]
        changed = 0
        batch: list[Organization] = []
        rows = Organization.objects.order_by("pk").only(*fields, *Organization.SEARCH_COLUMNS)
        with transaction.atomic():
            for organization in rows.iterator(chunk_size=BATCH):
                columns = Organization.search_columns(organization.__dict__)
                if all(getattr(organization, name) == value for name, value in columns.items()):
                    continue
                for name, value in columns.items():
                    setattr(organization, name, value)
                batch.append(organization)
                if len(batch) == BATCH:
                    changed += Organization.objects.bulk_update(batch, list(Organization.SEARCH_COLUMNS))
                    batch = []
            if batch:
                changed += Organization.objects.bulk_update(batch, list(Organization.SEARCH_COLUMNS))
        self.stdout.write(f"检索列已更新 search columns updated: {changed}")
