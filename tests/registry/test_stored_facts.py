"""The facts the database keeps on each organization's row (registry migration 0009): the two latest years with an
annual work report or an annual inspection on record, and the latest end of validity of its ratings. They stay true
whatever writes the records (plain ORM writes here, as the admin and the bulk writers do), and the queries that read
them give what the records themselves give."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Exists, Max, OuterRef

from registry.models import AnnualInspection, AnnualReport, Organization, Rating
from registry.selectors import annual_report_overdue
from stats import quality
from tests.factories import AnnualInspectionFactory, OrganizationFactory, RatingFactory, region

pytestmark = pytest.mark.django_db


def facts(organization) -> tuple:
    row = Organization.objects.values_list("annual_year_latest", "annual_year_previous", "rating_valid_until").get(
        pk=organization.pk
    )
    return tuple(row)


def report(organization, year: int, **fields) -> AnnualReport:
    values = {
        "income": Decimal("1000"),
        "expenditure": Decimal("900"),
        "government_purchase_income": Decimal("0"),
        "net_assets": Decimal("100"),
        "staff_count": 1,
        "volunteer_count": 0,
        "activity_count": 1,
        "submitted_on": datetime.date(year + 1, 3, 1),
    }
    return AnnualReport.objects.create(organization=organization, year=year, **{**values, **fields})


def test_annual_years_follow_inspections_and_reports():
    organization = OrganizationFactory()
    assert facts(organization) == (None, None, None)
    first = AnnualInspectionFactory(organization=organization, year=2022)
    assert facts(organization)[:2] == (2022, None)
    later = report(organization, 2024)
    assert facts(organization)[:2] == (2024, 2022)
    AnnualInspectionFactory(organization=organization, year=2024)  # the same year twice counts once
    assert facts(organization)[:2] == (2024, 2022)
    AnnualInspectionFactory(organization=organization, year=2023)
    assert facts(organization)[:2] == (2024, 2023)

    first.year = 2025  # a corrected year
    first.save()
    assert facts(organization)[:2] == (2025, 2024)
    AnnualInspection.objects.filter(year=2025).delete()
    assert facts(organization)[:2] == (2024, 2023)
    AnnualInspection.objects.filter(year=2024).delete()
    later.delete()
    assert facts(organization)[:2] == (2023, None)


def test_a_record_moved_to_another_organization_updates_both():
    one, other = OrganizationFactory(), OrganizationFactory()
    inspection = AnnualInspectionFactory(organization=one, year=2025)
    AnnualInspection.objects.filter(pk=inspection.pk).update(organization=other)
    assert facts(one)[:2] == (None, None)
    assert facts(other)[:2] == (2025, None)


def test_rating_validity_follows_the_ratings():
    organization = OrganizationFactory()
    old = RatingFactory(organization=organization, awarded_on=datetime.date(2018, 1, 1))
    assert facts(organization)[2] == old.valid_until
    new = RatingFactory(organization=organization, awarded_on=datetime.date(2023, 1, 1))
    assert facts(organization)[2] == new.valid_until
    Rating.objects.filter(pk=new.pk).update(valid_until=datetime.date(2024, 1, 1))
    assert facts(organization)[2] == datetime.date(2024, 1, 1)  # still the later of the two
    new.delete()
    assert facts(organization)[2] == old.valid_until
    old.delete()
    assert facts(organization)[2] is None


def test_saving_an_organization_loaded_earlier_keeps_the_facts():
    organization = OrganizationFactory()
    stale = Organization.objects.get(pk=organization.pk)
    AnnualInspectionFactory(organization=organization, year=2025)
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    stale.contact_phone = "0471-1234567"
    stale.save()
    assert facts(organization) == (2025, None, Rating.validity_end(datetime.date(2024, 3, 1)))
    assert Organization.objects.get(pk=organization.pk).contact_phone == "0471-1234567"


def _overdue_from_the_records(on: datetime.date) -> set[int]:
    """The overdue annual reports as they were counted before the stored years: probing each organization's
    records."""
    year = on.year - 1 if on > AnnualReport.due_on(on.year - 1) else on.year - 2
    return set(
        Organization.objects.filter(status=Organization.Status.NORMAL, established_on__lte=datetime.date(year, 12, 31))
        .exclude(Exists(AnnualReport.objects.filter(organization=OuterRef("pk"), year=year)))
        .exclude(Exists(AnnualInspection.objects.filter(organization=OuterRef("pk"), year=year)))
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize("on", [datetime.date(2026, 12, 6), datetime.date(2026, 4, 1), datetime.date(2027, 3, 1)])
def test_overdue_annual_reports_are_those_the_records_give(on):
    founded = datetime.date(2015, 1, 1)
    cases = {
        "nothing": [],
        "2024 only": [("inspection", 2024)],
        "2025 only": [("report", 2025)],
        "2024 and 2025": [("inspection", 2024), ("inspection", 2025)],
        "gap at 2024": [("inspection", 2023), ("report", 2025), ("inspection", 2026)],
        "gap at 2025": [("inspection", 2024), ("report", 2026)],
        "three in a row": [("inspection", 2024), ("report", 2025), ("inspection", 2026)],
        "two later, with 2025": [("inspection", 2025), ("report", 2026), ("inspection", 2027)],
        "two later, without 2025": [("inspection", 2024), ("report", 2026), ("inspection", 2027)],
        "two later only": [("report", 2026), ("inspection", 2027)],
    }
    for records in cases.values():
        organization = OrganizationFactory(established_on=founded)
        for record, year in records:
            if record == "inspection":
                AnnualInspectionFactory(organization=organization, year=year)
            else:
                report(organization, year)
    assert set(annual_report_overdue(on=on).values_list("pk", flat=True)) == _overdue_from_the_records(on)


def test_expired_ratings_are_those_the_records_give():
    today = datetime.date(2026, 12, 6)
    expired = OrganizationFactory(region=region("150102"))
    RatingFactory(organization=expired, awarded_on=datetime.date(2019, 1, 1))
    renewed = OrganizationFactory(region=region("150102"))
    RatingFactory(organization=renewed, awarded_on=datetime.date(2019, 1, 1))
    RatingFactory(organization=renewed, awarded_on=datetime.date(2024, 1, 1))
    OrganizationFactory(region=region("150102"))  # never rated
    ratings = Rating.objects.filter(organization=OuterRef("pk"))
    from_records = Organization.objects.filter(Exists(ratings), ~Exists(ratings.filter(valid_until__gte=today)))
    kind = next(kind for kind in quality.KINDS if kind.key == "expired_rating")
    rows = kind.rows(region("150000"), today, None)
    assert set(rows.values_list("pk", flat=True)) == set(from_records.values_list("pk", flat=True)) == {expired.pk}


def test_an_organization_inserted_after_its_records_gets_their_facts():
    """A bulk writer (generate_data) may insert the records first: the foreign keys are checked at commit."""
    key = (Organization.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000
    authority = OrganizationFactory().registration_authority
    AnnualInspection.objects.create(
        organization_id=key, year=2024, result="passed", decided_on=datetime.date(2025, 5, 1)
    )
    Rating.objects.create(
        organization_id=key,
        grade="3A",
        awarded_on=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2029, 1, 1),
        awarding_authority=authority,
    )
    organization = OrganizationFactory(pk=key)
    assert facts(organization) == (2024, None, datetime.date(2029, 1, 1))


def test_organizations_inserted_together_each_get_their_own_facts_and_no_others():
    """Several rows in one statement (a bulk writer, the import's COPY): each gets the facts of its own records, and
    a row given facts it has no records for gets none."""
    top = Organization.objects.aggregate(top=Max("pk"))["top"] or 0
    keys = [top + 1001, top + 1002, top + 1003]
    template = OrganizationFactory()
    AnnualInspection.objects.create(
        organization_id=keys[1], year=2023, result="passed", decided_on=datetime.date(2024, 5, 1)
    )
    AnnualInspection.objects.create(
        organization_id=keys[1], year=2025, result="passed", decided_on=datetime.date(2026, 5, 1)
    )
    Rating.objects.create(
        organization_id=keys[2],
        grade="4A",
        awarded_on=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
        awarding_authority=template.registration_authority,
    )
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Organization._meta.concrete_fields
        if not f.primary_key and f.attname not in ("uscc", "name")
    }
    rows = [
        Organization(**{**fields, "pk": key, "uscc": f"{template.uscc[:-4]}{n}", "name": f"{template.name}{n}"})
        for n, key in enumerate(keys)
    ]
    rows[0].annual_year_latest, rows[0].rating_valid_until = 2020, datetime.date(2021, 1, 1)  # no records for these

    Organization.objects.bulk_create(rows)

    assert [facts(Organization(pk=key)) for key in keys] == [
        (None, None, None),
        (2025, 2023, None),
        (None, None, datetime.date(2030, 1, 1)),
    ]
