"""The random draw: the size honours the rate, the same seed and population give the same sample, and a recorded
draw can be verified later (and tells when the population changed or the record was altered)."""

import datetime
import io
import math
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from registry.models import Organization
from supervision import services
from supervision.models import Inspection, SampleDraw
from supervision.sampling import default_rate, draw_sample, population_digest, sample_size, verify_draw
from supervision.selectors import sample_draw_get, sample_draw_list
from tests.errors import all_codes, codes
from tests.factories import OrganizationFactory, next_uscc, region
from tests.supervision.conftest import at

NOW = at(2026, 11, 20)

rates = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)
populations = st.lists(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18), unique=True, max_size=400
).map(sorted)


@given(population=st.integers(min_value=0, max_value=100_000), rate=rates)
def test_sample_size_honours_the_rate(population, rate):
    size = sample_size(population, rate)
    if population == 0:
        assert size == 0
        return
    assert 1 <= size <= population
    # Never below the rate…
    assert size * 100 >= rate * population
    # …and no more than one above it (ceil), unless the minimum of one applies.
    assert size == max(1, math.ceil(Decimal(population) * rate / 100))


@given(usccs=populations, rate=rates, seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_same_seed_and_population_give_the_same_sample(usccs, rate, seed):
    size = sample_size(len(usccs), rate)
    first = draw_sample(usccs, seed=seed, size=size)
    assert first == draw_sample(list(usccs), seed=seed, size=size)
    assert len(first) == size == len(set(first))
    assert set(first) <= set(usccs)


def test_different_seeds_usually_differ():
    usccs = [f"{n:018d}" for n in range(500)]
    samples = {tuple(draw_sample(usccs, seed=seed, size=20)) for seed in range(10)}
    assert len(samples) == 10


@pytest.mark.django_db
def test_default_rates_by_level_and_configurable(settings):
    assert default_rate(region("150102")) == Decimal("3")
    assert default_rate(region("150100")) == Decimal("4")
    assert default_rate(region("150000")) == Decimal("5")
    settings.SUPERVISION_SAMPLE_RATES = {"city": "6.5"}
    assert default_rate(region("150100")) == Decimal("6.5")
    assert default_rate(region("150102")) == Decimal("3")


@pytest.fixture
def hohhot_population(hohhot_bureau):
    """60 active organizations across Hohhot and its counties, plus ones that must stay out of the population."""
    codes = ["150100", "150102", "150103", "150104", "150105", "150121"]
    organizations = [
        OrganizationFactory(region=region(codes[n % len(codes)]), registration_authority=hohhot_bureau)
        for n in range(60)
    ]
    OrganizationFactory(region=region("150102"), status=Organization.Status.DEREGISTERED)
    OrganizationFactory(region=region("150200"))
    return organizations


@pytest.mark.django_db
def test_draw_records_seed_population_and_sample(registrar, hohhot_population):
    draw = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, seed=20261120, now=NOW)
    assert draw.rate == Decimal("4.00")
    assert draw.population_count == 60
    assert draw.sample_size == 3  # ceil(4 % × 60) = 3
    usccs = sorted(organization.uscc for organization in hohhot_population)
    assert draw.population_list() == usccs
    assert draw.population_hash == population_digest(usccs)
    drawn = [organization.uscc for organization in sample_draw_get(pk=draw.pk, user=registrar).drawn_organizations()]
    assert drawn == draw_sample(usccs, seed=20261120, size=3)
    assert draw.drawn_by == registrar and draw.drawn_at == NOW


@pytest.mark.django_db
def test_draw_verifies_and_detects_changes(registrar, hohhot_population, hohhot_bureau):
    draw = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, now=NOW)
    result = verify_draw(draw)
    assert result.ok and result.population_unchanged
    assert result.expected_usccs == result.recorded_usccs

    # A new organization registered after the draw: the draw still verifies from its snapshot.
    OrganizationFactory(region=region("150102"), registration_authority=hohhot_bureau)
    result = verify_draw(draw)
    assert result.ok and not result.population_unchanged and result.current_population_count == 61

    # Someone altering the recorded sample is caught.
    entry = draw.entries.order_by("position").first()
    outsider = next(
        o for o in hohhot_population if o.pk not in set(draw.entries.values_list("organization", flat=True))
    )
    entry.organization = outsider
    entry.save()
    assert not verify_draw(draw).reproduced

    # …and so is altering the population snapshot.
    draw.population_usccs = "\n".join(draw.population_list()[1:])
    assert not verify_draw(draw).snapshot_intact


@pytest.mark.django_db
def test_one_draw_per_region_and_year(registrar, hohhot_population):
    services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, now=NOW)
    with pytest.raises(ValidationError) as error:
        services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, now=NOW)
    assert codes(error.value) == {"year": ["already_drawn"]}
    assert error.value.message_dict["year"] == ["内蒙古自治区呼和浩特市 2026 年度的抽查对象已经抽取，不能重复抽取。"]
    # A county below draws its own sample.
    county = services.sample_draw_create(actor=registrar, region=region("150102"), year=2026, now=NOW)
    assert county.rate == Decimal("3.00")


@pytest.mark.django_db
def test_draw_rules(registrar, hohhot_population):
    for kwargs, field, code in (
        ({"year": 2024}, "year", "year_not_allowed"),
        ({"year": 2026, "rate": "0"}, "rate", "rate_out_of_range"),
        ({"year": 2026, "rate": "101"}, "rate", "rate_out_of_range"),
        ({"year": 2026, "rate": "x"}, "rate", "rate_not_a_number"),
        ({"year": 2026, "seed": -1}, "seed", "seed_out_of_range"),
    ):
        with pytest.raises(ValidationError) as error:
            services.sample_draw_create(actor=registrar, region=region("150100"), now=NOW, **kwargs)
        assert codes(error.value) == {field: [code]}
    with pytest.raises(ValidationError) as error:
        services.sample_draw_create(actor=registrar, region=region("150125"), year=2026, now=NOW)
    assert codes(error.value) == {"region": ["no_population"]}
    assert not SampleDraw.objects.exists()


@pytest.mark.django_db
def test_who_draws(registrar, purchaser, county_registrar, baotou_registrar, member, hohhot_population):
    for actor in (purchaser, county_registrar, baotou_registrar, member, None):
        with pytest.raises(PermissionDenied) as error:
            services.sample_draw_create(actor=actor, region=region("150100"), year=2026, now=NOW)
        assert all_codes(error.value) == {"permission_denied"}


@pytest.mark.django_db
def test_planning_from_a_draw_is_idempotent(registrar, second_registrar, hohhot_population):
    draw = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, now=NOW)
    created = services.sample_draw_plan_inspections(
        actor=registrar, draw=draw, planned_on=datetime.date(2026, 12, 10), inspectors=[registrar, second_registrar]
    )
    assert len(created) == draw.sample_size
    assert {i.organization_id for i in created} == set(draw.entries.values_list("organization_id", flat=True))
    assert all(i.kind == Inspection.Kind.RANDOM and i.sample_draw == draw and i.is_planned for i in created)
    assert (
        services.sample_draw_plan_inspections(actor=registrar, draw=draw, planned_on=datetime.date(2026, 12, 10)) == []
    )
    with pytest.raises(ValidationError) as error:
        services.sample_draw_plan_inspections(actor=registrar, draw=draw, planned_on=None)
    assert codes(error.value) == {"planned_on": ["required"]}
    assert sample_draw_list(user=registrar).get().inspection_count == draw.sample_size


@pytest.mark.django_db
def test_draw_visibility(registrar, county_registrar, baotou_registrar, purchaser, hohhot_population):
    draw = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, now=NOW)
    assert list(sample_draw_list(user=registrar)) == [draw]
    assert list(sample_draw_list(user=purchaser)) == [draw]
    # A county official does not see the city's draw, nor does another city.
    assert list(sample_draw_list(user=county_registrar)) == []
    assert list(sample_draw_list(user=baotou_registrar)) == []
    assert list(sample_draw_list(user=None)) == []


@pytest.mark.django_db
def test_draw_command_draws_plans_and_verifies(registrar, hohhot_population):
    out = io.StringIO()
    call_command(
        "draw_inspection_sample",
        "150100",
        "--year",
        "2026",
        "--user",
        registrar.username,
        "--seed",
        "7",
        "--plan-on",
        "2026-12-01",
        stdout=out,
    )
    draw = SampleDraw.objects.get()
    assert draw.seed == 7 and "随机种子 7" in out.getvalue()
    assert Inspection.objects.filter(sample_draw=draw).count() == draw.sample_size
    out = io.StringIO()
    call_command("draw_inspection_sample", "150100", "--year", "2026", "--verify", stdout=out)
    assert "复核通过" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("draw_inspection_sample", "150100", "--year", "2026", "--user", registrar.username)


@pytest.mark.django_db
def test_population_is_ordered_by_uscc_whatever_the_insertion_order(registrar, hohhot_bureau):
    codes = [next_uscc("2", "150100") for _ in range(30)]
    for code in reversed(codes):
        OrganizationFactory(uscc=code, region=region("150102"), registration_authority=hohhot_bureau)
    draw = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, seed=1, now=NOW)
    assert draw.population_list() == sorted(codes)
    assert verify_draw(draw).ok
