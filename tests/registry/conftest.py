"""Helpers shared by the registry's tests."""

import datetime

import pytest
from django.utils import timezone

from registry import demo
from registry.models import Department
from tests.factories import DepartmentFactory, RegistrarFactory, region


def today() -> datetime.date:
    """The day in TIME_ZONE when the test runs — read then, not when the tests were collected: a run may cross
    midnight, and the services' "today" is the day they run."""
    return timezone.localdate()


def tomorrow() -> datetime.date:
    return today() + datetime.timedelta(days=1)


def registrar_in(code):
    """A registrar of a civil-affairs department of the region `code`."""
    return RegistrarFactory(department=DepartmentFactory(region=region(code)))


@pytest.fixture
def bureaus() -> dict[str, Department]:
    """The demo departments (fixtures/demo/registry_departments.json), by code: the import files name them."""
    return demo.seed_departments()
