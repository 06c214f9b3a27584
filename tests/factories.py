"""factory_boy factories with Faker's zh_CN locale, including one factory per role."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from registry.models import AnnualInspection, CreditListing, Department, Organization, Rating, Region
from registry.uscc import make_uscc

factory.Faker._DEFAULT_LOCALE = "zh_CN"

_entity_counter = itertools.count(1)


class RegionFactory(DjangoModelFactory):
    """A region; pass `parent` to place it below another. Codes are made up in the 99xxxx range."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = Region.Level.PROVINCE
    parent = None
    path = factory.LazyAttribute(lambda o: (o.parent.path if o.parent else "") + o.code + "/")


def region(code: str) -> Region:
    """A region loaded by `load_regions` (the tests' database has them all: see conftest)."""
    return Region.objects.get(code=code)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试民政局{n}")
    code = factory.Sequence(lambda n: f"D{n:05d}")
    region = factory.LazyFunction(lambda: region("150100"))
    kind = Department.Kind.CIVIL_AFFAIRS


class PurchasingDepartmentFactory(DepartmentFactory):
    name = factory.Sequence(lambda n: f"测试卫生健康委员会{n}")
    kind = Department.Kind.PURCHASER


def next_uscc(category: str = "2", region_code: str = "150100") -> str:
    return make_uscc(category, region_code, f"MJ{next(_entity_counter):06d}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试社会工作服务中心{n}")
    org_type = Organization.Type.SERVICE
    region = factory.LazyFunction(lambda: region("150100"))
    uscc = factory.LazyAttribute(lambda o: next_uscc(Organization.TYPE_CATEGORY_DIGIT[o.org_type], o.region.code))
    registration_authority = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..region"))
    supervisory_unit = ""
    legal_representative = factory.Faker("name")
    registered_funds = Decimal("30000.00")
    established_on = datetime.date(2015, 6, 1)
    domicile = factory.Faker("address")
    business_scope = "社会工作服务、养老服务"
    contact_phone = factory.Faker("phone_number")
    contact_email = factory.Faker("email")
    status = Organization.Status.NORMAL


class AnnualInspectionFactory(DjangoModelFactory):
    class Meta:
        model = AnnualInspection

    organization = factory.SubFactory(OrganizationFactory)
    year = 2025
    result = AnnualInspection.Result.PASSED
    decided_on = datetime.date(2026, 5, 31)


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = Rating

    organization = factory.SubFactory(OrganizationFactory)
    grade = Rating.Grade.A4
    score = Decimal("860.00")
    awarded_on = datetime.date(2024, 3, 1)
    valid_until = factory.LazyAttribute(lambda o: Rating.validity_end(o.awarded_on))
    awarding_authority = factory.LazyAttribute(lambda o: o.organization.registration_authority)


class CreditListingFactory(DjangoModelFactory):
    class Meta:
        model = CreditListing

    organization = factory.SubFactory(OrganizationFactory)
    list_kind = CreditListing.List.ABNORMAL
    reason = "未按规定报送年度工作报告"
    listed_on = datetime.date(2026, 7, 1)
    deciding_authority = factory.LazyAttribute(lambda o: o.organization.registration_authority)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    email = factory.Faker("email")
    password = factory.django.Password("pass-qiyue-123")


class RegistrarFactory(UserFactory):
    is_registrar = True
    department = factory.SubFactory(DepartmentFactory)


class PurchaserFactory(UserFactory):
    is_purchaser = True
    department = factory.SubFactory(PurchasingDepartmentFactory)


class OrganizationMemberFactory(UserFactory):
    organization = factory.SubFactory(OrganizationFactory)


class EvaluatorFactory(UserFactory):
    is_evaluator = True


class SuperuserFactory(UserFactory):
    is_superuser = True
    is_staff = True
