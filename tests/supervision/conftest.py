"""Fixtures for the supervision tests: Hohhot officials (city and county), a Baotou registrar (another city), an
organization in Hohhot's 新城区 with a member, and a signed contract of it.

Dates: the services refuse future dates, so the tests work in autumn 2026 (before the suite's real today) and pass
`on=` / `now=` explicitly wherever time matters."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import (
    DeliverableFactory,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED_ON = datetime.date(2026, 10, 1)
DEADLINE = datetime.date(2026, 10, 31)


def at(year, month, day, hour=10, minute=0):
    """An aware datetime in Asia/Shanghai."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def historical_orders(settings):
    """The fixtures record orders of autumn 2026 whose deadlines have passed, as when loading historical orders: the
    minimum period from the day of recording (tested in test_orders.py) is off unless a test turns it on."""
    settings.SUPERVISION_ORDER_MIN_DAYS = 0


@pytest.fixture
def hohhot_bureau(db):
    return DepartmentFactory(name="呼和浩特市民政局（测试）", region=region("150100"))


@pytest.fixture
def registrar(hohhot_bureau):
    """A Hohhot city registrar."""
    return RegistrarFactory(department=hohhot_bureau, email="registrar@example.cn")


@pytest.fixture
def second_registrar(hohhot_bureau):
    return RegistrarFactory(department=hohhot_bureau, email="registrar2@example.cn")


@pytest.fixture
def purchaser(db):
    """A Hohhot city purchaser."""
    return PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150100")), email="buyer@example.cn")


@pytest.fixture
def county_registrar(db):
    """A registrar of 新城区 (a county of Hohhot)."""
    return RegistrarFactory(department=DepartmentFactory(region=region("150102")), email="county@example.cn")


@pytest.fixture
def other_county_registrar(db):
    """A registrar of 回民区, another county of Hohhot."""
    return RegistrarFactory(department=DepartmentFactory(region=region("150103")))


@pytest.fixture
def baotou_registrar(db):
    return RegistrarFactory(department=DepartmentFactory(region=region("150200")), email="baotou@example.cn")


@pytest.fixture
def organization(hohhot_bureau):
    return OrganizationFactory(region=region("150102"), registration_authority=hohhot_bureau)


@pytest.fixture
def member(organization):
    return OrganizationMemberFactory(organization=organization, email="member@example.cn")


@pytest.fixture
def other_member(db):
    return OrganizationMemberFactory(organization=OrganizationFactory(region=region("150102")))


@pytest.fixture
def contract(organization, purchaser):
    return SignedContractFactory(organization=organization, department=purchaser.department, status="performing")


@pytest.fixture
def deliverable(contract):
    return DeliverableFactory(contract=contract, due_on=datetime.date(2026, 10, 20), payment_share=100)
