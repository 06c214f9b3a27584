"""The demo shows several years: seed_demo adds 2024 and 2025 purchase lists and completed contracts."""

import pytest
from django.core.management import call_command
from django.test import Client

from contracts.models import Contract
from stats.selectors import available_years

pytestmark = pytest.mark.django_db


def test_seed_demo_has_several_years_of_statistics():
    call_command("seed_demo", verbosity=0)
    assert {2024, 2025, 2026} <= set(available_years())
    history = Contract.objects.filter(year__in=[2024, 2025])
    assert history.count() == 6 and set(history.values_list("status", flat=True)) == {"completed"}
    call_command("seed_demo", verbosity=0)
    assert Contract.objects.filter(year__in=[2024, 2025]).count() == 6
    trend = Client().get("/statistics/", {"year": 2026}).context["trend"]
    assert [row.key for row in trend.rows][:3] == ["2024", "2025", "2026"]
