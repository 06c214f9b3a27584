"""Settings read from the environment; bad configuration stops with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "a-long-production-secret-" + "k" * 40


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "LANGUAGE_CODE",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_runs_without_secret_key():
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="qiyue.example.cn",
        DATABASE_URL="postgres://qiyue@127.0.0.1:5432/qiyue",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "nosuchdb://user@host/name"}, "DATABASE_URL"),
        ({"LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
        ({"DEBUG": "maybe"}, "DEBUG"),
    ],
)
def test_bad_configuration_stops_with_one_line(env, named):
    result = run_manage("check", **{"DEBUG": "1", **env})
    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_database_stops_with_one_line():
    result = run_manage("migrate", DEBUG="1", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_postgres_url_selects_postgres_engine():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/qiyue",
    )
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.postgresql", result.stderr


def test_production_defaults_are_safe(settings):
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "zh-hans"
    assert live.TIME_ZONE == "Asia/Shanghai"
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.ALLOWED_HOSTS)",
        DEBUG="0",
        SECRET_KEY=GOOD_SECRET,
    )
    assert result.stdout.strip().splitlines()[-1] == "True True True True []", result.stderr


def test_check_deploy_warns_when_production_runs_on_sqlite():
    result = run_manage(
        "check", "--deploy", DEBUG="0", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="qiyue.example.cn", DATABASE_URL=""
    )
    assert "qiyue.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EMAIL_URL", "smtpx://mail.example.cn:25"),
        ("EMAIL_URL", "smtp://mail.example.cn:port/"),
        ("DATABASE_URL", "mysqlx://db/qiyue"),
        ("CACHE_URL", "memcache://127.0.0.1:11211"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("TIME_ZONE", "Asia/Hohhot"),
        ("LOG_LEVEL", "LOUD"),
        ("TASKS_BACKEND", "nowhere.Backend"),
        ("API_TOKEN_RATE", "twenty"),
        ("UPLOAD_MAX_MB", "0"),
        ("CONN_MAX_AGE", "forever"),
        ("SUPERVISION_COMPLAINTS_PER_HOUR", "-1"),
        ("DEBUG", "maybe"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(variable, value):
    env = {"DEBUG": "1", variable: value}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_sqlite_takes_write_locks_up_front_and_keeps_a_write_ahead_log(tmp_path):
    database = tmp_path / "wal.sqlite3"
    result = run_manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        " print(c.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'])",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["wal", "IMMEDIATE"], result.stdout + result.stderr


@pytest.mark.parametrize(("jit_off", "options"), [(None, "-c jit=off"), ("0", None), ("1", "-c jit=off")])
def test_postgresql_connections_turn_jit_off_unless_told_not_to(jit_off, options):
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://qiyue@127.0.0.1:5432/qiyue"}
    if jit_off is not None:
        env["DATABASE_JIT_OFF"] = jit_off
    script = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    result = run_manage("shell", "-c", script, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(options)
