import pytest
from django.core.management import call_command

PASSWORD = "pass-qiyue-123"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the GB/T 2260 regions loaded (as `make run` does)."""
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (a previous request may have switched the thread to English)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
