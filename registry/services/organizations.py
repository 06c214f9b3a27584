"""Registering an organization, changing its registration data, its name (the old one kept as a former name) and its
registration status."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_registrar, is_superuser
from core.services import Refusals, lock, render_message, require, save
from core.text import name_refusal
from registry.models import Department, FormerName, Organization, Region
from registry.permissions import can_edit_contact, can_manage_organization, can_register_in_region
from registry.services.common import actor_department, add_date_refusals, add_refusal, require_actor
from registry.services.rules import (
    authority_jurisdiction_refusal,
    authority_kind_refusal,
    certificate_refusal,
    funds_refusal,
    region_label,
)
from registry.uscc import normalize_uscc, validate_organization_uscc

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


def _registration_refusals(organization: Organization, changed: set[str]) -> Refusals:
    """The registry's rules for the fields in `changed` (all of them at registration); normalizes the code."""
    refusals = Refusals()

    # Names are stored normalized (NFKC, nothing invisible); bidi controls and names with nothing visible are refused.
    for field, label in (("name", _("名称")), ("legal_representative", _("法定代表人"))):
        if field in changed:
            value, error = name_refusal(getattr(organization, field), label=label)
            if error is None:
                setattr(organization, field, value)
            else:
                refusals.extend(error, field=field)

    if changed & {"uscc", "org_type"}:
        try:
            organization.uscc = validate_organization_uscc(organization.uscc or "", organization.org_type)
        except ValidationError as error:
            refusals.extend(error, field="uscc")
        else:
            holder = Organization.objects.filter(uscc=organization.uscc).exclude(pk=organization.pk).first()
            if holder is not None:
                # The message's param is called `code`: built directly rather than through Refusals.add(code=…).
                taken = ValidationError(
                    _("统一社会信用代码%(code)s已由“%(name)s”登记，同一代码不能登记两次"),
                    code="uscc_taken",
                    params={"code": organization.uscc, "name": holder.name},
                )
                refusals.extend(taken, field="uscc")

    authority = organization.registration_authority if organization.registration_authority_id else None
    region = organization.region if organization.region_id else None
    if authority is None:
        refusals.add("registration_authority", _("请选择登记管理机关"), code="required")
    elif changed & {"registration_authority", "region", "org_type"}:
        add_refusal(
            refusals,
            "registration_authority",
            authority_kind_refusal(authority)
            or authority_jurisdiction_refusal(authority, region, organization.org_type),
        )

    if "established_on" in changed and organization.established_on is not None:
        add_date_refusals(refusals, "established_on", organization.established_on, _("成立日期"))
    if "registered_funds" in changed:
        add_refusal(refusals, "registered_funds", funds_refusal(organization.registered_funds))
    if changed & {"certificate_valid_until", "established_on"}:
        add_refusal(
            refusals,
            "certificate_valid_until",
            certificate_refusal(organization.certificate_valid_until, organization.established_on),
        )
    return refusals


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
            require(
                is_registrar(actor) or is_superuser(actor),
                _("只有登记管理机关工作人员可以登记社会组织"),
                code="not_registrar",
            )
        else:
            require(
                can_register_in_region(actor, region),
                _("您无权在%(region)s登记社会组织"),
                code="region_not_covered",
                region=region_label(region),
            )
    if registration_authority is None:
        registration_authority = actor_department(actor)

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
    _registration_refusals(organization, set(REGISTRATION_FIELDS)).full_clean(organization)
    save(organization, actor=actor, clean=False)
    return organization


def _change_reason(changed: set[str]) -> str:
    """The history row's reason: the changed fields, named in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        items = "、".join(
            str(Organization._meta.get_field(field).verbose_name) for field in REGISTRATION_FIELDS if field in changed
        )
        return render_message(_("变更：%(items)s"), {"items": items})


@transaction.atomic
def organization_update(*, actor, organization: Organization, **fields) -> Organization:
    """Change registration data (registrars) or contact data (the organization's members).

    Only fields that actually change are saved; the history row's reason names them. The registration status is
    changed with organization_change_status, never here.
    """
    unknown = sorted(set(fields) - set(REGISTRATION_FIELDS))
    if unknown:
        raise TypeError(f"organization_update() cannot change {', '.join(unknown)}")
    require_actor(actor, _("修改登记信息需要由经办人办理"))
    if can_manage_organization(actor, organization):
        new_region = fields.get("region")
        if "region" in fields and new_region is not None and new_region != organization.region:
            require(
                can_register_in_region(actor, new_region),
                _("您无权将社会组织迁入%(region)s"),
                code="region_not_covered",
                region=region_label(new_region),
            )
    else:
        require(can_edit_contact(actor, organization), _("您无权修改该社会组织的信息"))
        require(
            not set(fields) - set(CONTACT_FIELDS),
            _("社会组织成员只能修改本组织的联系电话和联系邮箱"),
            code="contact_fields_only",
        )

    if isinstance(fields.get("uscc"), str):
        fields["uscc"] = normalize_uscc(fields["uscc"])
    changed = {field for field, value in fields.items() if getattr(organization, field) != value}
    if not changed:
        return organization
    for field in changed:
        setattr(organization, field, fields[field])
    _registration_refusals(organization, changed).full_clean(organization)
    save(organization, actor=actor, reason=_change_reason(changed), clean=False)
    return organization


@transaction.atomic
def organization_change_status(
    *, actor, organization: Organization, status: str, changed_on: datetime.date | None, reason: str
) -> Organization:
    """Deregister (注销), revoke (撤销登记) or restore (正常) an organization, with the date and reason on record."""
    require_actor(actor, _("变更登记状态需要由登记管理机关工作人员办理"))
    require(can_manage_organization(actor, organization), _("您无权变更该社会组织的登记状态"))
    refusals = Refusals()
    if status not in Organization.Status.values:
        refusals.add("status", _("未知的登记状态：%(status)s"), code="unknown_status", status=status)
    elif status == organization.status:
        refusals.add(
            "status",
            _("该社会组织的登记状态已经是“%(status)s”，无需变更"),
            code="status_unchanged",
            status=Organization.Status(status).label,
        )
    if changed_on is None:
        refusals.add("changed_on", _("请填写状态变更日期"), code="required")
    else:
        add_date_refusals(refusals, "changed_on", changed_on, _("状态变更日期"), organization=organization)
        previous = organization.status_changed_on
        if previous is not None and changed_on < previous:
            refusals.add(
                "changed_on",
                _("状态变更日期%(day)s早于上一次状态变更的日期%(previous)s"),
                code="before_previous",
                day=changed_on.isoformat(),
                previous=previous.isoformat(),
            )
    if not (reason or "").strip():
        refusals.add("reason", _("请填写状态变更原因"), code="required")
    refusals.raise_if_any()

    organization.status = status
    organization.status_changed_on = changed_on
    organization.status_reason = reason.strip()
    refusals.full_clean(organization)
    save(organization, actor=actor, reason=organization.status_reason, clean=False)
    return organization


@transaction.atomic
def organization_rename(
    *, actor, organization: Organization, name: str, changed_on: datetime.date | None
) -> Organization:
    """Record a change of name (名称变更) approved on `changed_on`: the old name is kept as a former name (曾用名) with
    that date, stays searchable and is shown on the organization's page.

    A correction of a misspelt name is organization_update; this service is for the organization's change of name.
    Codes: `name_unchanged`, `required`, the codes of core.text.name_refusal, `date_in_future`, `before_establishment`,
    `before_previous` (before the previous change of name).
    """
    require_actor(actor, _("名称变更需要由登记管理机关工作人员办理"))
    require(can_manage_organization(actor, organization), _("您无权变更该社会组织的名称"))
    lock(organization)
    refusals = Refusals()
    new_name, error = name_refusal(name or "", label=_("新名称"))
    if error is not None:
        refusals.extend(error, field="name")
    elif new_name == organization.name:
        refusals.add("name", _("新名称与现用名称相同，无需变更"), code="name_unchanged")
    previous = organization.former_names.order_by("-changed_on").values_list("changed_on", flat=True).first()
    if changed_on is None:
        refusals.add("changed_on", _("请填写名称变更日期"), code="required")
    else:
        add_date_refusals(refusals, "changed_on", changed_on, _("名称变更日期"), organization=organization)
        if previous is not None and changed_on < previous and "changed_on" not in refusals:
            refusals.add(
                "changed_on",
                _("名称变更日期%(day)s早于上一次名称变更的日期%(previous)s"),
                code="before_previous",
                day=changed_on.isoformat(),
                previous=previous.isoformat(),
            )
    refusals.raise_if_any()

    old_name = organization.name
    former = FormerName(organization=organization, name=old_name, changed_on=changed_on)
    with translation.override(settings.LANGUAGE_CODE):
        reason = render_message(_("名称变更：%(old)s → %(new)s"), {"old": old_name, "new": new_name})
    save(former, actor=actor, reason=reason)
    organization.name = new_name
    organization.former_names_text = "\n".join([old_name, *organization.former_name_list])
    refusals.full_clean(organization)
    save(organization, actor=actor, reason=reason, clean=False)
    return organization
