"""Registry services on the credit lists: listing and removal as separate acts, their refusals' codes and their
history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import services
from registry.models import CreditListing
from tests.errors import codes
from tests.factories import CreditListingFactory, OrganizationFactory, SuperuserFactory, region
from tests.registry.conftest import registrar_in, today, tomorrow

pytestmark = pytest.mark.django_db


# --- credit_listing_add / credit_listing_remove --------------------------------------------------------------------


def test_listing_is_recorded_with_its_reason():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    listing = services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="未按规定报送年度工作报告",
        listed_on=datetime.date(2026, 7, 1),
    )
    assert listing.is_open
    assert listing.deciding_authority == registrar.department
    record = listing.history.get()
    assert record.history_user == registrar
    assert record.history_change_reason == "未按规定报送年度工作报告"


def test_second_open_listing_on_the_same_list_is_refused():
    registrar = registrar_in("150100")
    open_listing = CreditListingFactory(listed_on=datetime.date(2026, 7, 1), reason="未按规定报送年度工作报告")
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=registrar,
            organization=open_listing.organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="通过登记的住所无法联系",
            listed_on=datetime.date(2026, 8, 1),
        )
    assert codes(caught.value) == {"list_kind": ["already_listed"]}
    assert caught.value.message_dict["list_kind"] == [
        "该社会组织已于2026-07-01列入活动异常名录（未按规定报送年度工作报告），尚未移出，不能重复列入"
    ]
    # The other list is independent.
    serious = services.credit_listing_add(
        actor=registrar,
        organization=open_listing.organization,
        list_kind=CreditListing.List.SERIOUS,
        reason="被处以5万元以上罚款",
        listed_on=datetime.date(2026, 8, 1),
    )
    assert serious.is_open


def test_listing_again_after_removal_is_allowed_and_history_keeps_both_states():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    first = services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="未按规定报送年度工作报告",
        listed_on=datetime.date(2026, 3, 1),
    )
    removed = services.credit_listing_remove(
        actor=registrar, listing=first, removed_on=datetime.date(2026, 4, 10), reason="已补报年度工作报告"
    )
    assert removed.pk == first.pk and not first.is_open
    first.refresh_from_db()
    assert first.removed_on == datetime.date(2026, 4, 10)
    assert first.removal_reason == "已补报年度工作报告"
    assert first.removed_by == registrar.department

    states = list(first.history.order_by("history_date", "history_id"))
    assert [state.removed_on for state in states] == [None, datetime.date(2026, 4, 10)]
    assert [state.history_change_reason for state in states] == ["未按规定报送年度工作报告", "已补报年度工作报告"]

    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=registrar,
            organization=organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="通过登记的住所无法联系",
            listed_on=datetime.date(2026, 4, 1),
        )
    assert codes(caught.value) == {"listed_on": ["listing_overlap"]}
    assert caught.value.message_dict["listed_on"] == [
        "该社会组织2026-03-01至2026-04-10期间已在活动异常名录中，新的列入日期不能早于2026-04-10"
    ]
    again = services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="通过登记的住所无法联系",
        listed_on=datetime.date(2026, 9, 1),
    )
    assert again.pk != first.pk
    assert organization.credit_listings.count() == 2


def test_listing_date_is_not_in_the_future():
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=registrar_in("150100"),
            organization=OrganizationFactory(),
            list_kind=CreditListing.List.ABNORMAL,
            reason="未按规定报送年度工作报告",
            listed_on=tomorrow(),
        )
    assert codes(caught.value) == {"listed_on": ["date_in_future"]}
    assert caught.value.message_dict["listed_on"] == [f"列入日期{tomorrow().isoformat()}晚于今天，不能登记将来的日期"]


def test_removal_dates_and_a_second_removal_are_refused():
    registrar = registrar_in("150100")
    listing = CreditListingFactory(listed_on=datetime.date(2026, 7, 1))
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(
            actor=registrar, listing=listing, removed_on=datetime.date(2026, 6, 30), reason="已整改"
        )
    assert codes(caught.value) == {"removed_on": ["before_listing"]}
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=registrar, listing=listing, removed_on=tomorrow(), reason="已整改")
    assert codes(caught.value) == {"removed_on": ["date_in_future"]}
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=registrar, listing=listing, removed_on=today(), reason="")
    assert codes(caught.value) == {"reason": ["required"]}

    services.credit_listing_remove(
        actor=registrar, listing=listing, removed_on=datetime.date(2026, 7, 1), reason="已整改"
    )
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=registrar, listing=listing, removed_on=today(), reason="再次移出")
    assert codes(caught.value) == {"__all__": ["already_removed"]}
    assert caught.value.messages == ["该记录已于2026-07-01移出活动异常名录，不能再次移出"]
    listing.refresh_from_db()
    assert listing.removal_reason == "已整改"


def test_listing_and_removal_by_another_region_are_refused():
    listing = CreditListingFactory(organization=OrganizationFactory(region=region("150102")))
    outsider = registrar_in("150200")
    with pytest.raises(PermissionDenied) as caught:
        services.credit_listing_add(
            actor=outsider,
            organization=listing.organization,
            list_kind=CreditListing.List.SERIOUS,
            reason="被处以5万元以上罚款",
            listed_on=today(),
        )
    assert caught.value.code == "permission_denied"
    with pytest.raises(PermissionDenied) as caught:
        services.credit_listing_remove(actor=outsider, listing=listing, removed_on=today(), reason="已整改")
    assert str(caught.value) == "您无权将该社会组织移出信用名单"


def test_automated_listing_needs_an_authority_and_records_no_user():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=None,
            organization=organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="整改通知逾期未完成整改",
            listed_on=today(),
        )
    assert codes(caught.value) == {"deciding_authority": ["authority_required"]}

    authority = organization.registration_authority
    listing = services.credit_listing_add(
        actor=None,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="整改通知逾期未完成整改",
        listed_on=today(),
        deciding_authority=authority,
    )
    record = listing.history.get()
    assert record.history_user is None
    assert record.history_change_reason == "系统自动处理：整改通知逾期未完成整改"
    assert listing.deciding_authority == authority

    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=None, listing=listing, removed_on=today(), reason="已整改")
    assert codes(caught.value) == {"removed_by": ["authority_required"]}
    services.credit_listing_remove(
        actor=None, listing=listing, removed_on=today(), reason="已整改", removed_by=authority
    )
    latest = listing.history.latest()
    assert latest.history_user is None
    assert latest.history_change_reason == "系统自动处理：已整改"


def test_superuser_may_act_everywhere_but_names_the_authority():
    admin = SuperuserFactory()
    organization = OrganizationFactory(region=region("150402"))
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=admin,
            organization=organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="未按规定报送年度工作报告",
            listed_on=today(),
        )
    assert codes(caught.value) == {"deciding_authority": ["required"]}
    listing = services.credit_listing_add(
        actor=admin,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="未按规定报送年度工作报告",
        listed_on=today(),
        deciding_authority=organization.registration_authority,
    )
    assert listing.history.get().history_user == admin
