"""The tabs of an organization's page, as the national platform (社会组织信用信息公示平台) shows them:
基本信息, 年度报告/年检, 评估等级, 行政处罚, 信用名单, then what higher apps add (抽查检查, 政府购买服务,
绩效评价), each with the number of records it holds.

The registry's own tabs are built here; apps above it register theirs in AppConfig.ready() with
`register_organization_tab` (key, label, place, a count for the viewer, and the template that fills the pane), so the
registry never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.models import Organization


@dataclass(frozen=True)
class OrganizationTab:
    key: str  # the pane's id and the page's #fragment
    label: Any
    order: int
    count: Callable[[Organization, Any], int | None]  # (organization, viewer) -> records in the tab, None: no count
    template: str  # fills the pane; gets the page's context


@dataclass(frozen=True)
class ShownTab:
    key: str
    label: Any
    count: int | None
    template: str


_registered: dict[str, OrganizationTab] = {}


def register_organization_tab(tab: OrganizationTab) -> None:
    """Add a tab to every organization page (idempotent by key)."""
    _registered[tab.key] = tab


def _annual_years(organization: Organization) -> int:
    years = set(organization.inspections.values_list("year", flat=True))
    years.update(organization.annual_reports.values_list("year", flat=True))
    return len(years)


REGISTRY_TABS = (
    OrganizationTab("basic", _("基本信息"), 10, lambda organization, user: None, "registry/tabs/basic.html"),
    OrganizationTab(
        "annual",
        _("年度报告/年检"),
        20,
        lambda organization, user: _annual_years(organization),
        "registry/tabs/annual.html",
    ),
    OrganizationTab(
        "ratings",
        _("评估等级"),
        30,
        lambda organization, user: organization.ratings.count(),
        "registry/tabs/ratings.html",
    ),
    OrganizationTab(
        "penalties",
        _("行政处罚"),
        40,
        lambda organization, user: organization.penalties.count(),
        "registry/tabs/penalties.html",
    ),
    OrganizationTab(
        "credit",
        _("信用名单"),
        50,
        lambda organization, user: organization.credit_listings.count(),
        "registry/tabs/credit.html",
    ),
)


def organization_tabs(organization: Organization, user) -> list[ShownTab]:
    """The tabs of `organization`'s page for `user`, in order, with their counts."""
    tabs = sorted([*REGISTRY_TABS, *_registered.values()], key=lambda tab: tab.order)
    return [ShownTab(tab.key, tab.label, tab.count(organization, user), tab.template) for tab in tabs]
