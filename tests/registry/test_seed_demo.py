import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.models import Department

pytestmark = pytest.mark.django_db


def counts():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_builds_every_role_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = counts()
    User = get_user_model()
    assert User.objects.filter(is_superuser=True).exists()
    assert User.objects.filter(is_registrar=True).exists()
    assert User.objects.filter(is_purchaser=True).exists()
    assert User.objects.filter(is_evaluator=True).exists()
    cities_with_three = [
        code
        for code in ("150100", "150200", "150400", "150600", "152500")
        if Department.objects.filter(region__code=code, kind=Department.Kind.CIVIL_AFFAIRS).exists()
        and Department.objects.filter(region__code=code, kind=Department.Kind.PURCHASER).count() >= 2
    ]
    assert len(cities_with_three) >= 3
    assert User.objects.get(username="purchaser_hh").check_password("qiyue-demo-2026")
    call_command("seed_demo", verbosity=0)
    assert counts() == first
