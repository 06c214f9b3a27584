"""The organization credit report (社会组织信用报告)."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from core import pdf
from registry.models import AnnualInspection, CreditListing, Organization, Rating
from registry.reports import organization_credit_report
from tests.factories import (
    AnnualInspectionFactory,
    CreditListingFactory,
    DepartmentFactory,
    OrganizationFactory,
    RatingFactory,
    region,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 8, 1)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def report_text(organization, **kwargs) -> str:
    data = organization_credit_report(organization, **kwargs)
    assert data.startswith(b"%PDF")
    return "\n".join(pages_text(data))


@pytest.fixture
def organization():
    authority = DepartmentFactory(name="呼和浩特市民政局", code="HHMZ-T", region=region("150100"))
    return OrganizationFactory(
        name="呼和浩特市新城区夕阳红养老服务中心",
        region=region("150102"),
        registration_authority=authority,
        legal_representative="乌云其其格",
        supervisory_unit="呼和浩特市民政局",
        registered_funds=Decimal("123456.70"),
        established_on=datetime.date(2016, 4, 12),
        domicile="呼和浩特市新城区兴安北路街道满都海社区",
        contact_phone="0471-6912345",
        contact_email="xiyanghong@example.cn",
        certificate_valid_until=datetime.date(2031, 4, 12),
    )


def test_report_shows_basic_data_without_contact_data(organization):
    text = report_text(organization, on=ON)
    assert "社会组织信用报告" in text
    for value in (
        "呼和浩特市新城区夕阳红养老服务中心",
        organization.uscc,
        "社会服务机构(民办非企业单位)",
        "呼和浩特市民政局",
        "乌云其其格",
        "123,456.70 元",
        "2016-04-12",
        "呼和浩特市新城区兴安北路街道满都海社区",
        "内蒙古自治区呼和浩特市新城区",
        "正常",
        "2031-04-12",
        "信息截至：2026-08-01",
    ):
        assert value in text, value
    assert "生成时间：" in text and "发文机关：呼和浩特市民政局" in text
    assert "0471-6912345" not in text
    assert "xiyanghong@example.cn" not in text


def test_name_with_markup_survives_literally():
    organization = OrganizationFactory(name="包头市<b>青山区</b>社会工作者协会&联合会")
    text = report_text(organization)
    assert "包头市<b>青山区</b>社会工作者协会&联合会" in text


def test_current_rating_valid_and_expired(organization):
    RatingFactory(organization=organization, grade=Rating.Grade.A4, awarded_on=datetime.date(2023, 5, 20))
    text = report_text(organization, on=ON)
    assert "4A（2023-05-20 评定，有效期至 2028-05-20，有效）" in text

    text = report_text(organization, on=datetime.date(2028, 6, 1))
    assert "4A（2023-05-20 评定，有效期至 2028-05-20，已过期）" in text
    assert "已过期" in text


def test_no_rating(organization):
    text = report_text(organization, on=ON)
    assert "无评估等级" in text
    assert "未取得社会组织评估等级" in text  # the eligibility warning


def test_inspections_table(organization):
    AnnualInspectionFactory(organization=organization, year=2024, decided_on=datetime.date(2025, 6, 28))
    AnnualInspectionFactory(
        organization=organization,
        year=2025,
        result=AnnualInspection.Result.FAILED,
        decided_on=datetime.date(2026, 6, 28),
        note="财务收支未纳入单位账户核算",
    )
    text = report_text(organization, on=ON)
    assert "三、年度检查" in text
    assert "2024" in text and "合格" in text
    assert "不合格" in text and "财务收支未纳入单位账户核算" in text
    assert "2025 年度年检结论为不合格（2026-06-28 作出）" in text
    # An inspection decided after the report's date is not yet on record.
    assert "不合格" not in report_text(organization, on=datetime.date(2026, 6, 1))


def test_credit_listings_open_and_removed_with_eligibility(organization):
    other_bureau = DepartmentFactory(name="内蒙古自治区民政厅", code="NMMZ-T", region=region("150000"))
    CreditListingFactory(
        organization=organization,
        reason="未按规定报送2024年度工作报告",
        listed_on=datetime.date(2025, 7, 1),
        removed_on=datetime.date(2025, 9, 10),
        removal_reason="已补报年度工作报告",
        removed_by=other_bureau,
    )
    CreditListingFactory(
        organization=organization,
        list_kind=CreditListing.List.SERIOUS,
        reason="受到罚款五万元的行政处罚",
        listed_on=datetime.date(2026, 3, 20),
    )
    text = report_text(organization, on=ON).replace("\n", "")
    assert "活动异常名录" in text and "严重违法失信名单" in text
    assert "未按规定报送2024年度工作报告（呼和浩特市民政局）" in text
    assert "已补报年度工作报告（内蒙古自治区民政厅）" in text
    assert "2025-09-10" in text and "已移出" in text and "在列" in text
    assert "不具备承接资格" in text
    assert "不予承接：2026-03-20 起列入严重违法失信名单：受到罚款五万元的行政处罚" in text

    # As of a day before the serious listing and during the abnormal one: eligible with a warning.
    text = report_text(organization, on=datetime.date(2025, 8, 1)).replace("\n", "")
    assert "严重违法失信名单" not in text
    assert "在列" in text and "已移出" not in text
    assert "具备承接资格，购买主体须确认以下提示事项" in text
    assert "提示：2025-07-01 起列入活动异常名录：未按规定报送2024年度工作报告" in text


def test_deregistered_organization(organization):
    organization.status = Organization.Status.DEREGISTERED
    organization.status_changed_on = datetime.date(2025, 10, 20)
    organization.status_reason = "经理事会决议解散，清算完毕"
    organization.save()
    text = report_text(organization)
    assert "注销（2025-10-20，经理事会决议解散，清算完毕）" in text
    assert "不具备承接资格" in text


def test_long_inspection_table_repeats_its_header_on_the_next_page():
    organization = OrganizationFactory(name="赤峰市蒙医药学会", established_on=datetime.date(1950, 1, 1))
    AnnualInspection.objects.bulk_create(
        AnnualInspection(
            organization=organization,
            year=year,
            result=AnnualInspection.Result.PASSED,
            decided_on=datetime.date(year + 1, 6, 28),
            note=f"{year}年度工作报告按时报送",
        )
        for year in range(1950, 2026)
    )
    texts = pages_text(organization_credit_report(organization, on=ON))
    assert len(texts) >= 2
    assert "2025年度工作报告按时报送" in texts[0]
    # The oldest year ends the table (the verification block and seal area may follow on a page of their own).
    assert "1950年度工作报告按时报送" in [text for text in texts if "工作报告按时报送" in text][-1]
    continued = [text for text in texts[1:] if "工作报告按时报送" in text]
    assert continued
    for text in continued:
        assert "结论" in text and "决定日期" in text and "备注" in text


def test_report_builds_with_the_fallback_font(organization, monkeypatch):
    monkeypatch.delenv(pdf.FONT_ENV_VAR, raising=False)
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    data = organization_credit_report(organization, on=ON)
    assert data.startswith(b"%PDF")
    assert b"STSong-Light" in data and b"/FontFile2" not in data
    text = "\n".join(pages_text(data))
    assert "呼和浩特市新城区夕阳红养老服务中心" in text
    assert organization.uscc in text


def test_query_count_does_not_grow_with_records(organization, django_assert_max_num_queries):
    for year in (2023, 2024, 2025):
        AnnualInspectionFactory(organization=organization, year=year, decided_on=datetime.date(year + 1, 6, 1))
    RatingFactory(organization=organization)
    RatingFactory(organization=organization, awarded_on=datetime.date(2018, 3, 1))
    CreditListingFactory(organization=organization, listed_on=datetime.date(2026, 1, 5))
    # The report itself (about 14 queries, penalties and annual work reports included) and issuing it (looking for an
    # earlier copy, taking a number, registering it): a bound that does not depend on how many records there are.
    with django_assert_max_num_queries(22):
        organization_credit_report(organization, on=ON)
