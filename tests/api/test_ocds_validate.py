"""`manage.py ocds_validate` at a size where the old whole-package check was quadratic: 5,000 generated contracts
validated release by release, and a planted duplicate release id and a planted schema error found among them."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from api import ocds
from api.selectors import ocds_contract_count
from portal.generator import PROFILES, generate
from portal.generator.profiles import Profile

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1")
CONTRACTS = 5_000
PROFILE = Profile(
    name="ocds-validate",
    region="150100",
    organizations=1_500,
    contracts=CONTRACTS,
    deliverables_per_contract=(2, 4),
    evaluations=40,
    evaluators=12,
    inspections=10,
    complaints=5,
    orders=3,
    indicator_sets=1,
)

pytestmark = [
    pytest.mark.skipif(not SCHEMA_DIR.is_dir(), reason=f"OCDS schema folder {SCHEMA_DIR} is not beside the repository"),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    PROFILES[PROFILE.name] = PROFILE
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            generate(profile=PROFILE.name, seed=17, today=datetime.date(2026, 12, 1), history=False, vacuum=False)
            yield ocds_contract_count()
            transaction.set_rollback(True)
    finally:
        del PROFILES[PROFILE.name]


def test_validates_5000_contracts_release_by_release(generated):
    assert generated >= CONTRACTS * 0.9
    out = io.StringIO()
    call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), stdout=out)
    summary = out.getvalue()
    assert "OCDS packages valid" in summary
    assert f"of {generated} contracts" in summary
    # Above the limit the official validator, which holds the whole packages, is left out, and the output says so.
    assert "libcoveocds not run" in summary and "s in all" in summary


def each_contract(plant):
    """ocds.releases_of_contracts with each contract's releases passed through `plant(contract, releases)`."""
    build = ocds.releases_of_contracts

    def planted(contracts, **kwargs):
        return [(contract, plant(contract, releases)) for contract, releases in build(contracts, **kwargs)]

    return planted


def test_finds_a_planted_duplicate_id_and_a_planted_schema_error(generated, monkeypatch):
    seen = []

    def planted(contract, releases):
        seen.append(contract.number)
        if len(seen) == 1_000:
            return [*releases, dict(releases[0])]  # the same release id twice within the ocid
        if len(seen) == 3_000:
            return [dict(releases[0], date="2026年3月1日"), *releases[1:]]  # not an RFC 3339 date-time
        return releases

    monkeypatch.setattr(ocds, "releases_of_contracts", each_contract(planted))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 finding\(s\)"):
        call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), stderr=err)
    findings = err.getvalue()
    assert "appears twice for ocds-" in findings and seen[999] in findings
    assert '"2026年3月1日" is not a "date-time"' in findings


def test_the_command_checks_what_the_api_publishes(generated):
    """The command reads contracts by id ranges, the API page by page: the same releases, in the same order."""
    from rest_framework.test import APIClient

    from api.management.commands.ocds_validate import check_range
    from api.ocds_validation import ReleaseChecker
    from api.selectors import ocds_contract_ids

    ids = ocds_contract_ids()
    assert len(ids) == generated
    checked = check_range(
        ids[:60], ReleaseChecker(SCHEMA_DIR, [ocds.EXTENSION_DIR]), base_url="http://testserver/", keep=True
    )
    assert checked.contracts == 60 and not checked.errors
    built = [release for _contract, releases in checked.kept for release in releases]
    published = APIClient().get("/api/v1/ocds/releases/", {"page_size": 60}).json()["releases"]
    assert built == published


def test_ranges_checked_apart_are_merged_in_package_order(generated, monkeypatch):
    """With several processes each range is checked on its own: findings keep their release's position in the whole
    package, and an id repeated in two ranges is still found."""
    from api.management.commands import ocds_validate
    from api.ocds_validation import ReleaseChecker

    seen, counted, planted = [], [0], {}

    def planting(contract, releases):
        seen.append(contract.number)
        if len(seen) == 500:
            planted["first"] = releases[0]
        if len(seen) == 4_500:  # a release of contract 500, in another range
            releases = [*releases, dict(planted["first"])]
        if len(seen) == 3_500:
            planted["position"] = counted[0]
            releases = [dict(releases[0], date="2026年3月1日"), *releases[1:]]
        counted[0] += len(releases)
        return releases

    def serially(self, ranges, jobs, *, folder, base_url):
        checker = ReleaseChecker(folder, [ocds.EXTENSION_DIR], check_ids=False)
        return [ocds_validate.check_range(ids, checker, base_url=base_url) for ids in ranges]

    monkeypatch.setattr(ocds, "releases_of_contracts", each_contract(planting))
    monkeypatch.setattr(ocds_validate, "_one_process_only", lambda: None)
    monkeypatch.setattr(ocds_validate.Command, "_in_processes", serially)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 finding\(s\) in .* in 2 processes"):
        call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), "--jobs", "2", stderr=err)
    findings = err.getvalue()
    assert "appears twice for ocds-" in findings and seen[499] in findings
    assert f'releases/{planted["position"]}/date: "2026年3月1日" is not a "date-time"' in findings


def test_inside_a_transaction_one_process_reads_everything(generated):
    out = io.StringIO()
    call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), "--jobs", "4", stdout=out)
    assert "in one process (inside a transaction" in out.getvalue()
    with pytest.raises(CommandError, match="--jobs must be at least 1"):
        call_command("ocds_validate", "--schema-dir", str(SCHEMA_DIR), "--jobs", "0")


def test_a_chunk_below_one_is_refused():
    from api.management.commands import ocds_validate as ocds_validate_command

    with pytest.raises(CommandError, match="--chunk"):
        call_command("ocds_validate", "--chunk", "0")
    assert ocds_validate_command.CHUNK == 1000  # the module's chunk is left as it was
