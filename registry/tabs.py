"""The tabs of an organization's page, as the national platform (社会组织信用信息公示平台) shows them:
基本信息, 年度报告/年检, 评估等级, 行政处罚, 信用名单, then what higher apps add (抽查检查, 政府购买服务,
绩效评价), each with the number of records it holds.

The registry's own tabs are built here; apps above it register theirs in AppConfig.ready() with
`register_organization_tab` (key, label, place, a count for the viewer, and the template that fills the pane), so the
registry never imports them. A count is taken from the page's OrganizationRecords (registry.organization_records),
the rows the pane shows, so a badge reads nothing the pane does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.organization_records import OrganizationRecords


@dataclass(frozen=True)
class OrganizationTab:
    key: str  # the pane's id and the page's #fragment
    label: Any
    order: int
    count: Callable[[OrganizationRecords], int | None]  # records (for records.user) -> rows in the tab, None: no count
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


REGISTRY_TABS = (
    OrganizationTab("basic", _("基本信息"), 10, lambda records: None, "registry/tabs/basic.html"),
    OrganizationTab(
        "annual",
        _("年度报告/年检"),
        20,
        lambda records: len(records.annual_years),
        "registry/tabs/annual.html",
    ),
    OrganizationTab(
        "ratings",
        _("评估等级"),
        30,
        lambda records: len(records.ratings),
        "registry/tabs/ratings.html",
    ),
    OrganizationTab(
        "penalties",
        _("行政处罚"),
        40,
        lambda records: len(records.penalties),
        "registry/tabs/penalties.html",
    ),
    OrganizationTab(
        "credit",
        _("信用名单"),
        50,
        lambda records: len(records.credit_listings),
        "registry/tabs/credit.html",
    ),
)


def organization_tabs(records: OrganizationRecords) -> list[ShownTab]:
    """The tabs of `records.organization`'s page for `records.user`, in order, with their counts."""
    tabs = sorted([*REGISTRY_TABS, *_registered.values()], key=lambda tab: tab.order)
    return [ShownTab(tab.key, tab.label, tab.count(records), tab.template) for tab in tabs]
