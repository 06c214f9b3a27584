"""One generation run: the checks before it, the stages in dependency order inside one transaction, the figures."""

from __future__ import annotations

import datetime
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from portal.generator.contract_data import make_contracts
from portal.generator.evaluation_data import make_evaluations
from portal.generator.profiles import PROFILES
from portal.generator.registry_data import make_departments, make_organizations
from portal.generator.supervision_data import make_supervision
from portal.generator.world import DEPARTMENT_PREFIX, PROVINCE, World
from portal.generator.writer import Writer
from registry.models import Department, Organization, Region

GENERATED_DEPARTMENT = rf"^{DEPARTMENT_PREFIX}[0-9]{{6}}[A-Z]{{2}}$"


class GenerationRefused(Exception):
    """The database is not one the generator may write to (or lacks the regions)."""


@dataclass
class Report:
    profile: str
    seed: int
    today: datetime.date
    stages: list[tuple[str, float]] = field(default_factory=list)
    tables: dict = field(default_factory=dict)  # db_table -> writer.Stats
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def lines(self) -> list[str]:
        width = max((len(name) for name in self.tables), default=10)
        out = [f"profile {self.profile}, seed {self.seed}, reference day {self.today.isoformat()}"]
        out.append(f"{'table'.ljust(width)}  {'rows':>10}  {'history':>10}  {'write s':>8}")
        for name, stats in sorted(self.tables.items()):
            out.append(f"{name.ljust(width)}  {stats.rows:>10,}  {stats.history_rows:>10,}  {stats.seconds:>8.2f}")
        rows = sum(stats.rows for stats in self.tables.values())
        history = sum(stats.history_rows for stats in self.tables.values())
        out.append(f"{'total'.ljust(width)}  {rows:>10,}  {history:>10,}")
        out.extend(f"stage {name}: {seconds:.1f} s" for name, seconds in self.stages)
        out.append(f"total {self.seconds:.1f} s, peak RSS {self.peak_rss_mb:.0f} MB")
        return out


def generated_data_present() -> bool:
    return Department.objects.filter(code__regex=GENERATED_DEPARTMENT).exists()


def check_database(profile: str, *, append: bool) -> None:
    """Refuse a database without the regions, one already holding generated data, or (without `append`) one holding
    any organization."""
    needed = {PROVINCE, PROFILES[profile].region}
    if Region.objects.filter(code__in=needed).count() != len(needed):
        raise GenerationRefused(
            "区划数据缺失，请先运行 manage.py load_regions / regions missing: run load_regions first"
        )
    if generated_data_present():
        raise GenerationRefused(
            "数据库中已有生成的数据，请使用新的数据库 / the database already holds generated data: use a fresh database"
        )
    existing = Organization.objects.count()
    if existing and not append:
        raise GenerationRefused(
            f"数据库中已有 {existing} 个社会组织；如确需在其旁边生成数据，请加 --append / "
            f"the database already holds {existing} organizations: pass --append to generate beside them"
        )


def generate(
    *,
    profile: str,
    seed: int,
    today: datetime.date | None = None,
    batch_size: int = 5_000,
    history: bool = True,
    append: bool = False,
    vacuum: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Generate the `profile` data set into the default database; returns what was written and how long it took."""
    check_database(profile, append=append)
    today = today or timezone.localdate()
    report = Report(profile=profile, seed=seed, today=today)
    started = time.perf_counter()
    fallback = timezone.make_aware(datetime.datetime.combine(today, datetime.time(18)))

    def stage(name: str, function, *args):
        begun = time.perf_counter()
        result = function(*args)
        report.stages.append((name, time.perf_counter() - begun))
        if progress:
            progress(f"{name}: {report.stages[-1][1]:.1f} s")
        return result

    with transaction.atomic():
        writer = Writer(batch_size=batch_size, history=history, fallback_time=fallback)
        world = World(profile=PROFILES[profile], seed=seed, today=today, writer=writer)
        existing = set(Organization.objects.values_list("uscc", flat=True)) if append else set()
        stage("departments and officials", make_departments, world)
        orgs = stage("organizations and their records", make_organizations, world, existing)
        plans = stage("purchase lists and contracts", make_contracts, world, orgs)
        grades = stage("evaluations", make_evaluations, world, orgs, plans)
        stage("supervision", make_supervision, world, orgs, plans, grades)
        stage("last batches and sequences", writer.finish)
    if vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            stage("VACUUM ANALYZE", cursor.execute, "VACUUM ANALYZE")
    report.tables = writer.stats
    report.seconds = time.perf_counter() - started
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report
