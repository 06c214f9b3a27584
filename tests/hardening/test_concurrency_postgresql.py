"""Concurrent attempts on PostgreSQL (run by the PostgreSQL suite of .ci/run; skipped on SQLite): the complaint rate
limit holds however many requests race, because each is counted atomically before any work is done."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from supervision import services
from supervision.models import Complaint
from tests.factories import OrganizationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL"),
]

RACERS = 20


def race(work):
    barrier = Barrier(RACERS)

    def one(number):
        try:
            barrier.wait()
            return work(number)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_twenty_concurrent_complaints_from_one_address_store_the_limit(settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 5
    organization = OrganizationFactory()

    def file(number):
        try:
            services.complaint_file(
                organization=organization, subject=f"投诉 {number}", text="内容", client_key="203.0.113.50"
            )
            return "filed"
        except ValidationError as error:
            return error.error_list[0].code

    outcomes = race(file)

    assert outcomes.count("filed") == 5
    assert outcomes.count("rate_limited") == RACERS - 5
    assert Complaint.objects.count() == 5
