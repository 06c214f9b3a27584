"""Loading the registration authorities of all China (`load_regions` after the regions): one bulk insert with its
history rows, then an idempotent re-run that writes nothing."""

import time

from django.db import transaction
from django.db.models import ProtectedError

from registry.authorities import authorities_load
from registry.models import Department


def main() -> None:
    with transaction.atomic():
        loaded = Department.objects.filter(code__startswith="MZ")
        Department.history.filter(code__startswith="MZ").delete()
        try:
            with transaction.atomic():
                loaded.delete()
        except ProtectedError:  # a scratch database whose loaded authorities already registered organizations
            print("the loaded authorities are in use here: only the re-run is measured")
        started = time.perf_counter()
        result = authorities_load()
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = authorities_load()
        second = time.perf_counter() - started
        print(f"fresh load   {result.created:>5} authorities created     {first:.2f} s")
        print(f"re-run       {again.created:>5} created, {again.existing} existing  {second:.2f} s")
        transaction.set_rollback(True)
