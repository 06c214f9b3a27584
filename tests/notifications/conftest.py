import pytest


@pytest.fixture(autouse=True)
def historical_orders(settings):
    """The events are recorded on fixed autumn 2026 dates, as when loading historical orders: the minimum period from
    the day of recording (tested in tests/supervision/test_orders.py) is off here."""
    settings.SUPERVISION_ORDER_MIN_DAYS = 0
