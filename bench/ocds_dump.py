"""The bulk OCDS files (`manage.py ocds_dump`): time, contracts per second and memory, to show memory stays flat.

It dumps whatever signed contracts the database holds: point DATABASE_URL at a copy of a generated database (see
docs/benchmarks.md) for figures that mean something. The peak of Python's traced allocations is measured after the
first 1,000 contracts and at the end: a flat dump has about the same peak at both.
"""

import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from api import ocds_dump
from contracts.models import Contract


def main() -> None:
    signed = Contract.objects.exclude(status=Contract.Status.DRAFT).count()
    if not signed:
        print("no signed contract in this database: run with DATABASE_URL pointing at a copy of generated data")
        return
    peaks = {}
    original = ocds_dump._contract_releases

    def watched(base_url):
        for number, pair in enumerate(original(base_url), start=1):
            if number == 1000:
                peaks["after 1,000 contracts"] = tracemalloc.get_traced_memory()[1]
            yield pair

    ocds_dump._contract_releases = watched
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as folder:
            manifest = ocds_dump.write_dump(Path(folder), "https://qiyue.example.cn/")
            sizes = {name: details["size"] for name, details in manifest["files"].items()}
    finally:
        ocds_dump._contract_releases = original
    elapsed = time.perf_counter() - started
    peaks["at the end"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{manifest['contracts']:,} contracts, {manifest['releases']:,} releases: {elapsed:.1f} s "
        f"({manifest['contracts'] / elapsed:.0f} contracts/s), peak RSS {rss:.0f} MB"
    )
    for label, peak in peaks.items():
        print(f"  peak traced Python memory {label}: {peak / 1024 / 1024:.1f} MB")
    for name, size in sizes.items():
        print(f"  {name}: {size / 1024 / 1024:.1f} MB")
