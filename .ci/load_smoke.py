"""A bounded load smoke against a running Qiyue: REQUESTS requests over the public pages at CONCURRENCY clients at
once; every answer must be 200. Usage: python .ci/load_smoke.py http://127.0.0.1:8000 [requests] [concurrency]

The pages are the public home, lists, detail pages (organizations and contracts found through the API), the API's
collections and the OCDS package: what anonymous visitors load most. Prints the throughput and the slowest answers.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

LIST_PAGES = [
    "/",
    "/organizations/",
    "/organizations/?q=%E5%85%BB%E8%80%81",
    "/contracts/",
    "/evaluations/",
    "/credit-listings/",
    "/complaints/new/",
    "/api/v1/",
    "/api/v1/organizations/",
    "/api/v1/contracts/",
    "/api/v1/ocds/releases/",
]


def fetch(base: str, path: str) -> tuple[str, int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(base + path, headers={"Accept-Language": "zh-hans"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return path, status, time.perf_counter() - started


def detail_pages(base: str) -> list[str]:
    pages = []
    sources = (("organizations", "uscc", "/organizations/"), ("contracts", "number", "/contracts/"))
    for collection, key, prefix in sources:
        with urllib.request.urlopen(f"{base}/api/v1/{collection}/?page_size=5", timeout=60) as response:
            for row in json.load(response)["results"]:
                pages.append(f"{prefix}{row[key]}/")
    return pages


def main() -> int:
    base = sys.argv[1].rstrip("/")
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    pages = LIST_PAGES + detail_pages(base)
    paths = [pages[index % len(pages)] for index in range(total)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda path: fetch(base, path), paths))
    elapsed = time.perf_counter() - started
    errors = [(path, status) for path, status, _ in results if status != 200]
    slowest = sorted(results, key=lambda result: result[2], reverse=True)[:3]
    print(f"{total} requests, concurrency {concurrency}: {elapsed:.1f} s, {total / elapsed:.1f} requests/s")
    print("slowest: " + ", ".join(f"{path} {seconds:.2f} s" for path, _, seconds in slowest))
    if errors:
        print(f"{len(errors)} errors, e.g. {errors[:5]}", file=sys.stderr)
        return 1
    print("no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
