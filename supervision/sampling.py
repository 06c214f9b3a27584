"""The random draw of 双随机 inspections: who is in the population, how many are drawn, and how to check a draw later.

A draw is reproducible: the population is the region's active (正常) organizations, the region's descendants included,
ordered by USCC; the sample is `random.Random(seed).sample(population, size)`. The seed, the population's USCC list
(with its SHA-256 digest and count) and the drawn organizations are recorded, so anyone can recompute the draw from the
record and see whether today's population still matches the one drawn from.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from registry.models import Organization, Region

# Yearly minimum rates (percent) by the level of the drawing region (民发〔2017〕45号); overridable in settings.
DEFAULT_SAMPLE_RATES = {
    Region.Level.COUNTY: "3",
    Region.Level.CITY: "4",
    Region.Level.PROVINCE: "5",
    Region.Level.NATIONAL: "5",
}

SEED_BITS = 63


def sample_rates() -> dict[str, Decimal]:
    configured = {**DEFAULT_SAMPLE_RATES, **getattr(settings, "SUPERVISION_SAMPLE_RATES", {})}
    return {str(level): Decimal(str(rate)) for level, rate in configured.items()}


def default_rate(region: Region) -> Decimal:
    """The rate (percent) for a draw in `region`, by the region's level."""
    rates = sample_rates()
    return rates.get(region.level, rates[Region.Level.PROVINCE])


def sample_size(population: int, rate: Decimal) -> int:
    """ceil(rate % × population), at least one when there is anyone to draw, never more than the population."""
    if population <= 0:
        return 0
    # Exact decimal arithmetic: 4 % of 75 is exactly 3, not 3.0000000000000004.
    size = math.ceil(Decimal(population) * Decimal(rate) / Decimal(100))
    return max(1, min(population, size))


def population_for(region: Region) -> list[Organization]:
    """The active organizations of `region` and every region below it, ordered by USCC (only their id and code are
    read: a province has hundreds of thousands)."""
    return list(
        Organization.objects.filter(region__path__startswith=region.path, status=Organization.Status.NORMAL)
        .only("pk", "uscc")
        .order_by("uscc")
    )


def population_digest(usccs: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(usccs).encode()).hexdigest()


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def draw_sample(usccs: Sequence[str], *, seed: int, size: int) -> list[str]:
    """`size` codes from `usccs` in draw order; the same seed and population always give the same sample."""
    return random.Random(seed).sample(list(usccs), size)


@dataclass(frozen=True)
class DrawVerification:
    """What recomputing a recorded draw showed."""

    reproduced: bool
    snapshot_intact: bool
    population_unchanged: bool
    current_population_count: int
    expected_usccs: tuple[str, ...]
    recorded_usccs: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.reproduced and self.snapshot_intact


def verify_draw(draw) -> DrawVerification:
    """Recompute `draw` (a SampleDraw) from its recorded seed and population snapshot and compare."""
    snapshot = draw.population_list()
    snapshot_intact = (
        len(snapshot) == draw.population_count
        and population_digest(snapshot) == draw.population_hash
        and snapshot == sorted(snapshot)
    )
    size = sample_size(len(snapshot), draw.rate)
    expected = tuple(draw_sample(snapshot, seed=draw.seed, size=size)) if snapshot else ()
    recorded = tuple(draw.entries.order_by("position").values_list("organization__uscc", flat=True))
    reproduced = expected == recorded and size == draw.sample_size
    current = [organization.uscc for organization in population_for(draw.region)]
    population_unchanged = population_digest(current) == draw.population_hash

    messages = []
    if snapshot_intact:
        messages.append(_("抽查对象名单与记录的摘要一致（共 %(count)d 个组织）。") % {"count": draw.population_count})
    else:
        messages.append(_("抽查对象名单与记录的摘要或数量不一致，记录可能被改动。"))
    if reproduced:
        messages.append(
            _("以随机种子 %(seed)d 重新抽取，得到与记录相同的 %(size)d 个组织。") % {"seed": draw.seed, "size": size}
        )
    else:
        messages.append(_("以随机种子 %(seed)d 重新抽取的结果与记录不一致。") % {"seed": draw.seed})
    if population_unchanged:
        messages.append(_("当前的抽查对象名单与抽取时相同。"))
    else:
        messages.append(
            _("抽取后抽查对象名单已有变化（抽取时 %(then)d 个，现在 %(now)d 个），复核以抽取时的名单为准。")
            % {"then": draw.population_count, "now": len(current)}
        )
    return DrawVerification(
        reproduced=reproduced,
        snapshot_intact=snapshot_intact,
        population_unchanged=population_unchanged,
        current_population_count=len(current),
        expected_usccs=expected,
        recorded_usccs=recorded,
        messages=tuple(messages),
    )
