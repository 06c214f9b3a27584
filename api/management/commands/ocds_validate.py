"""`manage.py ocds_validate [--schema-dir DIR] [--standard-zip ZIP] [--cove auto|always|never] [--output FILE]
[--jobs N]`: build the OCDS releases of every signed contract in the database and validate them.

1. Qiyue's extension: its metadata, its patch, the patched release schema (JSON Schema draft 4 and the OCDS
   meta-schema from ZIP when present).
2. Release by release, streaming (contracts read by id, CHUNK at a time with one query per related set, each
   release checked and forgotten): the official OCDS 1.1 release schema patched by the extension (jsonschema_rs), the
   codelists in DIR, and release ids unique within their ocid (a set of ids, not the package schema's `uniqueItems`
   over the whole array, which is quadratic); the package's metadata against the release package schema. Time grows
   linearly with the number of contracts and memory holds one chunk of contracts plus the set of ids. With `--jobs N`
   (default: the number of CPUs) the contracts are cut into ranges in package order, a few per process, each worker
   process checks its ranges over its own database connection, and this process merges the findings (numbered by
   their release's position in the whole package) and checks ids across all ranges. One process reads everything
   inside a transaction (other connections would not see its data), on an in-memory database, and when the packages
   are kept for libcoveocds or --output.
3. With the official validator, libcoveocds, reading the standard from ZIP (the standard's repository at tag 1__1__5;
   default DIR/standard-1__1__5.zip): the whole release package and record package — schema errors, every additional
   check, closed codelists, fields no schema or extension defines. Qiyue's own extensions are served to it from the
   repository; nothing is downloaded. libcoveocds holds both packages in memory and its checks are not linear, so
   `--cove auto` (the default) runs it up to COVE_LIMIT contracts (the demo data in CI) and says so when it skips it;
   `always` and `never` decide.

Prints what it checked and how long it took. Exits non-zero with every finding when something does not validate,
when the database holds no signed contract (a package needs at least one release), or when DIR (or ZIP, when
libcoveocds runs) is missing.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from api import ocds
from api.ocds_validation import (
    PACKAGE_SCHEMA,
    RELEASE_SCHEMA,
    STANDARD_ZIP,
    ReleaseChecker,
    cove_findings,
    extension_errors,
)
from api.selectors import ocds_contract_count, ocds_contract_ids, ocds_contracts_with_ids

# OCDS_SCHEMA_DIR names the folder; by default shared/ocds-1.1 beside the repository (as CI lays it out).
DEFAULT_SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")
# Up to this many contracts `--cove auto` also runs libcoveocds over the whole packages.
COVE_LIMIT = 2000
# Contracts read (with everything their releases show) per round of queries.
CHUNK = 1000
# Ranges handed out per process: a process that finishes early takes another.
RANGES_PER_JOB = 4
# Findings printed one by one before the rest are only counted.
SHOWN = 200


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass
class RangeResult:
    """What checking one range of contracts found; `errors` number the releases from the range's first."""

    contracts: int = 0
    releases: int = 0
    errors: list[str] = field(default_factory=list)
    hidden: int = 0
    first: dict | None = None
    keys: list[tuple[str, str]] = field(default_factory=list)  # (ocid, id) in order, when ids are checked later
    kept: list[tuple[object, list[dict]]] = field(default_factory=list)  # (contract, releases) when asked to keep

    def add(self, found: list[str]) -> None:
        shown = max(0, min(len(found), SHOWN - len(self.errors)))
        self.errors += found[:shown]
        self.hidden += len(found) - shown


def check_range(ids: list[int], checker: ReleaseChecker, *, base_url: str, keep: bool = False) -> RangeResult:
    """Build and check the releases of the contracts `ids` (in package order), CHUNK contracts a round: the same
    selector data and the same `ocds.releases_of_contracts` as the API."""
    result = RangeResult()
    checker.count = 0
    checker.keys = []
    for start in range(0, len(ids), CHUNK):
        for contract, contract_releases in ocds.releases_of_contracts(
            ocds_contracts_with_ids(ids[start : start + CHUNK]), base_url=base_url
        ):
            if not contract_releases:
                continue
            result.contracts += 1
            result.first = result.first or contract_releases[0]
            for release in contract_releases:
                result.add(checker.errors(release))
            if keep:
                result.kept.append((contract, contract_releases))
    result.releases = checker.count
    result.keys = checker.keys
    return result


# Each worker process builds its checker once (compiling the schema) and checks the ranges it is handed.
_worker: dict = {}


def _start_worker(folder: Path, base_url: str) -> None:
    _worker.update(checker=ReleaseChecker(folder, [ocds.EXTENSION_DIR], check_ids=False), base_url=base_url)


def _check_in_worker(ids: list[int]) -> RangeResult:
    result = check_range(ids, _worker["checker"], base_url=_worker["base_url"])
    connections.close_all()
    return result


def _renumbered(error: str, offset: int) -> str:
    """A finding of a range with its release counted from the package's first."""
    return re.sub(r"^releases/(\d+)", lambda match: f"releases/{int(match[1]) + offset}", error) if offset else error


def _ranges(ids: list[int], count: int) -> list[list[int]]:
    size = max(1, -(-len(ids) // count))
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _one_process_only() -> str | None:
    """Why the contracts must be read by this process alone, if they must."""
    if connection.in_atomic_block:
        return "inside a transaction, whose data other connections do not see"
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return "an in-memory database"
    return None


class Command(BaseCommand):
    help = "Validate the OCDS releases of all signed contracts against the OCDS 1.1 schema, codelists and libcoveocds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schema-dir",
            default=str(DEFAULT_SCHEMA_DIR),
            help="folder with release-package-schema.json, release-schema.json and codelists/ (default: %(default)s)",
        )
        parser.add_argument(
            "--standard-zip", help=f"the OCDS standard repository as a ZIP (default: DIR/{STANDARD_ZIP})"
        )
        parser.add_argument(
            "--cove",
            choices=["auto", "always", "never"],
            default="auto",
            help=f"run libcoveocds over the whole packages: auto = up to {COVE_LIMIT} contracts (default: %(default)s)",
        )
        parser.add_argument("--output", help="also write the release package to this file")
        parser.add_argument(
            "--base-url", default="http://localhost/", help="site address used in document URLs (default: %(default)s)"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="processes that build and check releases, each a range of contracts with its own database "
            "connection (default: the number of CPUs, %(default)s)",
        )
        parser.add_argument(
            "--chunk",
            type=int,
            default=CHUNK,
            help="contracts read and checked at a time; memory grows with it (default: %(default)s)",
        )

    def handle(self, *args, chunk: int = CHUNK, **options):
        global CHUNK  # read by check_range, in this process and in the workers forked from it
        if chunk < 1:
            raise CommandError("--chunk must be at least 1 / --chunk 至少为 1")
        previous, CHUNK = CHUNK, chunk
        try:
            return self._validate(*args, **options)
        finally:
            CHUNK = previous

    def _validate(
        self,
        *args,
        schema_dir: str,
        standard_zip: str | None,
        cove: str,
        output: str | None,
        base_url: str,
        jobs: int,
        **options,
    ):
        started = time.perf_counter()
        folder = Path(schema_dir).expanduser().resolve()
        missing = [name for name in (PACKAGE_SCHEMA, RELEASE_SCHEMA, "codelists") if not (folder / name).exists()]
        if missing:
            raise CommandError(
                f"OCDS schema folder {folder} is missing {', '.join(missing)}: "
                "pass --schema-dir pointing at the OCDS 1.1 schema files (shared/ocds-1.1 beside the repository)"
            )
        zip_path = Path(standard_zip).expanduser().resolve() if standard_zip else folder / STANDARD_ZIP
        contract_count = ocds_contract_count()
        run_cove = cove == "always" or (cove == "auto" and contract_count <= COVE_LIMIT)
        if run_cove and not zip_path.is_file():
            raise CommandError(f"OCDS standard ZIP {zip_path} is missing: pass --standard-zip (libcoveocds needs it)")
        base_url = base_url.rstrip("/") + "/"

        errors = [
            f"extension: {error}"
            for error in extension_errors(ocds.EXTENSION_DIR, folder, zip_path if zip_path.is_file() else None)
        ]
        checker = ReleaseChecker(folder, [ocds.EXTENSION_DIR])
        keep = run_cove or bool(output)
        if jobs < 1:
            raise CommandError(f"--jobs must be at least 1, not {jobs}")
        # The packages that libcoveocds or --output need are held by this process, which then reads them itself.
        alone = "the packages are kept in memory for libcoveocds or --output" if keep else _one_process_only()
        if alone:
            jobs = 1
        ids = ocds_contract_ids()
        # Ranges of at least CHUNK contracts, a few per process; no more processes than ranges.
        ranges = _ranges(ids, min(jobs * RANGES_PER_JOB, -(-len(ids) // CHUNK)))
        jobs = min(jobs, len(ranges))
        if jobs <= 1:
            jobs = 1
            results = [check_range(ids, checker, base_url=base_url, keep=keep)]
        else:
            results = self._in_processes(ranges, jobs, folder=folder, base_url=base_url)
        releases, records, packages = [], [], []
        contracts = hidden = offset = 0
        first = None
        for result in results:
            first = first or result.first
            contracts += result.contracts
            found = [_renumbered(error, offset) for error in result.errors]
            # The ids of ranges checked in worker processes: unique across all of them, with this process's set.
            for key in result.keys:
                if key in checker.seen:
                    found.append(f"release id {key[1]!r} appears twice for {key[0]}")
                checker.seen.add(key)
            shown = max(0, min(len(found), SHOWN - len(errors)))
            errors += found[:shown]
            hidden += result.hidden + len(found) - shown
            offset += result.releases
            for contract, contract_releases in result.kept:
                package_url = f"{base_url}contracts/{contract.number}/ocds.json"
                releases.extend(contract_releases)
                if run_cove:
                    packages.append(package_url)
                    records.append(ocds.record(contract_releases, package_url=package_url))
        release_count = offset
        if first is None:
            raise CommandError("no signed contract in the database: an OCDS release package needs at least one release")
        streamed = time.perf_counter() - started
        metadata = ocds.release_package([], uri=f"{base_url}api/v1/ocds/releases/")
        metadata.pop("releases")
        errors += checker.package_errors(metadata, first)

        if output:
            package = ocds.release_package(releases, uri=f"{base_url}api/v1/ocds/releases/")
            Path(output).write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        if run_cove:
            package = ocds.release_package(releases, uri=f"{base_url}api/v1/ocds/releases/")
            record_package = ocds.record_package(records, uri=f"{base_url}api/v1/ocds/records/", packages=packages)
            local = ocds.local_extension_folders(base_url)
            errors += [f"release package: {finding}" for finding in cove_findings(package, zip_path, local_urls=local)]
            errors += [
                f"record package: {finding}" for finding in cove_findings(record_package, zip_path, local_urls=local)
            ]
        elapsed = time.perf_counter() - started
        cove_note = (
            f"libcoveocds with {zip_path.name} on the release and record packages"
            if run_cove
            else f"libcoveocds not run ({contract_count} contracts; --cove {cove}, auto runs it up to {COVE_LIMIT})"
        )
        processes = f"in {jobs} processes" if jobs > 1 else f"in one process ({alone})" if alone else "in one process"
        memory = f"peak memory {_peak_rss_mb():.0f} MB"
        if jobs > 1:
            memory += f", largest worker {_peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
        summary = (
            f"{release_count} releases of {contracts} contracts: schema (jsonschema_rs, release by release), codelists "
            f"and unique ids from {folder}, {processes}; {cove_note}; {streamed:.1f} s streaming, {elapsed:.1f} s in "
            f"all, {memory}"
        )
        if errors or hidden:
            for error in errors:
                self.stderr.write(error)
            if hidden:
                self.stderr.write(f"… and {hidden} more finding(s)")
            raise CommandError(f"OCDS packages do not validate: {len(errors) + hidden} finding(s) in {summary}")
        self.stdout.write(self.style.SUCCESS(f"OCDS packages valid: {summary}"))

    def _in_processes(self, ranges: list[list[int]], jobs: int, *, folder: Path, base_url: str) -> list[RangeResult]:
        """The ranges checked by `jobs` worker processes, results in package order."""
        # Each worker opens its own connection: none is shared across the fork.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        pool = context.Pool(jobs, initializer=_start_worker, initargs=(folder, base_url))
        try:
            results = list(pool.imap(_check_in_worker, ranges))
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
        return results
