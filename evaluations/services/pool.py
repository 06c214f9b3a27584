"""The evaluator pool (评价专家库): its keepers (the registrars of the province) enter evaluators, edit them and take
them out; an evaluator keeps their own specialties and contact data. Every change is historied (the pool page and
each profile's page show the record: `selectors.evaluator_pool_changes`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import apply_fields, refuse, require, save
from evaluations import permissions
from evaluations.models import EvaluatorProfile
from evaluations.services.common import clean_text

PROFILE_FIELDS = ("specialties", "affiliation_organization", "affiliation", "contact_phone", "contact_email")
PROFILE_SELF_FIELDS = ("specialties", "contact_phone", "contact_email")
POOL_KEEPERS_ONLY = _("只有省级登记管理机关的工作人员可以维护评价专家库。")


@transaction.atomic
def evaluator_profile_create(
    *,
    actor,
    user,
    specialties: str = "",
    affiliation_organization=None,
    affiliation: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> EvaluatorProfile:
    """Enter a user holding the evaluator role into the pool."""
    require(permissions.can_manage_evaluator_pool(actor), POOL_KEEPERS_ONLY)
    if not user.is_evaluator:
        refuse("user", _("用户“%(user)s”没有评价专家角色。"), code="not_an_evaluator", user=str(user))
    if EvaluatorProfile.objects.filter(user=user).exists():
        refuse("user", _("用户“%(user)s”已在评价专家库中。"), code="already_in_pool", user=str(user))
    profile = EvaluatorProfile(
        user=user,
        specialties=clean_text(specialties),
        affiliation_organization=affiliation_organization,
        affiliation=clean_text(affiliation),
        contact_phone=clean_text(contact_phone),
        contact_email=clean_text(contact_email),
    )
    save(profile, actor=actor)
    return profile


@transaction.atomic
def evaluator_profile_update(*, actor, profile: EvaluatorProfile, **fields) -> EvaluatorProfile:
    """Pool keepers change every field; the evaluator their own specialties and contact data."""
    require(permissions.can_edit_evaluator_profile(actor, profile), _("您无权修改该专家的信息。"))
    if not permissions.can_manage_evaluator_pool(actor):
        forbidden = set(fields) - set(PROFILE_SELF_FIELDS)
        require(not forbidden, _("专家本人只能修改专业领域和联系方式。"), code="self_service_fields")
    for name in ("specialties", "affiliation", "contact_phone", "contact_email"):
        if name in fields:
            fields[name] = clean_text(fields[name])
    apply_fields(profile, fields, PROFILE_FIELDS, "evaluator_profile_update")
    save(profile, actor=actor)
    return profile


@transaction.atomic
def evaluator_profile_set_active(*, actor, profile: EvaluatorProfile, is_active: bool) -> EvaluatorProfile:
    """Take an evaluator out of the pool (no new invitations) or back in; running assignments are unaffected."""
    require(permissions.can_manage_evaluator_pool(actor), POOL_KEEPERS_ONLY)
    profile.is_active = bool(is_active)
    save(profile, actor=actor)
    return profile
