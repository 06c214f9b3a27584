"""The sizes of a generated data set: `province` (Inner Mongolia), `city` (Hohhot, about a tenth) and `tiny` (tests)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    region: str  # GB/T 2260 code of the region whose organizations, departments and contracts are made
    organizations: int
    contracts: int
    deliverables_per_contract: tuple[int, int]  # fewest and most deliverables of a contract (mean ≈ their middle)
    evaluations: int
    evaluators: int
    inspections: int
    complaints: int
    orders: int
    indicator_sets: int = 3


PROFILES = {
    "province": Profile(
        name="province",
        region="150000",
        organizations=200_000,
        contracts=50_000,
        deliverables_per_contract=(2, 10),
        evaluations=5_000,
        evaluators=300,
        inspections=20_000,
        complaints=10_000,
        orders=5_000,
    ),
    "city": Profile(
        name="city",
        region="150100",
        organizations=20_000,
        contracts=5_000,
        deliverables_per_contract=(2, 10),
        evaluations=500,
        evaluators=60,
        inspections=2_000,
        complaints=1_000,
        orders=500,
    ),
    "tiny": Profile(
        name="tiny",
        region="150100",
        organizations=300,
        contracts=120,
        deliverables_per_contract=(2, 8),
        evaluations=12,
        evaluators=12,
        inspections=60,
        complaints=40,
        orders=24,
        indicator_sets=1,
    ),
}
