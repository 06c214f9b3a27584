"""Random draws (双随机抽查): draw a region's sample for a year, and plan an inspection for every organization drawn."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.services import Refusals, refuse, require, save
from core.services import now as current_time
from registry.models import Region
from registry.services.rules import region_label
from supervision import permissions
from supervision.models import Inspection, SampleDraw, SampleDrawEntry
from supervision.sampling import SEED_BITS, default_rate, draw_sample, new_seed, population_digest, population_for
from supervision.sampling import sample_size as compute_sample_size
from supervision.services.inspections import check_inspectors, unique_users

BATCH = 1000


def _parse_rate(refusals: Refusals, rate, region: Region) -> Decimal | None:
    try:
        rate = default_rate(region) if rate in (None, "") else Decimal(str(rate))
    except InvalidOperation:
        refusals.add("rate", _("抽查比例须为数字。"), code="rate_not_a_number")
        return None
    if not (Decimal(0) < rate <= Decimal(100)):
        refusals.add("rate", _("抽查比例须大于 0 且不超过 100%。"), code="rate_out_of_range")
    return rate


@transaction.atomic
def sample_draw_create(
    *,
    actor,
    region: Region,
    year: int,
    rate: Decimal | str | None = None,
    seed: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> SampleDraw:
    """Draw this year's random-inspection sample of `region`'s active organizations and record how it was drawn."""
    require(
        permissions.can_draw_sample(actor, region),
        _("只有辖区覆盖该区划的登记管理机关工作人员可以抽取随机抽查对象。"),
    )
    now = now or current_time()
    today = timezone.localdate(now)
    refusals = Refusals()
    rate = _parse_rate(refusals, rate, region)
    if year is None or year not in (today.year, today.year + 1):
        refusals.add(
            "year",
            _("只能抽取本年度（%(this)d）或下一年度（%(next)d）的抽查对象。"),
            code="year_not_allowed",
            this=today.year,
            next=today.year + 1,
        )
    elif SampleDraw.objects.filter(region=region, year=year).exists():
        refusals.add(
            "year",
            _("%(region)s %(year)d 年度的抽查对象已经抽取，不能重复抽取。"),
            code="already_drawn",
            region=region_label(region),
            year=year,
        )
    if seed is not None and not (0 <= int(seed) < 2**SEED_BITS):
        refusals.add("seed", _("随机种子须为 0 至 2^63-1 之间的整数。"), code="seed_out_of_range")
    population = population_for(region)
    if not population:
        refusals.add(
            "region",
            _("%(region)s 没有登记状态为正常的社会组织，无法抽取。"),
            code="no_population",
            region=region_label(region),
        )
    refusals.raise_if_any()

    seed = new_seed() if seed is None else int(seed)
    usccs = [organization.uscc for organization in population]
    size = compute_sample_size(len(usccs), rate)
    drawn = draw_sample(usccs, seed=seed, size=size)
    draw = SampleDraw(
        region=region,
        year=year,
        rate=rate,
        seed=seed,
        population_count=len(usccs),
        population_hash=population_digest(usccs),
        population_usccs="\n".join(usccs),
        sample_size=size,
        note=(note or "").strip(),
        drawn_by=actor,
        drawn_at=now,
    )
    save(draw, actor=actor)
    by_uscc = {organization.uscc: organization for organization in population}
    SampleDrawEntry.objects.bulk_create(
        SampleDrawEntry(draw=draw, organization=by_uscc[uscc], position=position)
        for position, uscc in enumerate(drawn, start=1)
    )
    return draw


@transaction.atomic
def sample_draw_plan_inspections(
    *, actor, draw: SampleDraw, planned_on: datetime.date, inspectors: Sequence = ()
) -> list[Inspection]:
    """Plan a random inspection for every organization of the draw that has none from it yet (safe to repeat).

    Written in bulk (the checks of `inspection_create` on each, then one INSERT for the inspections, one for their
    history, and for the inspectors one for the links and one for their history): a constant number of queries
    whatever the size of the sample."""
    require(permissions.can_view_sample_draw(actor, draw), _("您无权为该次抽取安排检查。"))
    if planned_on is None:
        refuse("planned_on", _("请填写计划检查日期。"), code="required")
    already = set(draw.inspections.values_list("organization_id", flat=True))
    entries = [
        entry
        for entry in draw.entries.select_related("organization__region").order_by("position")
        if entry.organization_id not in already
    ]
    inspectors = unique_users(inspectors)
    kind = Inspection.Kind.RANDOM
    created_at = current_time()
    planned = []
    for entry in entries:
        organization = entry.organization
        require(
            permissions.can_plan_inspection(actor, organization),
            _("您无权检查“%(name)s”。"),
            name=organization.name,
        )
        refusals = Refusals()
        check_inspectors(refusals, organization, kind, inspectors)
        refusals.raise_if_any()
        planned.append(
            Inspection(
                organization=organization,
                kind=kind,
                department=actor.department,
                sample_draw=draw,
                planned_on=planned_on,
                created_by=actor,
                created_at=created_at,
            )
        )
    if not planned:
        return []
    Inspection.objects.bulk_create(planned, batch_size=BATCH)
    history = Inspection.history.bulk_history_create(planned, default_user=actor, batch_size=BATCH)
    if inspectors:
        links = Inspection.inspectors.through.objects.bulk_create(
            [
                Inspection.inspectors.through(inspection=inspection, user=user)
                for inspection in planned
                for user in inspectors
            ],
            batch_size=BATCH,
        )
        # The inspectors in each history row, as simple-history records them after `inspectors.set()`.
        by_inspection = {record.id: record for record in history}
        m2m_history = Inspection.history.model.inspectors.model
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    history=by_inspection[link.inspection_id], id=link.pk, inspection=link.inspection, user=link.user
                )
                for link in links
            ],
            batch_size=BATCH,
        )
    return planned
