"""Rectification orders carry a document number (文号) such as 呼民监改〔2026〕3号: the issuing department's
abbreviation, the year of issue and a sequence that is unique and gap-free per department and year, also when
officials issue at the same moment (PostgreSQL) and when an issue fails."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from registry.models import Department
from supervision import services
from supervision.models import RectificationOrder
from tests.factories import DepartmentFactory, OrganizationFactory, RegistrarFactory, region

ISSUED = datetime.date(2026, 11, 2)
DEADLINE = datetime.date(2026, 12, 31)


def issue(registrar, organization, issued_on=ISSUED, requirements="补充服务记录"):
    return services.order_issue(
        actor=registrar, organization=organization, requirements=requirements, deadline=DEADLINE, issued_on=issued_on
    )


@pytest.mark.django_db
def test_numbers_per_department_and_year_without_gaps():
    bureau = DepartmentFactory(name="呼和浩特市民政局", region=region("150100"), kind=Department.Kind.CIVIL_AFFAIRS)
    county = DepartmentFactory(name="新城区民政局", region=region("150102"), kind=Department.Kind.CIVIL_AFFAIRS)
    city, local = RegistrarFactory(department=bureau), RegistrarFactory(department=county)
    organization = OrganizationFactory(region=region("150102"))
    numbers = [issue(city, organization).document_number for _ in range(3)]
    assert numbers == ["呼民监改〔2026〕1号", "呼民监改〔2026〕2号", "呼民监改〔2026〕3号"]
    assert issue(local, organization).document_number == "新民监改〔2026〕1号"
    # A refused issue (no requirements) gives no number away.
    with pytest.raises(ValidationError):
        issue(city, organization, requirements=" ")
    assert issue(city, organization).document_number == "呼民监改〔2026〕4号"
    # Each year of issue has its own sequence.
    december = issue(city, organization, issued_on=datetime.date(2025, 12, 30))
    assert december.document_number == "呼民监改〔2025〕1号"
    order = RectificationOrder.objects.get(document_number="呼民监改〔2026〕2号")
    assert str(order).startswith("整改通知 呼民监改〔2026〕2号")


def test_abbreviation_of_a_purchasing_department(db):
    health = DepartmentFactory(name="呼和浩特市卫生健康委员会", region=region("150100"), kind=Department.Kind.PURCHASER)
    assert services.department_abbreviation(health) == "呼卫"


def run_in_threads(jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # inspected by the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent issuers are exercised on PostgreSQL only")
def test_concurrent_issuers_get_unique_gap_free_numbers():
    bureau = DepartmentFactory(name="呼和浩特市民政局", region=region("150100"), kind=Department.Kind.CIVIL_AFFAIRS)
    registrars = [RegistrarFactory(department=bureau) for _ in range(6)]
    organization = OrganizationFactory(region=region("150102"))
    jobs = [lambda registrar=registrar: issue(registrar, organization) for registrar in registrars * 2]
    outcomes = run_in_threads(jobs)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    sequences = sorted(RectificationOrder.objects.values_list("document_sequence", flat=True))
    assert sequences == list(range(1, len(jobs) + 1))
    numbers = set(RectificationOrder.objects.values_list("document_number", flat=True))
    assert len(numbers) == len(jobs)
