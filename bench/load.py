"""Throughput of the anonymous public pages under load, against a bare "hello" view served the same way.

`DATABASE_URL=postgres://… .venv/bin/python -m bench load`

What it does: compiles the translations, collects the static files, then starts gunicorn (`config.wsgi`, 4 sync
workers, DEBUG=0, the bench settings whose URLconf adds `/bench/hello/`, persistent database connections) on
LOAD_PORT (8109) twice — once with the public page cache off (PUBLIC_PAGE_CACHE_SECONDS=0: every request renders)
and once with it on (the cache in Redis at LOAD_CACHE_URL, redis://127.0.0.1:6379/9 by default, or in the
database when LOAD_CACHE_URL=db://) — and drives each with a bounded client: LOAD_CONCURRENCY (16) threads, each
sending one request at a time over a fresh connection (a raw socket: the client's own cost stays small next to the
server's on a shared machine). Every URL is fetched once first (templates loaded; with the cache on, every page
kept), then each target runs LOAD_WARMUP (2 s). In each of LOAD_ROUNDS (3) rounds every target runs for
LOAD_SECONDS (6 s), the hello floor first and then each page, so each page is compared with a floor measured a
minute or two apart at most. It prints, per page, requests/s (median of the rounds), the ratio to hello's, and
p50/p95/p99 latency (all rounds' answers together); any answer other than 200 is counted as an error.

The pages: the home, the organization directory (first page, and a search), 40 organization pages, the contract list
and 40 contract pages (detail pages rotate, so a cache holds 40 of each). Target: every page ≥ 1/3 of hello's
requests/s.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("LOAD_PORT", "8109"))
CONCURRENCY = int(os.environ.get("LOAD_CONCURRENCY", "16"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "6"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))
WARMUP = float(os.environ.get("LOAD_WARMUP", "2"))
CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/9")
MODES = os.environ.get("LOAD_MODES", "off,on").split(",")
WORKERS = 4
HELLO = "/bench/hello/"


def _targets() -> dict[str, list[str]]:
    from contracts.models import Contract
    from registry.models import Organization

    organizations = Organization.objects.filter(status=Organization.Status.NORMAL).order_by("pk")
    contracts = Contract.objects.exclude(status=Contract.Status.DRAFT).order_by("pk")
    return {
        "hello (floor)": [HELLO],
        "home /": ["/"],
        "directory /organizations/": ["/organizations/"],
        "directory search ?q=养老": ["/organizations/?q=%E5%85%BB%E8%80%81"],
        "organization page": [f"/organizations/{uscc}/" for uscc in organizations.values_list("uscc", flat=True)[:40]],
        "contract list /contracts/": ["/contracts/"],
        "contract page": [f"/contracts/{number}/" for number in contracts.values_list("number", flat=True)[:40]],
    }


def _request(path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nAccept-Language: zh-hans\r\n"
        "User-Agent: qiyue-bench-load\r\nConnection: close\r\n\r\n"
    ).encode("ascii")


def _fetch(raw: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=60) as connection:
            connection.sendall(raw)
            first = connection.recv(65536)
            while connection.recv(65536):
                pass
        status = int(first[9:12]) if first.startswith(b"HTTP/1.") else 0
    except (OSError, ValueError):
        status = 0
    return status, time.perf_counter() - started


def _run(paths: list[str], seconds: float) -> tuple[int, float, list[float], int]:
    """CONCURRENCY clients for `seconds`: (answers, elapsed seconds, latencies of the 200s, errors)."""
    requests = [_request(path) for path in paths]
    counter = itertools.count()
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            status, elapsed = _fetch(requests[next(counter) % len(requests)])
            if status == 200:
                mine.append(elapsed)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(latencies) + errors[0], elapsed, latencies, errors[0]


@contextlib.contextmanager
def _server(extra_env: dict[str, str]):
    from django.conf import settings

    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CONN_MAX_AGE": "60",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "SECRET_KEY": settings.SECRET_KEY,
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{PORT}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    try:
        for _ in range(120):
            if _fetch(_request(HELLO))[0] == 200:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not answer on port {PORT}")
        yield
    finally:
        process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown: a slow request is not waited for
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000


def _measure(targets: dict[str, list[str]]) -> dict[str, dict]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(CONCURRENCY) as pool:  # every URL once (templates loaded, cache filled when it is on)
        list(pool.map(_fetch, [_request(path) for paths in targets.values() for path in paths]))
    for paths in targets.values():
        _run(paths, WARMUP)
    results = {name: {"rates": [], "latencies": [], "errors": 0, "answers": 0} for name in targets}
    for _round in range(ROUNDS):
        for name, paths in targets.items():
            answers, elapsed, latencies, errors = _run(paths, SECONDS)
            result = results[name]
            result["rates"].append(answers / elapsed)
            result["latencies"].extend(latencies)
            result["errors"] += errors
            result["answers"] += answers
    return results


def _report(mode: str, results: dict[str, dict]) -> None:
    hello = statistics.median(results["hello (floor)"]["rates"])
    print(f"\n-- page cache {mode}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} --")
    print("| page | requests/s | × hello | p50 ms | p95 ms | p99 ms | answers | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, result in results.items():
        rate = statistics.median(result["rates"])
        latencies = result["latencies"]
        print(
            f"| {name} | {rate:.0f} | {rate / hello:.2f} | {_percentile(latencies, 0.5):.0f} | "
            f"{_percentile(latencies, 0.95):.0f} | {_percentile(latencies, 0.99):.0f} | {result['answers']} | "
            f"{result['errors']} |",
            flush=True,
        )


def _forget_cached_pages(cache_url: str) -> None:
    """Start the run with a new generation, so no page cached from another database is served."""
    if not cache_url.startswith("redis"):
        return
    import redis

    redis.Redis.from_url(cache_url).delete("qiyue:1:pagecache:generation")


def main() -> None:
    from django.conf import settings
    from django.core.management import call_command

    # Stopped with SIGTERM, the run still stops its gunicorn (the `finally` of _server).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("bench/load.py needs PostgreSQL: DATABASE_URL=postgres://…")
        return
    call_command("compile_translations", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    targets = _targets()
    sizes = {name: len(paths) for name, paths in targets.items()}
    print(f"gunicorn {WORKERS} workers, concurrency {CONCURRENCY}, {ROUNDS} rounds × {SECONDS:.0f} s; URLs: {sizes}")
    for mode in MODES:
        env = {"PUBLIC_PAGE_CACHE_SECONDS": "0"} if mode == "off" else {"PUBLIC_PAGE_CACHE_SECONDS": "600"}
        if mode == "on" and CACHE_URL:
            env["CACHE_URL"] = CACHE_URL
            _forget_cached_pages(CACHE_URL)
        client_cpu = time.process_time()
        with _server(env):
            results = _measure(targets)
            _report(f"{mode} (CACHE_URL={env.get('CACHE_URL', 'database')})", results)
            print(f"client CPU: {time.process_time() - client_cpu:.1f} s", flush=True)
