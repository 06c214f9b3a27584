"""Inspections that are planned and not yet done are not announced: only the supervising officials (and superusers)
see them, on the organization page, the contract page and the timelines behind them; the organization's members, an
evaluator of its contract and the public do not."""

import datetime

import pytest
from django.urls import reverse

from supervision import services
from supervision.timeline import contract_timeline, organization_timeline
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

PLANNED_ON = datetime.date(2026, 12, 20)


@pytest.fixture
def planned(registrar, contract):
    return services.inspection_plan(
        actor=registrar,
        organization=contract.organization,
        kind="targeted",
        planned_on=PLANNED_ON,
        contract=contract,
    )


def kinds(events):
    return {event.kind for event in events}


def test_members_and_public_do_not_see_a_planned_inspection_in_the_timelines(planned, contract, member, registrar):
    organization = contract.organization
    for user in (None, member):
        assert "inspection_planned" not in kinds(organization_timeline(organization, user=user))
        assert "inspection_planned" not in kinds(contract_timeline(contract, user=user))
    for user in (registrar, SuperuserFactory()):
        assert "inspection_planned" in kinds(organization_timeline(organization, user=user))
        assert "inspection_planned" in kinds(contract_timeline(contract, user=user))


def test_the_member_sees_no_planned_inspection_on_the_pages(client, planned, contract, member, registrar, purchaser):
    pages = [
        reverse("registry:organization-detail", args=[contract.organization.uscc]),
        reverse("contracts:contract-detail", args=[contract.number]),
    ]
    client.force_login(member)
    for url in pages:
        html = client.get(url).content.decode()
        assert "计划 2026-12-20" not in html and "inspection_planned" not in html, url
    assert client.get(reverse("supervision:inspection-detail", args=[planned.pk])).status_code == 404
    for official in (registrar, purchaser):
        client.force_login(official)
        for url in pages:
            assert "计划 2026-12-20" in client.get(url).content.decode(), (official, url)


def test_once_done_the_inspection_appears_for_the_member(planned, contract, member, registrar):
    planned.inspectors.set([registrar])
    services.inspection_complete(
        actor=registrar,
        inspection=planned,
        inspected_on=datetime.date(2026, 9, 11),
        conclusion="no_problem",
        findings="",
    )
    assert "inspection_completed" in kinds(organization_timeline(contract.organization, user=member))
