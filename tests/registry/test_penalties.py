"""Administrative penalties: the services, their refusals, eligibility, the pages and the credit report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import services
from registry.models import Organization, Penalty
from registry.selectors import organization_eligibility
from tests.errors import all_codes, codes
from tests.factories import OrganizationFactory, PenaltyFactory, PurchaserFactory, RegistrarFactory, region
from tests.registry.conftest import today, tomorrow

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return OrganizationFactory(established_on=datetime.date(2015, 6, 1))


@pytest.fixture
def registrar(organization):
    return RegistrarFactory(department=organization.registration_authority)


def record(actor, organization, **overrides):
    values = {
        "decision_number": "呼民罚〔2026〕 7号",
        "decided_on": today() - datetime.timedelta(days=30),
        "kind": Penalty.Kind.FINE,
        "amount": Decimal("20000"),
        "facts": "违反章程规定开展活动",
        "legal_basis": "《民办非企业单位登记管理暂行条例》第二十五条",
    }
    values.update(overrides)
    return services.penalty_record(actor=actor, organization=organization, **values)


def test_a_registrar_records_a_penalty_with_history(registrar, organization):
    penalty = record(registrar, organization)
    assert penalty.decision_number == "呼民罚〔2026〕7号"
    assert penalty.authority == organization.registration_authority
    assert penalty.status == Penalty.Status.IN_FORCE
    entry = penalty.history.get()
    assert entry.history_user == registrar and entry.history_change_reason == "呼民罚〔2026〕7号"


def test_refusals_name_their_fields_and_write_nothing(registrar, organization):
    with pytest.raises(ValidationError) as caught:
        record(registrar, organization, decided_on=tomorrow(), amount=None, facts=" ", legal_basis="")
    assert codes(caught.value) == {
        "decided_on": ["date_in_future"],
        "amount": ["fine_without_amount"],
        "facts": ["required"],
        "legal_basis": ["required"],
    }
    with pytest.raises(ValidationError) as caught:
        record(registrar, organization, kind=Penalty.Kind.WARNING, decided_on=datetime.date(2010, 1, 1))
    assert codes(caught.value) == {"decided_on": ["before_establishment"], "amount": ["amount_not_allowed"]}
    assert not Penalty.objects.exists()


def test_a_decision_number_is_used_once_per_authority(registrar, organization):
    record(registrar, organization)
    with pytest.raises(ValidationError) as caught:
        record(registrar, OrganizationFactory(registration_authority=organization.registration_authority))
    assert codes(caught.value) == {"decision_number": ["duplicate_decision_number"]}
    other_bureau = RegistrarFactory(department__region=region("150000"))
    record(other_bureau, organization)  # another authority may use the same number
    assert Penalty.objects.count() == 2


def test_only_registrars_covering_the_organization(organization):
    for outsider in (RegistrarFactory(department__region=region("150200")), PurchaserFactory()):
        with pytest.raises(PermissionDenied):
            record(outsider, organization)
    with pytest.raises(ValidationError) as caught:
        record(None, organization)
    assert all_codes(caught.value) == {"authority_required"}


def test_status_changes_follow_the_decision(registrar, organization):
    penalty = record(registrar, organization)
    services.penalty_change_status(
        actor=registrar, penalty=penalty, status=Penalty.Status.FULFILLED, changed_on=today(), reason="已缴纳罚款"
    )
    with pytest.raises(ValidationError) as caught:
        services.penalty_change_status(
            actor=registrar, penalty=penalty, status=Penalty.Status.FULFILLED, changed_on=today(), reason="再次"
        )
    assert all_codes(caught.value) == {"wrong_state"}
    with pytest.raises(ValidationError) as caught:
        services.penalty_change_status(
            actor=registrar,
            penalty=penalty,
            status=Penalty.Status.ANNULLED,
            changed_on=penalty.decided_on - datetime.timedelta(days=1),
            reason="",
        )
    assert codes(caught.value) == {"changed_on": ["before_decision"], "reason": ["required"]}
    services.penalty_change_status(
        actor=registrar, penalty=penalty, status=Penalty.Status.ANNULLED, changed_on=today(), reason="行政复议撤销"
    )
    assert [h.status for h in penalty.history.order_by("history_id")] == ["in_force", "fulfilled", "annulled"]


def test_eligibility_warns_of_a_recent_penalty_and_refuses_after_revocation(organization):
    assert organization_eligibility(organization).eligible
    PenaltyFactory(organization=organization, decided_on=today() - datetime.timedelta(days=400))
    assert not any("行政处罚" in reason for reason in organization_eligibility(organization).reasons)
    recent = PenaltyFactory(organization=organization, decided_on=today() - datetime.timedelta(days=10))
    eligibility = organization_eligibility(organization)
    assert eligibility.eligible
    assert any(recent.decision_number in warning for warning in eligibility.warnings)
    # read as it stood: before the decision it did not count
    assert not any(
        "行政处罚" in r
        for r in organization_eligibility(organization, on=recent.decided_on - datetime.timedelta(days=1)).reasons
    )
    revocation = PenaltyFactory(
        organization=organization, kind=Penalty.Kind.REVOCATION, decided_on=today() - datetime.timedelta(days=800)
    )
    eligibility = organization_eligibility(organization)
    assert not eligibility.eligible
    assert any(revocation.decision_number in refusal for refusal in eligibility.refusals)
    Penalty.objects.filter(pk=revocation.pk).update(status=Penalty.Status.ANNULLED, status_changed_on=today())
    assert organization_eligibility(organization).eligible
    assert not organization_eligibility(organization, on=today() - datetime.timedelta(days=1)).eligible


def test_database_refuses_a_fine_without_amount(organization):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Penalty.objects.create(
            organization=organization,
            decision_number="X",
            decided_on=today(),
            authority=organization.registration_authority,
            kind=Penalty.Kind.FINE,
            facts="f",
            legal_basis="b",
        )
    assert Organization.objects.filter(pk=organization.pk).exists()


# --- pages and the credit report ------------------------------------------------------------------------------------


def test_the_public_page_and_the_credit_report_show_penalties(client, organization):
    from io import BytesIO

    from django.urls import reverse
    from pypdf import PdfReader

    PenaltyFactory(organization=organization, decision_number="呼民罚〔2026〕15号", kind=Penalty.Kind.FINE, amount=8000)
    page = client.get(reverse("registry:organization-detail", args=[organization.uscc]))
    text = page.content.decode()
    assert "呼民罚〔2026〕15号" in text and "8,000.00" in text and "/penalties/" not in text
    report = client.get(reverse("registry:organization-report", args=[organization.uscc]))
    pdf_text = "".join(page.extract_text() for page in PdfReader(BytesIO(report.content)).pages)
    assert "行政处罚" in pdf_text and "呼民罚〔2026〕15号" in pdf_text


@pytest.mark.parametrize("who", ["anonymous", "purchaser", "other_registrar", "registrar"])
def test_penalty_pages_are_for_the_organizations_registrars(client, organization, registrar, who):
    from django.urls import reverse

    penalty = PenaltyFactory(organization=organization)
    users = {
        "purchaser": PurchaserFactory(department__region=region("150100")),
        "other_registrar": RegistrarFactory(department__region=region("150200")),
        "registrar": registrar,
    }
    if who in users:
        client.force_login(users[who])
    expected = {"anonymous": 302, "purchaser": 403, "other_registrar": 404, "registrar": 200}[who]
    for url in (
        reverse("registry:penalty-create", args=[organization.uscc]),
        reverse("registry:penalty-status", args=[organization.uscc, penalty.pk]),
    ):
        assert client.get(url).status_code == expected
        assert client.post(url, {}).status_code == expected


def test_a_registrar_records_and_fulfils_a_penalty_through_the_pages(client, organization, registrar):
    from django.urls import reverse

    client.force_login(registrar)
    url = reverse("registry:penalty-create", args=[organization.uscc])
    form = {
        "decision_number": "呼民罚〔2026〕20号",
        "decided_on": today().isoformat(),
        "kind": Penalty.Kind.FINE,
        "amount": "",
        "facts": "违规收费",
        "legal_basis": "《社会团体登记管理条例》第三十条",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "罚款必须填写罚款金额" in refused.content.decode()
    done = client.post(url, {**form, "amount": "3000"})
    assert done.status_code == 302
    penalty = Penalty.objects.get()
    status_url = reverse("registry:penalty-status", args=[organization.uscc, penalty.pk])
    assert status_url in client.get(done["Location"]).content.decode()
    client.post(status_url, {"status": "fulfilled", "changed_on": today().isoformat(), "reason": "已缴纳"})
    penalty.refresh_from_db()
    assert penalty.status == Penalty.Status.FULFILLED


def test_revocation_or_a_large_fine_lists_the_organization_as_serious(registrar, organization):
    from registry.models import CreditListing

    record(registrar, organization, amount=Decimal("49999.99"))
    assert not organization.credit_listings.exists()
    penalty = record(registrar, organization, decision_number="呼民罚〔2026〕8号", amount=Decimal("50000"))
    listing = organization.credit_listings.get()
    assert (listing.list_kind, listing.listed_on, listing.deciding_authority) == (
        CreditListing.List.SERIOUS,
        penalty.decided_on,
        penalty.authority,
    )
    assert penalty.decision_number in listing.reason
    record(registrar, organization, decision_number="呼民罚〔2026〕9号", kind=Penalty.Kind.REVOCATION, amount=None)
    assert organization.credit_listings.count() == 1  # already on the list
