"""Topology smoke, the client side (run by .ci/topology_smoke.sh, which starts the processes).

Two gunicorn processes A and B serve one PostgreSQL database, with Redis as the shared cache and one `db_worker`
running the background tasks. This checks what only that arrangement can get wrong:

1. a purchaser signs in through A and asks A for a contracts export above the background threshold: the request only
   queues it (the page says so, and it answers quickly);
2. the db_worker builds it; B lists it as ready and B serves the file (from the shared storage), a valid CSV;
3. the directory export's per-client limit is counted once for both processes: the attempts alternate between A and
   B, the one past the limit is refused (429) by whichever process gets it, and the counter is in Redis.

Usage: topology_smoke.py URL_A URL_B REDIS_URL LIMIT. Exits non-zero with the reason on the first failure. Every wait
is bounded.
"""

from __future__ import annotations

import csv
import html
import http.cookiejar
import io
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 30  # seconds for one request
BUILD_DEADLINE = 90  # seconds for the worker to build the export
USERNAME, PASSWORD = "purchaser_hh", "qiyue-demo-2026"


class Browser:
    """One visitor: a cookie jar shared by both processes (cookies are per host, not per port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.geturl(), response.read()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read()

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        fail("no csrftoken cookie was set")
        return ""


def fail(message: str) -> None:
    print(f"TOPOLOGY SMOKE FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def export_through_a_download_through_b(a: str, b: str) -> None:
    browser = Browser()
    status, _, _ = browser.request(f"{a}/accounts/login/")
    check(status == 200, f"A's login page answered {status}")
    status, final, _ = browser.request(
        f"{a}/accounts/login/",
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": browser.csrf()},
    )
    check(status == 200 and "/accounts/login/" not in final, f"signing in through A failed ({status}, {final})")

    started = time.monotonic()
    status, final, body = browser.request(
        f"{a}/exports/", {"kind": "contracts", "file_format": "csv", "csrfmiddlewaretoken": browser.csrf()}
    )
    took = time.monotonic() - started
    page = body.decode()
    check(status == 200 and final.endswith("/exports/"), f"asking A for the export answered {status} at {final}")
    check("已转入后台生成" in page, "A did not hand the export to the background (no 已转入后台生成 on its page)")
    print(f"A queued the export in {took * 1000:.0f} ms")

    deadline = time.monotonic() + BUILD_DEADLINE
    link = None
    while link is None:
        status, _, body = browser.request(f"{b}/exports/")
        check(status == 200, f"B's export page answered {status}")
        found = re.search(r'href="(/exports/\d+/download/)"', html.unescape(body.decode()))
        if found:
            link = found.group(1)
            break
        if time.monotonic() > deadline:
            fail(f"the db_worker did not build the export within {BUILD_DEADLINE} s (B never listed a download)")
        time.sleep(0.5)
    print(f"B lists the export as ready {time.monotonic() - started:.1f} s after it was asked for")

    status, _, content = browser.request(f"{b}{link}")
    check(status == 200, f"downloading through B answered {status}")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    check(rows and rows[0][0] == "合同编号", f"the downloaded file does not start with the header: {rows[:1]}")
    check(len(rows) > 2, f"the downloaded file holds {len(rows) - 1} rows, expected more than the threshold (1)")
    check(len({row[0] for row in rows[1:]}) == len(rows) - 1, "a contract appears twice in the export")
    print(f"B served the file built by the worker: {len(rows) - 1} contracts, {len(content)} bytes")


def rate_limit_shared(a: str, b: str, redis_url: str, limit: int) -> None:
    import redis

    # The limit counts per clock minute: start early in a minute so that every attempt falls in the same one.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    visitor = Browser()
    servers = [a, b]
    answers = []
    for attempt in range(limit + 2):
        server = servers[attempt % 2]
        status, _, _ = visitor.request(f"{server}/organizations/?export=csv")
        answers.append(("A" if server == a else "B", status))
    print("directory exports, alternating:", " ".join(f"{name}:{status}" for name, status in answers))
    check(all(status == 200 for _, status in answers[:limit]), f"an export within the limit was refused: {answers}")
    check(
        [status for _, status in answers[limit:]] == [429, 429],
        f"past the limit of {limit}, both A and B must refuse (429): {answers}",
    )
    keys = redis.Redis.from_url(redis_url, socket_timeout=5).keys("*ratelimit:directory-export:*")
    check(bool(keys), "no directory-export counter in Redis: the processes do not share the cache")
    print(f"the counter lives in Redis ({len(keys)} key), shared by both processes")


def main() -> None:
    if len(sys.argv) != 5:
        fail("usage: topology_smoke.py URL_A URL_B REDIS_URL LIMIT")
    a, b, redis_url, limit = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3], int(sys.argv[4])
    check(a != b, "A and B must be two processes on two addresses")
    export_through_a_download_through_b(a, b)
    rate_limit_shared(a, b, redis_url, limit)
    print("topology smoke passed")


if __name__ == "__main__":
    main()
