"""Scale data generation (`manage.py generate_data`): wall-clock time, CPU time and peak memory of one profile.

    .venv/bin/python -m bench generate                                  # the city profile (≈ 305,000 rows)
    BENCH_GENERATE_PROFILE=province .venv/bin/python -m bench generate  # the province (≈ 3 million rows, minutes)

`make bench` runs the city profile only: the province runs when BENCH_GENERATE_PROFILE asks for it. The data goes to
a scratch database of its own, made afresh each time, so the other benchmarks' data stays as it is: on SQLite
`bench/out/generate.sqlite3`, on PostgreSQL (DATABASE_URL) a database named after the bench database with `_generate`
appended (dropped and created here). Migrations and regions are loaded first and not timed; the command runs in a child
process, whose peak resident memory is reported (the figure covers the largest child, the generator).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
SEED = "20261206"


def scratch_database_url() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        path = OUT / "generate.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    name = f"{database['NAME']}_generate"
    user, host, port = database.get("USER") or "postgres", database.get("HOST") or "", database.get("PORT") or ""
    with psycopg.connect(
        dbname="postgres", user=user, host=host, port=port, password=database.get("PASSWORD") or None, autocommit=True
    ) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}"')
        maintenance.execute(f'CREATE DATABASE "{name}"')
    credentials = user + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    return f"postgres://{credentials}@{host or 'localhost'}:{port or 5432}/{name}"


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


def main() -> None:
    profile = os.environ.get("BENCH_GENERATE_PROFILE", "city")
    env = {**os.environ, "DATABASE_URL": scratch_database_url(), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    print(f"profile {profile} into {env['DATABASE_URL']}", flush=True)
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_regions", "--verbosity", "0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    manage(env, "generate_data", "--profile", profile, "--seed", SEED, "--verbosity", "2")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"generate_data --profile {profile}: {wall:.1f} s wall (process start included), {cpu:.1f} s CPU in the "
        f"generator, peak RSS of the children {after.ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
