"""`make bench`: run every benchmark module in this folder (each exposes `main()`), or those named on the command line.

Benchmarks run against a scratch SQLite database (or DATABASE_URL when set) and print their figures; they are never
part of the test suite.
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    here = Path(__file__).parent
    wanted = sys.argv[1:]
    names = [m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in {"settings", "__main__"}]
    for name in sorted(names):
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "main"):
            print(f"\n== bench/{name}.py ==", flush=True)
            module.main()


if __name__ == "__main__":
    main()
