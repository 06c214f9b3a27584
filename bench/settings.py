"""Benchmark settings: production settings on a scratch database under bench/out/."""

import os
from pathlib import Path

_out = Path(__file__).resolve().parent / "out"
_out.mkdir(exist_ok=True)
os.environ.setdefault("SECRET_KEY", "bench-only-secret-" + "b" * 40)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_out / 'bench.sqlite3'}")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The site's routes plus the bare "hello" floor of bench/load.py.
ROOT_URLCONF = "bench.urls"
