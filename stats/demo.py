"""The statistics demo: two earlier years of purchase lists and completed contracts (Hohhot's health commission and
Baotou's human-resources bureau, 2024 and 2025), so that the trend, the year selector and the annual report have
history to show. The demo reads the records themselves (no summary refresh: what a visitor changes shows at once).
Data tables: fixtures/demo/stats_history_*.json."""

from __future__ import annotations

from django.conf import settings

from contracts import demo as contracts_demo
from registry.models import Department

FIXTURES = settings.BASE_DIR / "fixtures" / "demo"
LISTS = contracts_demo.load_lists(FIXTURES / "stats_history_lists.json")
CONTRACTS = contracts_demo.load_contracts(FIXTURES / "stats_history_contracts.json")


def seed(departments: dict[str, Department]) -> dict[str, list]:
    """Create the missing history (idempotent)."""
    return contracts_demo.seed_specs(LISTS, CONTRACTS, departments)
