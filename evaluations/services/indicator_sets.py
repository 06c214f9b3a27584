"""Indicator sets and their indicators: drafts are edited, activation checks the tree, use freezes the set, a change
to an active or frozen set is a new version."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.services import apply_fields, lock, now, refuse, require, save
from evaluations import permissions
from evaluations.models import Indicator, IndicatorSet
from evaluations.selectors import indicator_tree, tree_problems
from evaluations.services.common import clean_text, parse_decimal
from evaluations.workflows import INDICATOR_SET

INDICATOR_SET_FIELDS = ("name", "description")
INDICATOR_FIELDS = ("code", "name", "weight", "max_score", "guidance", "order")


def _require_set_manager(actor) -> None:
    require(permissions.can_manage_indicator_sets(actor), _("只有登记管理人员或购买主体人员可以维护指标体系。"))


def _require_editable_set(indicator_set: IndicatorSet, action: str = "edit") -> None:
    """Only drafts change (`edit`: the set's information and its indicators; `delete`)."""
    INDICATOR_SET.check(
        action,
        indicator_set.status,
        _("指标体系“%(set)s”%(status)s，不能修改；如需调整，请创建新版本。"),
        set=indicator_set.lazy_label,
    )


def require_valid_tree(indicator_set: IndicatorSet, *, field: str | None = None) -> None:
    """Refuse (on `field`) with every rule the set's tree breaks (selectors.tree_problems)."""
    problems = tree_problems(indicator_tree(indicator_set))
    if problems:
        raise ValidationError({field: problems} if field else problems)


@transaction.atomic
def indicator_set_create(*, actor, name: str, description: str = "") -> IndicatorSet:
    """A new draft set (version 1)."""
    _require_set_manager(actor)
    name = clean_text(name)
    if name and IndicatorSet.objects.filter(name=name).exists():
        refuse("name", _("已有名为“%(name)s”的指标体系，请在其基础上创建新版本。"), code="name_taken", name=name)
    indicator_set = IndicatorSet(name=name, version=1, description=clean_text(description), created_by=actor)
    save(indicator_set, actor=actor)
    return indicator_set


@transaction.atomic
def indicator_set_update(*, actor, indicator_set: IndicatorSet, **fields) -> IndicatorSet:
    """Change a draft's description, or the name of a first version."""
    _require_set_manager(actor)
    lock(indicator_set)
    _require_editable_set(indicator_set)
    if "name" in fields:
        name = clean_text(fields["name"])
        if name != indicator_set.name:
            if indicator_set.version != 1:
                refuse("name", _("新版本沿用原指标体系的名称，不能改名。"), code="rename_not_allowed")
            if IndicatorSet.objects.filter(name=name).exclude(pk=indicator_set.pk).exists():
                refuse("name", _("已有名为“%(name)s”的指标体系。"), code="name_taken", name=name)
        fields["name"] = name
    apply_fields(indicator_set, fields, INDICATOR_SET_FIELDS, "indicator_set_update")
    save(indicator_set, actor=actor)
    return indicator_set


@transaction.atomic
def indicator_set_delete(*, actor, indicator_set: IndicatorSet) -> None:
    _require_set_manager(actor)
    lock(indicator_set)
    _require_editable_set(indicator_set, "delete")
    indicator_set._history_user = actor
    indicator_set.delete()


def _next_order(indicator_set: IndicatorSet, parent: Indicator | None) -> int:
    last = Indicator.objects.filter(indicator_set=indicator_set, parent=parent).aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def indicator_add(
    *,
    actor,
    indicator_set: IndicatorSet,
    code: str,
    name: str,
    weight: Decimal,
    parent: Indicator | None = None,
    max_score: Decimal | None = None,
    guidance: str = "",
    order: int | None = None,
) -> Indicator:
    """Add an indicator to a draft set; its level follows from the parent (at most three levels). The maximum score
    defaults to the weight (the leaf is then scored directly in points)."""
    _require_set_manager(actor)
    lock(indicator_set)
    _require_editable_set(indicator_set)
    if parent is not None:
        if parent.indicator_set_id != indicator_set.pk:
            refuse("parent", _("上级指标不属于该指标体系。"), code="parent_outside_set")
        if parent.level >= Indicator.MAX_LEVEL:
            refuse("parent", _("指标最多三级，第三级指标下不能再设下级指标。"), code="too_deep")
    weight = parse_decimal(weight, "weight", _("分值"))
    max_score = weight if max_score in (None, "") else parse_decimal(max_score, "max_score", _("满分"))
    indicator = Indicator(
        indicator_set=indicator_set,
        parent=parent,
        level=parent.level + 1 if parent is not None else 1,
        code=clean_text(code),
        name=clean_text(name),
        weight=weight,
        max_score=max_score,
        guidance=clean_text(guidance),
        order=_next_order(indicator_set, parent) if order is None else order,
    )
    save(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **fields) -> Indicator:
    _require_set_manager(actor)
    lock(indicator.indicator_set)
    _require_editable_set(indicator.indicator_set)
    for name, label in (("weight", _("分值")), ("max_score", _("满分"))):
        if name in fields:
            fields[name] = parse_decimal(fields[name], name, label)
    for name in ("code", "name", "guidance"):
        if name in fields:
            fields[name] = clean_text(fields[name])
    apply_fields(indicator, fields, INDICATOR_FIELDS, "indicator_update")
    save(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_remove(*, actor, indicator: Indicator) -> None:
    """Remove an indicator of a draft set with everything below it."""
    _require_set_manager(actor)
    lock(indicator.indicator_set)
    _require_editable_set(indicator.indicator_set)
    indicator._history_user = actor
    indicator.delete()


@transaction.atomic
def indicator_set_activate(*, actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """draft → active, once the leaves' weights sum to 100 and every parent's weight equals its children's."""
    _require_set_manager(actor)
    lock(indicator_set)
    INDICATOR_SET.check("activate", indicator_set.status)
    require_valid_tree(indicator_set)
    indicator_set.status = IndicatorSet.Status.ACTIVE
    indicator_set.activated_at = now()
    save(indicator_set, actor=actor)
    return indicator_set


@transaction.atomic
def indicator_set_reopen(*, actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """active → draft, as long as no evaluation uses the set."""
    _require_set_manager(actor)
    lock(indicator_set)
    INDICATOR_SET.check("reopen", indicator_set.status)
    if permissions.indicator_set_in_use(indicator_set, counted=False):
        refuse(None, _("该指标体系已被绩效评价使用，不能修改；请创建新版本。"), code="indicator_set_in_use")
    indicator_set.status = IndicatorSet.Status.DRAFT
    indicator_set.activated_at = None
    save(indicator_set, actor=actor)
    return indicator_set


def copy_indicator_tree(source: IndicatorSet, target: IndicatorSet, actor) -> list[Indicator]:
    """Copy every indicator of `source` into `target` (parents before children), with history."""
    copies: dict[int, Indicator] = {}
    created = []
    for indicator in indicator_tree(source):
        copy = Indicator(
            indicator_set=target,
            parent=copies.get(indicator.parent_id),
            level=indicator.level,
            code=indicator.code,
            name=indicator.name,
            weight=indicator.weight,
            max_score=indicator.max_score,
            guidance=indicator.guidance,
            order=indicator.order,
        )
        save(copy, actor=actor)
        copies[indicator.pk] = copy
        created.append(copy)
    return created


@transaction.atomic
def indicator_set_new_version(*, actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """A new draft with the same name, the next version number and a copy of the tree, for editing a set that is
    active or frozen. One draft per name at a time."""
    _require_set_manager(actor)
    lock(indicator_set)
    INDICATOR_SET.check("new_version", indicator_set.status, _("草稿可以直接修改，无需创建新版本。"))
    draft = IndicatorSet.objects.filter(name=indicator_set.name, status=IndicatorSet.Status.DRAFT).first()
    if draft is not None:
        refuse(
            None, _("“%(set)s”已有尚未启用的草稿版本，请直接修改该草稿。"), code="draft_exists", set=draft.lazy_label
        )
    latest = IndicatorSet.objects.filter(name=indicator_set.name).aggregate(latest=Max("version"))["latest"]
    new_version = IndicatorSet(
        name=indicator_set.name,
        version=latest + 1,
        description=indicator_set.description,
        previous_version=indicator_set,
        created_by=actor,
    )
    save(new_version, actor=actor)
    copy_indicator_tree(indicator_set, new_version, actor)
    return new_version


def require_usable_set(indicator_set: IndicatorSet) -> None:
    """Lock the set an evaluation is about to use; refuse (on `indicator_set`) unless it is active or frozen and its
    tree is valid."""
    lock(indicator_set)
    INDICATOR_SET.check(
        "use",
        indicator_set.status,
        _("指标体系“%(set)s”尚未启用，不能用于评价。"),
        field="indicator_set",
        set=indicator_set.lazy_label,
    )
    require_valid_tree(indicator_set, field="indicator_set")


def freeze(indicator_set: IndicatorSet, actor) -> None:
    """An evaluation uses the set: it never changes again (active → frozen)."""
    if indicator_set.status == IndicatorSet.Status.ACTIVE:
        indicator_set.status = IndicatorSet.Status.FROZEN
        save(indicator_set, actor=actor, reason=str(_("被绩效评价使用")))
