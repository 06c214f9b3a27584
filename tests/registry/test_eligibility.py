"""organization_eligibility: who may take a purchase-of-services contract on a given day, and why not."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from registry import services
from registry.models import AnnualInspection, CreditListing, Organization, Rating
from registry.selectors import (
    Eligibility,
    organization_eligibility,
    organization_facts,
    organization_get,
    organization_list,
)
from tests.factories import (
    AnnualInspectionFactory,
    CreditListingFactory,
    DepartmentFactory,
    OrganizationFactory,
    RatingFactory,
    RegistrarFactory,
    SuperuserFactory,
    region,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 11, 1)


@pytest.fixture
def registrar():
    return RegistrarFactory(department=DepartmentFactory(region=region("150100")))


@pytest.fixture
def clean():
    """Active, inspected as 合格, with a grade valid until 2029: nothing to say about it."""
    organization = OrganizationFactory()
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    AnnualInspectionFactory(organization=organization, year=2025, decided_on=datetime.date(2026, 5, 31))
    return organization


def test_clean_organization_is_eligible_without_reasons(clean):
    result = organization_eligibility(clean, on=ON)
    assert result == Eligibility(eligible=True, refusals=(), warnings=())
    assert result.reasons == ()


def test_eligibility_is_a_frozen_dataclass(clean):
    result = organization_eligibility(clean, on=ON)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.eligible = False


def test_on_defaults_to_today(clean):
    assert organization_eligibility(clean) == organization_eligibility(clean, on=timezone.localdate())
    CreditListingFactory(organization=clean, listed_on=timezone.localdate(), reason="通过登记的住所无法联系")
    assert organization_eligibility(clean).warnings == (
        f"{timezone.localdate().isoformat()} 起列入活动异常名录：通过登记的住所无法联系",
    )


def test_deregistered_organization_is_ineligible(clean, registrar):
    services.organization_change_status(
        actor=registrar,
        organization=clean,
        status=Organization.Status.DEREGISTERED,
        changed_on=datetime.date(2026, 3, 1),
        reason="理事会决议解散",
    )
    result = organization_eligibility(clean, on=ON)
    assert not result.eligible
    assert result.refusals == ("2026-03-01 起登记状态为注销：理事会决议解散",)
    assert result.warnings == ()


def test_revoked_organization_is_ineligible(clean, registrar):
    services.organization_change_status(
        actor=registrar,
        organization=clean,
        status=Organization.Status.REVOKED,
        changed_on=datetime.date(2026, 4, 2),
        reason="弄虚作假骗取登记",
    )
    result = organization_eligibility(clean, on=ON)
    assert not result.eligible
    assert result.refusals == ("2026-04-02 起登记状态为撤销登记：弄虚作假骗取登记",)


def test_status_without_a_recorded_date_still_refuses():
    organization = OrganizationFactory(status=Organization.Status.REVOKED)
    assert organization_eligibility(organization, on=ON).refusals == ("登记状态为撤销登记",)


def test_serious_listing_makes_it_ineligible(clean):
    CreditListingFactory(
        organization=clean,
        list_kind=CreditListing.List.SERIOUS,
        listed_on=datetime.date(2026, 7, 1),
        reason="被处以5万元以上罚款",
    )
    result = organization_eligibility(clean, on=ON)
    assert not result.eligible
    assert result.refusals == ("2026-07-01 起列入严重违法失信名单：被处以5万元以上罚款",)
    assert result.reasons == result.refusals


def test_abnormal_listing_is_a_warning(clean):
    CreditListingFactory(organization=clean, listed_on=datetime.date(2026, 7, 1), reason="未按规定报送年度工作报告")
    result = organization_eligibility(clean, on=ON)
    assert result.eligible
    assert result.refusals == ()
    assert result.warnings == ("2026-07-01 起列入活动异常名录：未按规定报送年度工作报告",)


def test_failed_last_inspection_is_a_warning(clean):
    AnnualInspectionFactory(
        organization=clean, year=2024, result=AnnualInspection.Result.PASSED, decided_on=datetime.date(2025, 5, 31)
    )
    clean.inspections.filter(year=2025).update(result=AnnualInspection.Result.FAILED)
    result = organization_eligibility(clean, on=ON)
    assert result.eligible
    assert result.warnings == ("2025 年度年检结论为不合格（2026-05-31 作出）",)


def test_an_older_failed_inspection_no_longer_warns(clean):
    AnnualInspectionFactory(
        organization=clean, year=2024, result=AnnualInspection.Result.FAILED, decided_on=datetime.date(2025, 5, 31)
    )
    assert organization_eligibility(clean, on=ON).warnings == ()


def test_no_rating_is_a_warning():
    organization = OrganizationFactory()
    result = organization_eligibility(organization, on=ON)
    assert result.eligible
    assert result.warnings == ("未取得社会组织评估等级",)


def test_expired_rating_is_a_warning_naming_its_end():
    organization = OrganizationFactory()
    RatingFactory(organization=organization, grade=Rating.Grade.A3, awarded_on=datetime.date(2020, 3, 1))
    result = organization_eligibility(organization, on=ON)
    assert result.eligible
    assert result.warnings == ("评估等级3A已于 2025-03-01 到期，2026-11-01 无有效评估等级",)


def test_an_expired_rating_followed_by_a_valid_one_is_fine():
    organization = OrganizationFactory()
    RatingFactory(organization=organization, awarded_on=datetime.date(2019, 3, 1))
    RatingFactory(organization=organization, awarded_on=datetime.date(2025, 3, 1))
    assert organization_eligibility(organization, on=ON).warnings == ()


def test_every_reason_is_reported_together():
    organization = OrganizationFactory()
    AnnualInspectionFactory(organization=organization, result=AnnualInspection.Result.FAILED)
    CreditListingFactory(organization=organization, listed_on=datetime.date(2026, 7, 1))
    CreditListingFactory(
        organization=organization, list_kind=CreditListing.List.SERIOUS, listed_on=datetime.date(2026, 8, 1)
    )
    result = organization_eligibility(organization, on=ON)
    assert not result.eligible
    assert len(result.refusals) == 1
    assert len(result.warnings) == 3
    assert result.reasons == result.refusals + result.warnings


# --- the state on a past day ---------------------------------------------------------------------------------------


def test_listing_removed_before_on_no_longer_counts(clean, registrar):
    listing = CreditListingFactory(
        organization=clean, list_kind=CreditListing.List.SERIOUS, listed_on=datetime.date(2026, 1, 10)
    )
    services.credit_listing_remove(
        actor=registrar, listing=listing, removed_on=datetime.date(2026, 6, 1), reason="行政复议撤销列入决定"
    )
    assert organization_eligibility(clean, on=datetime.date(2026, 6, 1)).eligible
    assert organization_eligibility(clean, on=ON).reasons == ()
    during = organization_eligibility(clean, on=datetime.date(2026, 5, 31))
    assert not during.eligible
    assert during.refusals[0].startswith("2026-01-10 起列入严重违法失信名单")


def test_listing_made_after_on_does_not_count_yet(clean):
    CreditListingFactory(organization=clean, listed_on=datetime.date(2026, 7, 1))
    assert organization_eligibility(clean, on=datetime.date(2026, 6, 30)).warnings == ()
    assert organization_eligibility(clean, on=datetime.date(2026, 7, 1)).warnings != ()


def test_rating_valid_on_a_past_day():
    organization = OrganizationFactory()
    RatingFactory(organization=organization, awarded_on=datetime.date(2019, 6, 1))  # valid until 2024-06-01
    assert organization_eligibility(organization, on=datetime.date(2024, 5, 31)).warnings == ()
    assert organization_eligibility(organization, on=datetime.date(2024, 6, 1)).warnings == (
        "评估等级4A已于 2024-06-01 到期，2024-06-01 无有效评估等级",
    )
    assert organization_eligibility(organization, on=datetime.date(2019, 5, 31)).warnings == ("未取得社会组织评估等级",)


def test_inspection_decided_after_on_is_not_yet_known(clean):
    AnnualInspectionFactory(
        organization=clean, year=2026, result=AnnualInspection.Result.FAILED, decided_on=datetime.date(2027, 5, 31)
    )
    assert organization_eligibility(clean, on=ON).warnings == ()
    assert organization_eligibility(clean, on=datetime.date(2027, 6, 1)).warnings == (
        "2026 年度年检结论为不合格（2027-05-31 作出）",
    )


def test_deregistration_after_on_sees_the_earlier_status(clean, registrar):
    services.organization_change_status(
        actor=registrar,
        organization=clean,
        status=Organization.Status.DEREGISTERED,
        changed_on=datetime.date(2026, 3, 1),
        reason="理事会决议解散",
    )
    assert organization_eligibility(clean, on=datetime.date(2026, 2, 28)).eligible
    assert not organization_eligibility(clean, on=datetime.date(2026, 3, 1)).eligible


def test_revocation_set_aside_is_read_per_day(clean, registrar):
    for status, changed_on, reason in [
        (Organization.Status.REVOKED, datetime.date(2026, 3, 1), "弄虚作假骗取登记"),
        (Organization.Status.NORMAL, datetime.date(2026, 5, 1), "行政复议撤销原决定"),
    ]:
        services.organization_change_status(
            actor=registrar, organization=clean, status=status, changed_on=changed_on, reason=reason
        )
    assert organization_eligibility(clean, on=datetime.date(2026, 2, 1)).eligible
    during = organization_eligibility(clean, on=datetime.date(2026, 4, 1))
    assert during.refusals == ("2026-03-01 起登记状态为撤销登记：弄虚作假骗取登记",)
    assert organization_eligibility(clean, on=ON).eligible


def test_not_yet_established_on_the_day_is_refused(clean):
    result = organization_eligibility(clean, on=datetime.date(2015, 5, 31))
    assert not result.eligible
    assert result.refusals == ("2015-06-01 成立，2015-05-31 尚未成立",)


# --- the directory selectors (organization_list, organization_get) -------------------------------------------------


def directory_rows(user=None):
    return [
        (
            organization.name,
            organization.region.name,
            organization.registration_authority.name,
            organization.current_grade,
            organization.current_grade_valid_until,
            organization.on_credit_list,
            organization.on_serious_list,
            organization.user_can_manage,
        )
        for organization in organization_facts(list(organization_list(user=user)))
    ]


def test_directory_annotations():
    today = timezone.localdate()
    rated = OrganizationFactory(name="甲")
    RatingFactory(organization=rated, grade=Rating.Grade.A3, awarded_on=datetime.date(2020, 1, 1))  # expired
    current = RatingFactory(organization=rated, grade=Rating.Grade.A5, awarded_on=today - datetime.timedelta(days=30))
    listed = OrganizationFactory(name="乙")
    CreditListingFactory(organization=listed, listed_on=datetime.date(2026, 7, 1))
    CreditListingFactory(
        organization=listed,
        list_kind=CreditListing.List.SERIOUS,
        listed_on=datetime.date(2025, 1, 1),
        removed_on=datetime.date(2025, 6, 1),
        removal_reason="行政复议撤销",
    )
    serious = OrganizationFactory(name="丙")
    CreditListingFactory(
        organization=serious, list_kind=CreditListing.List.SERIOUS, listed_on=datetime.date(2026, 1, 1)
    )
    rows = {organization.name: organization for organization in organization_facts(list(organization_list()))}
    assert list(rows) == ["丙", "甲", "乙"]  # ordered by the pinyin of the name: bing, jia, yi
    assert (rows["甲"].current_grade, rows["甲"].current_grade_valid_until) == ("5A", current.valid_until)
    assert (rows["甲"].on_credit_list, rows["甲"].on_serious_list) == (False, False)
    assert rows["乙"].current_grade is None
    assert (rows["乙"].on_credit_list, rows["乙"].on_serious_list) == (True, False)
    assert (rows["丙"].on_credit_list, rows["丙"].on_serious_list) == (True, True)


def test_directory_marks_what_the_user_may_manage():
    hohhot = OrganizationFactory(name="甲", region=region("150102"))
    baotou = OrganizationFactory(name="乙", region=region("150202"))
    registrar = RegistrarFactory(department=DepartmentFactory(region=region("150100")))
    managed = {organization.name: organization.user_can_manage for organization in organization_list(user=registrar)}
    assert managed == {hohhot.name: True, baotou.name: False}
    assert not any(organization.user_can_manage for organization in organization_list())
    assert all(organization.user_can_manage for organization in organization_list(user=SuperuserFactory()))


def test_directory_query_count_does_not_grow_with_rows(django_assert_num_queries):
    registrar = RegistrarFactory(department=DepartmentFactory(region=region("150100")))
    registrar.department.region  # noqa: B018 (the user's region is read once per request)

    def add_rows(count):
        for _ in range(count):
            organization = OrganizationFactory()
            RatingFactory(organization=organization)
            CreditListingFactory(organization=organization)

    # The rows, then their figures (organization_facts): two queries however many rows.
    add_rows(2)
    with django_assert_num_queries(2):
        assert len(directory_rows(registrar)) == 2
    add_rows(8)
    with django_assert_num_queries(2):
        assert len(directory_rows(registrar)) == 10


def test_organization_get_normalizes_the_code():
    organization = OrganizationFactory()
    RatingFactory(organization=organization, awarded_on=timezone.localdate())
    found = organization_get(uscc=f" {organization.uscc.lower()} ")
    assert found == organization
    assert found.current_grade == "4A"
    with pytest.raises(Organization.DoesNotExist):
        organization_get(uscc="51100000500002862F")
