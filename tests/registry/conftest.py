"""Helpers shared by the registry's tests."""

import datetime

from django.utils import timezone

from tests.factories import DepartmentFactory, RegistrarFactory, region

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def registrar_in(code):
    """A registrar of a civil-affairs department of the region `code`."""
    return RegistrarFactory(department=DepartmentFactory(region=region(code)))
