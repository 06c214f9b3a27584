"""Every write to the registry: registration, changes, status, annual inspections, ratings and credit lists.

Each service checks the actor's permission first (registry.permissions), validates the rules of the domain and the
model (`full_clean()`), and saves with simple-history recording who acted and why. Broken rules raise a
ValidationError keyed by the service's parameter names, so a form can show each message next to its field; missing
rights raise PermissionDenied.

`actor=None` stands for an automated process (for instance supervision's escalation of an overdue rectification order
to the activity-abnormal list). It is accepted only where the service names the deciding authority explicitly
(registration, rating, credit listing and removal); the permission check is skipped, the history row carries no
user, and its change reason says that the system acted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.permissions import is_registrar, is_superuser
from core.services import require, save, today
from registry.models import AnnualInspection, CreditListing, Department, Organization, Rating, Region
from registry.permissions import can_edit_contact, can_manage_organization, can_register_in_region
from registry.uscc import normalize_uscc, validate_uscc

# Fields an organization's own members may change; everything else is kept by its registrars.
CONTACT_FIELDS = ("contact_phone", "contact_email")

# Fields set at registration and changeable with organization_update (status has its own service).
REGISTRATION_FIELDS = (
    "name",
    "uscc",
    "org_type",
    "registration_authority",
    "supervisory_unit",
    "legal_representative",
    "registered_funds",
    "established_on",
    "domicile",
    "region",
    "business_scope",
    "contact_phone",
    "contact_email",
    "certificate_valid_until",
)

Errors = dict[str, list[ValidationError]]


# --- helpers -------------------------------------------------------------------------------------------------------


def _require_actor(actor, message: str) -> None:
    """Services without an explicit deciding authority are always done by a person."""
    require(actor is not None, message)


def _add(errors: Errors, field: str, message: str, code: str) -> None:
    errors[field].append(ValidationError(message, code=code))


def _full_clean(instance: models.Model, errors: Errors) -> None:
    """Run the model's own validation on the fields not already refused, then raise everything found."""
    try:
        instance.full_clean(exclude=[field for field in errors if field != NON_FIELD_ERRORS])
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors[field].extend(field_errors)
    if errors:
        raise ValidationError(dict(errors))


def _check_not_future(errors: Errors, field: str, day: datetime.date | None, label: str) -> None:
    if day is not None and day > today():
        _add(
            errors,
            field,
            _("%(label)s%(day)s晚于今天，不能登记将来的日期") % {"label": label, "day": day.isoformat()},
            "future",
        )


def _check_not_before_establishment(
    errors: Errors, field: str, day: datetime.date | None, organization: Organization, label: str
) -> None:
    if day is not None and organization.established_on and day < organization.established_on:
        _add(
            errors,
            field,
            _("%(label)s%(day)s早于该组织的成立日期%(established)s")
            % {"label": label, "day": day.isoformat(), "established": organization.established_on.isoformat()},
            "before_establishment",
        )


def _is_negative(amount) -> bool:
    """True for a negative number; values that are not numbers are left to the model's field validation."""
    try:
        return amount is not None and Decimal(str(amount)) < 0
    except (InvalidOperation, ValueError):
        return False


def _type_label(org_type: str) -> str:
    return str(Organization.Type(org_type).label)


def _region_label(region: Region) -> str:
    return region.full_name or region.name


def _actor_department(actor) -> Department | None:
    if actor is None or getattr(actor, "department_id", None) is None:
        return None
    return actor.department


# --- organizations -------------------------------------------------------------------------------------------------


def _validate_registration(organization: Organization, changed: set[str]) -> Errors:
    """The registry's rules for the fields in `changed` (all of them at registration)."""
    errors: Errors = defaultdict(list)
    org_type_known = organization.org_type in Organization.TYPE_CATEGORY_DIGIT

    if changed & {"uscc", "org_type"}:
        category = {}
        if org_type_known:
            category = {
                "category": Organization.TYPE_CATEGORY_DIGIT[organization.org_type],
                "category_label": _type_label(organization.org_type),
            }
        try:
            organization.uscc = validate_uscc(organization.uscc or "", **category)
        except ValidationError as exc:
            errors["uscc"].extend(exc.error_list)
        else:
            holder = Organization.objects.filter(uscc=organization.uscc).exclude(pk=organization.pk).first()
            if holder is not None:
                _add(
                    errors,
                    "uscc",
                    _("统一社会信用代码%(code)s已由“%(name)s”登记，同一代码不能登记两次")
                    % {"code": organization.uscc, "name": holder.name},
                    "duplicate",
                )

    authority = organization.registration_authority if organization.registration_authority_id else None
    region = organization.region if organization.region_id else None
    if authority is None:
        _add(errors, "registration_authority", _("请选择登记管理机关"), "required")
    elif changed & {"registration_authority", "region", "org_type"}:
        if authority.kind != Department.Kind.CIVIL_AFFAIRS:
            _add(
                errors,
                "registration_authority",
                _("登记管理机关应为民政部门，“%(name)s”不是民政部门") % {"name": authority.name},
                "not_civil_affairs",
            )
        elif region is not None and not authority.region.covers(region):
            _add(
                errors,
                "registration_authority",
                _("登记管理机关“%(authority)s”的辖区不包括%(region)s")
                % {"authority": authority.name, "region": _region_label(region)},
                "authority_region",
            )
        elif organization.org_type == Organization.Type.FOUNDATION and authority.region.level not in (
            Region.Level.NATIONAL,
            Region.Level.PROVINCE,
        ):
            _add(
                errors,
                "registration_authority",
                _("基金会只能由国务院民政部门或省级民政部门登记，“%(name)s”不能登记基金会") % {"name": authority.name},
                "foundation_authority",
            )

    if "established_on" in changed:
        _check_not_future(errors, "established_on", organization.established_on, _("成立日期"))
    if "registered_funds" in changed and _is_negative(organization.registered_funds):
        _add(errors, "registered_funds", _("注册资金不能为负数"), "negative")
    if changed & {"certificate_valid_until", "established_on"}:
        valid_until, established_on = organization.certificate_valid_until, organization.established_on
        if valid_until is not None and established_on is not None and valid_until < established_on:
            _add(
                errors,
                "certificate_valid_until",
                _("证书有效期至%(until)s早于成立日期%(established)s")
                % {"until": valid_until.isoformat(), "established": established_on.isoformat()},
                "before_establishment",
            )
    return errors


@transaction.atomic
def organization_register(
    *,
    actor,
    name: str,
    uscc: str,
    org_type: str,
    region: Region | None,
    legal_representative: str,
    registered_funds: Decimal,
    established_on: datetime.date,
    domicile: str,
    registration_authority: Department | None = None,
    supervisory_unit: str = "",
    business_scope: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    certificate_valid_until: datetime.date | None = None,
) -> Organization:
    """Register a social organization in `region`; the registration authority defaults to the actor's department."""
    if actor is not None:
        if region is None:
            require(is_registrar(actor) or is_superuser(actor), _("只有登记管理机关工作人员可以登记社会组织"))
        else:
            require(
                can_register_in_region(actor, region),
                _("您无权在%(region)s登记社会组织") % {"region": _region_label(region)},
            )
    if registration_authority is None:
        registration_authority = _actor_department(actor)

    organization = Organization(
        name=name,
        uscc=uscc,
        org_type=org_type,
        registration_authority=registration_authority,
        supervisory_unit=supervisory_unit,
        legal_representative=legal_representative,
        registered_funds=registered_funds,
        established_on=established_on,
        domicile=domicile,
        region=region,
        business_scope=business_scope,
        contact_phone=contact_phone,
        contact_email=contact_email,
        certificate_valid_until=certificate_valid_until,
        status=Organization.Status.NORMAL,
    )
    errors = _validate_registration(organization, set(REGISTRATION_FIELDS))
    _full_clean(organization, errors)
    save(organization, actor=actor, clean=False)
    return organization


@transaction.atomic
def organization_update(*, actor, organization: Organization, **fields) -> Organization:
    """Change registration data (registrars) or contact data (the organization's members).

    Only fields that actually change are saved; the history row's reason names them. The registration status is
    changed with organization_change_status, never here.
    """
    unknown = sorted(set(fields) - set(REGISTRATION_FIELDS))
    if unknown:
        raise TypeError(f"organization_update() cannot change {', '.join(unknown)}")
    _require_actor(actor, _("修改登记信息需要由经办人办理"))
    if can_manage_organization(actor, organization):
        new_region = fields.get("region")
        if "region" in fields and new_region is not None and new_region != organization.region:
            require(
                can_register_in_region(actor, new_region),
                _("您无权将社会组织迁入%(region)s") % {"region": _region_label(new_region)},
            )
    elif can_edit_contact(actor, organization):
        require(not set(fields) - set(CONTACT_FIELDS), _("社会组织成员只能修改本组织的联系电话和联系邮箱"))
    else:
        raise PermissionDenied(_("您无权修改该社会组织的信息"))

    if isinstance(fields.get("uscc"), str):
        fields["uscc"] = normalize_uscc(fields["uscc"])
    changed = {field for field, value in fields.items() if getattr(organization, field) != value}
    if not changed:
        return organization
    for field in changed:
        setattr(organization, field, fields[field])
    errors = _validate_registration(organization, changed)
    _full_clean(organization, errors)
    with translation.override(settings.LANGUAGE_CODE):
        items = "、".join(
            str(Organization._meta.get_field(field).verbose_name) for field in REGISTRATION_FIELDS if field in changed
        )
        reason = _("变更：%(items)s") % {"items": items}
    save(organization, actor=actor, reason=reason, clean=False)
    return organization


@transaction.atomic
def organization_change_status(
    *, actor, organization: Organization, status: str, changed_on: datetime.date | None, reason: str
) -> Organization:
    """Deregister (注销), revoke (撤销登记) or restore (正常) an organization, with the date and reason on record."""
    _require_actor(actor, _("变更登记状态需要由登记管理机关工作人员办理"))
    require(can_manage_organization(actor, organization), _("您无权变更该社会组织的登记状态"))
    errors: Errors = defaultdict(list)
    if status not in Organization.Status.values:
        _add(errors, "status", _("未知的登记状态：%(status)s") % {"status": status}, "invalid")
    elif status == organization.status:
        _add(
            errors,
            "status",
            _("该社会组织的登记状态已经是“%(status)s”，无需变更") % {"status": organization.get_status_display()},
            "unchanged",
        )
    if changed_on is None:
        _add(errors, "changed_on", _("请填写状态变更日期"), "required")
    else:
        _check_not_future(errors, "changed_on", changed_on, _("状态变更日期"))
        _check_not_before_establishment(errors, "changed_on", changed_on, organization, _("状态变更日期"))
        previous = organization.status_changed_on
        if previous is not None and changed_on < previous:
            _add(
                errors,
                "changed_on",
                _("状态变更日期%(day)s早于上一次状态变更的日期%(previous)s")
                % {"day": changed_on.isoformat(), "previous": previous.isoformat()},
                "before_previous",
            )
    if not (reason or "").strip():
        _add(errors, "reason", _("请填写状态变更原因"), "required")
    if errors:
        raise ValidationError(dict(errors))

    organization.status = status
    organization.status_changed_on = changed_on
    organization.status_reason = reason.strip()
    _full_clean(organization, errors)
    save(organization, actor=actor, reason=organization.status_reason, clean=False)
    return organization


# --- annual inspections and ratings --------------------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor,
    organization: Organization,
    year: int,
    result: str,
    decided_on: datetime.date | None,
    note: str = "",
) -> AnnualInspection:
    """Record one year's annual inspection result (合格 / 基本合格 / 不合格); each year is recorded once."""
    _require_actor(actor, _("登记年检结论需要由登记管理机关工作人员办理"))
    require(can_manage_organization(actor, organization), _("您无权登记该社会组织的年检结论"))
    errors: Errors = defaultdict(list)
    if year is not None:
        recorded = organization.inspections.filter(year=year).first()
        if recorded is not None:
            _add(
                errors,
                "year",
                _("%(year)d年度的年检结论已经登记（%(result)s，%(day)s作出），每个年度只能登记一次")
                % {"year": year, "result": recorded.get_result_display(), "day": recorded.decided_on.isoformat()},
                "duplicate",
            )
        elif organization.established_on and year < organization.established_on.year:
            _add(
                errors,
                "year",
                _("该组织%(established)s成立，不能登记%(year)d年度的年检")
                % {"established": organization.established_on.isoformat(), "year": year},
                "before_establishment",
            )
    if decided_on is None:
        _add(errors, "decided_on", _("请填写决定日期"), "required")
    else:
        _check_not_future(errors, "decided_on", decided_on, _("决定日期"))
        if year is not None and decided_on.year <= year and "year" not in errors:
            _add(
                errors,
                "decided_on",
                _("%(year)d年度的年检在次年作出决定，决定日期%(day)s不在%(year)d年之后")
                % {"year": year, "day": decided_on.isoformat()},
                "too_early",
            )
    inspection = AnnualInspection(
        organization=organization, year=year, result=result, decided_on=decided_on, note=note or ""
    )
    _full_clean(inspection, errors)
    save(inspection, actor=actor, clean=False)
    return inspection


@transaction.atomic
def rating_award(
    *,
    actor,
    organization: Organization,
    grade: str,
    awarded_on: datetime.date | None,
    score: Decimal | None = None,
    awarding_authority: Department | None = None,
) -> Rating:
    """Award an evaluation grade (1A-5A), valid for five years; the authority defaults to the actor's department."""
    errors: Errors = defaultdict(list)
    if actor is None:
        if awarding_authority is None:
            raise ValidationError({"awarding_authority": _("系统自动评定等级时必须指明评定机关")})
    else:
        require(can_manage_organization(actor, organization), _("您无权评定该社会组织的等级"))
        awarding_authority = awarding_authority or _actor_department(actor)
    if awarding_authority is None:
        _add(errors, "awarding_authority", _("请选择评定机关"), "required")
    if awarded_on is None:
        _add(errors, "awarded_on", _("请填写评定日期"), "required")
    else:
        _check_not_future(errors, "awarded_on", awarded_on, _("评定日期"))
        _check_not_before_establishment(errors, "awarded_on", awarded_on, organization, _("评定日期"))
        if not organization.is_active and (
            organization.status_changed_on is None or awarded_on >= organization.status_changed_on
        ):
            _add(
                errors,
                "awarded_on",
                _("该社会组织的登记状态为“%(status)s”，不能评定等级") % {"status": organization.get_status_display()},
                "inactive",
            )
    if _is_negative(score):
        _add(errors, "score", _("评估得分不能为负数"), "negative")
    rating = Rating(
        organization=organization,
        grade=grade,
        score=score,
        awarded_on=awarded_on,
        valid_until=Rating.validity_end(awarded_on) if awarded_on else None,
        awarding_authority=awarding_authority,
    )
    _full_clean(rating, errors)
    save(rating, actor=actor, clean=False)
    return rating


# --- credit lists --------------------------------------------------------------------------------------------------


@transaction.atomic
def credit_listing_add(
    *,
    actor,
    organization: Organization,
    list_kind: str,
    reason: str,
    listed_on: datetime.date | None,
    deciding_authority: Department | None = None,
) -> CreditListing:
    """List an organization on the activity-abnormal list or the serious-violation list.

    A second listing on a list the organization is still on is refused; after a removal it may be listed again.
    """
    errors: Errors = defaultdict(list)
    if actor is None:
        if deciding_authority is None:
            raise ValidationError({"deciding_authority": _("系统自动列入信用名单时必须指明作出决定的机关")})
    else:
        require(can_manage_organization(actor, organization), _("您无权将该社会组织列入信用名单"))
        deciding_authority = deciding_authority or _actor_department(actor)
    if deciding_authority is None:
        _add(errors, "deciding_authority", _("请选择作出决定的机关"), "required")

    if list_kind in CreditListing.List.values:
        list_label = str(CreditListing.List(list_kind).label)
        open_listing = organization.credit_listings.filter(list_kind=list_kind, removed_on__isnull=True).first()
        if open_listing is not None:
            _add(
                errors,
                "list_kind",
                _("该社会组织已于%(day)s列入%(list)s（%(reason)s），尚未移出，不能重复列入")
                % {"day": open_listing.listed_on.isoformat(), "list": list_label, "reason": open_listing.reason},
                "already_listed",
            )
        elif listed_on is not None:
            overlapping = (
                organization.credit_listings.filter(list_kind=list_kind, removed_on__gt=listed_on)
                .order_by("-removed_on")
                .first()
            )
            if overlapping is not None:
                _add(
                    errors,
                    "listed_on",
                    _("该社会组织%(listed)s至%(removed)s期间已在%(list)s中，新的列入日期不能早于%(removed)s")
                    % {
                        "listed": overlapping.listed_on.isoformat(),
                        "removed": overlapping.removed_on.isoformat(),
                        "list": list_label,
                    },
                    "overlap",
                )
    if listed_on is None:
        _add(errors, "listed_on", _("请填写列入日期"), "required")
    else:
        _check_not_future(errors, "listed_on", listed_on, _("列入日期"))
        _check_not_before_establishment(errors, "listed_on", listed_on, organization, _("列入日期"))
    if not (reason or "").strip():
        _add(errors, "reason", _("请填写列入事由"), "required")

    listing = CreditListing(
        organization=organization,
        list_kind=list_kind,
        reason=(reason or "").strip(),
        listed_on=listed_on,
        deciding_authority=deciding_authority,
    )
    _full_clean(listing, errors)
    save(listing, actor=actor, reason=listing.reason, clean=False)
    return listing


@transaction.atomic
def credit_listing_remove(
    *,
    actor,
    listing: CreditListing,
    removed_on: datetime.date | None,
    reason: str,
    removed_by: Department | None = None,
) -> CreditListing:
    """Remove an organization from a credit list: the removal is written on the listing's row, history keeps both."""
    errors: Errors = defaultdict(list)
    if actor is None:
        if removed_by is None:
            raise ValidationError({"removed_by": _("系统自动移出信用名单时必须指明作出决定的机关")})
    else:
        require(can_manage_organization(actor, listing.organization), _("您无权将该社会组织移出信用名单"))
        removed_by = removed_by or _actor_department(actor)
    # Lock the row so two removals of one listing cannot both pass the check below.
    list(CreditListing.objects.select_for_update().filter(pk=listing.pk).values_list("pk", flat=True))
    listing.refresh_from_db()
    if not listing.is_open:
        raise ValidationError(
            _("该记录已于%(day)s移出%(list)s，不能再次移出")
            % {"day": listing.removed_on.isoformat(), "list": listing.get_list_kind_display()},
            code="already_removed",
        )
    if removed_by is None:
        _add(errors, "removed_by", _("请选择作出移出决定的机关"), "required")
    if removed_on is None:
        _add(errors, "removed_on", _("请填写移出日期"), "required")
    else:
        _check_not_future(errors, "removed_on", removed_on, _("移出日期"))
        if removed_on < listing.listed_on:
            _add(
                errors,
                "removed_on",
                _("移出日期%(removed)s早于列入日期%(listed)s")
                % {"removed": removed_on.isoformat(), "listed": listing.listed_on.isoformat()},
                "before_listing",
            )
    if not (reason or "").strip():
        _add(errors, "reason", _("请填写移出事由"), "required")
    if errors:
        raise ValidationError(dict(errors))

    listing.removed_on = removed_on
    listing.removal_reason = reason.strip()
    listing.removed_by = removed_by
    _full_clean(listing, errors)
    save(listing, actor=actor, reason=listing.removal_reason, clean=False)
    return listing
