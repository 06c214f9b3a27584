"""Annual work reports: filed by the organization, reviewed by the registrar (the review is the year's annual
inspection, linked to the report), overdue after 31 May for the to-do lists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import services
from registry.models import AnnualInspection, AnnualReport, Organization
from registry.selectors import (
    annual_report_overdue,
    annual_report_overdue_for,
    annual_report_overdue_year,
    annual_reports_to_review_for,
)
from tests.errors import codes
from tests.factories import (
    AnnualInspectionFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    RegistrarFactory,
    region,
)
from tests.registry.conftest import today

pytestmark = pytest.mark.django_db


def last_year() -> int:
    return today().year - 1


@pytest.fixture
def organization():
    return OrganizationFactory(established_on=datetime.date(2015, 6, 1))


@pytest.fixture
def member(organization):
    return OrganizationMemberFactory(organization=organization)


@pytest.fixture
def registrar(organization):
    return RegistrarFactory(department=organization.registration_authority)


def submit(actor, organization, **overrides):
    values = {
        "year": last_year(),
        "income": Decimal("860000"),
        "expenditure": Decimal("790000"),
        "government_purchase_income": Decimal("420000"),
        "net_assets": Decimal("310000"),
        "staff_count": 12,
        "volunteer_count": 85,
        "activity_count": 46,
        "summary": "开展社区养老服务",
    }
    values.update(overrides)
    return services.annual_report_submit(actor=actor, organization=organization, **values)


def test_the_member_files_and_the_registrar_reviews(member, registrar, organization):
    report = submit(member, organization)
    assert (report.status, report.submitted_by, report.submitted_on) == ("submitted", member, today())
    assert list(annual_reports_to_review_for(registrar)) == [report]
    services.annual_report_review(actor=registrar, report=report, result="basic", comments="财务报表附注不完整")
    report.refresh_from_db()
    assert (report.status, report.review_result, report.reviewed_by) == ("reviewed", "basic", registrar)
    inspection = AnnualInspection.objects.get(organization=organization, year=last_year())
    assert (inspection.result, inspection.report, inspection.note) == ("basic", report, "财务报表附注不完整")
    assert inspection.history.count() == 1
    assert not annual_reports_to_review_for(registrar).exists()


def test_refusals_of_a_report(member, organization):
    with pytest.raises(ValidationError) as caught:
        submit(member, organization, year=today().year, government_purchase_income=Decimal("900000"))
    assert codes(caught.value) == {"year": ["year_not_over"], "government_purchase_income": ["part_exceeds_total"]}
    with pytest.raises(ValidationError) as caught:
        submit(member, organization, year=2010, income=Decimal("-1"), government_purchase_income=Decimal("0"))
    assert codes(caught.value) == {"year": ["before_establishment"], "income": ["negative"]}
    submit(member, organization)
    with pytest.raises(ValidationError) as caught:
        submit(member, organization)
    assert codes(caught.value) == {"year": ["year_reported"]}
    assert AnnualReport.objects.count() == 1


def test_reviews_need_comments_unless_passed_and_happen_once(registrar, member, organization):
    report = submit(member, organization)
    with pytest.raises(ValidationError) as caught:
        services.annual_report_review(actor=registrar, report=report, result="failed", comments=" ")
    assert codes(caught.value) == {"comments": ["comments_required"]}
    services.annual_report_review(actor=registrar, report=report, result="passed")
    with pytest.raises(ValidationError) as caught:
        services.annual_report_review(actor=registrar, report=report, result="passed")
    assert codes(caught.value) == {"__all__": ["wrong_state"]}


def test_a_year_already_inspected_cannot_be_decided_again_by_review(registrar, member, organization):
    AnnualInspectionFactory(organization=organization, year=last_year(), decided_on=today())
    report = submit(member, organization)
    with pytest.raises(ValidationError) as caught:
        services.annual_report_review(actor=registrar, report=report, result="passed")
    assert codes(caught.value) == {"year": ["year_recorded"]}
    report.refresh_from_db()
    assert report.status == "submitted"


def test_who_may_file_and_review(organization, member):
    outsiders = [
        OrganizationMemberFactory(),
        PurchaserFactory(department__region=region("150100")),
        RegistrarFactory(department__region=region("150200")),
    ]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            submit(outsider, organization)
    report = submit(RegistrarFactory(department=organization.registration_authority), organization)  # a paper one
    for outsider in [member, *outsiders]:
        with pytest.raises(PermissionDenied):
            services.annual_report_review(actor=outsider, report=report, result="passed")


def test_overdue_after_31_may_for_the_member_and_the_registrar(organization, member, registrar):
    june = datetime.date(2026, 6, 1)
    assert annual_report_overdue_year(datetime.date(2026, 5, 31)) == 2024
    assert annual_report_overdue_year(june) == 2025
    young = OrganizationFactory(established_on=datetime.date(2026, 1, 10))  # no 2025 report due
    gone = OrganizationFactory(established_on=datetime.date(2010, 1, 1), status=Organization.Status.DEREGISTERED)
    inspected = OrganizationFactory(established_on=datetime.date(2010, 1, 1))
    AnnualInspectionFactory(organization=inspected, year=2025, decided_on=datetime.date(2026, 4, 1))
    overdue = set(annual_report_overdue(on=june))
    assert organization in overdue and not overdue & {young, gone, inspected}
    assert list(annual_report_overdue_for(member, on=june)) == [organization]
    assert organization in annual_report_overdue_for(registrar, on=june)
    assert not annual_report_overdue_for(RegistrarFactory(department__region=region("150200")), on=june).exists()
    assert not annual_report_overdue_for(PurchaserFactory(), on=june).exists()
    assert annual_report_overdue(on=june).get(pk=organization.pk).due_on == datetime.date(2026, 5, 31)


# --- pages -----------------------------------------------------------------------------------------------------------


def test_the_member_files_through_the_page_and_the_registrar_reviews(client, organization, member, registrar):
    from django.urls import reverse

    client.force_login(member)
    page = client.get(reverse("registry:organization-detail", args=[organization.uscc]))
    create_url = reverse("registry:annual-report-create", args=[organization.uscc])
    assert create_url in page.content.decode()
    form = {
        "year": last_year(),
        "income": "500000",
        "expenditure": "450000",
        "government_purchase_income": "600000",
        "net_assets": "100000",
        "staff_count": "8",
        "volunteer_count": "40",
        "activity_count": "20",
        "summary": "",
    }
    refused = client.post(create_url, form)
    assert refused.status_code == 200 and "不能大于本年收入" in refused.content.decode()
    assert client.post(create_url, {**form, "government_purchase_income": "300000"}).status_code == 302
    review_url = reverse("registry:annual-report-review", args=[organization.uscc, last_year()])
    assert client.get(review_url).status_code == 403  # members do not review
    client.force_login(registrar)
    page = client.get(reverse("registry:organization-detail", args=[organization.uscc])).content.decode()
    assert review_url in page and "500,000.00" in page
    assert (
        client.post(review_url, {"result": "passed", "comments": "", "reviewed_on": today().isoformat()}).status_code
        == 302
    )
    assert AnnualInspection.objects.get(organization=organization).report.year == last_year()
    assert client.get(reverse("registry:annual-report-review", args=[organization.uscc, 1999])).status_code == 404


def test_the_page_has_tabs_with_counts_and_the_overdue_notice(client, organization):
    from django.urls import reverse

    from tests.factories import PenaltyFactory

    PenaltyFactory(organization=organization)
    PenaltyFactory(organization=organization)
    page = client.get(reverse("registry:organization-detail", args=[organization.uscc]))
    tabs = {tab.key: tab.count for tab in page.context["tabs"]}
    assert list(tabs) == [
        "basic",
        "annual",
        "ratings",
        "penalties",
        "credit",
        "supervision",
        "contracts",
        "evaluations",
    ]
    assert tabs["penalties"] == 2 and tabs["annual"] == 0 and tabs["basic"] is None
    text = page.content.decode()
    assert 'data-testid="tab-penalties"' in text
    if today() > AnnualReport.due_on(today().year - 1):
        assert "逾期未报送" in text


def test_the_credit_report_shows_the_reports_figures(member, registrar, organization):
    from io import BytesIO

    from pypdf import PdfReader

    from registry.reports import organization_credit_report

    services.annual_report_review(actor=registrar, report=submit(member, organization), result="passed")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(organization_credit_report(organization))).pages)
    assert "年度工作报告主要数据" in text and "860,000.00" in text and "420,000.00" in text
