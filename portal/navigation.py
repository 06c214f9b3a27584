"""The navigation bar: each entry names the predicate that decides who sees it.

Apps add their entries here as they gain pages; the template only renders what `items_for(user)` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import permissions
from core.links import reverse_bare


def _anyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[object], bool] = _anyone
    section: str = "main"  # "main" (left of the bar) or "work" (the 工作 menu for signed-in roles)
    # For a URL with arguments: a function of the user returning them (e.g. the user's own organization's code).
    url_args: Callable[[object], tuple] | None = None


NAV_ITEMS: list[NavItem] = [
    # The bar's entries carry the context "navigation": their English is shorter than the pages' titles, so the bar
    # fits on one line at 1366 px in either language.
    NavItem(pgettext_lazy("navigation", "首页"), "portal:home"),
    NavItem(pgettext_lazy("navigation", "社会组织名录"), "registry:organization-list"),
    NavItem(pgettext_lazy("navigation", "购买服务目录"), "contracts:purchase-list-list"),
    NavItem(pgettext_lazy("navigation", "合同公开"), "contracts:contract-list"),
    NavItem(pgettext_lazy("navigation", "绩效评价结果"), "evaluations:evaluation-list"),
    NavItem(pgettext_lazy("navigation", "信用名单"), "supervision:credit-listings"),
    NavItem(pgettext_lazy("navigation", "统计分析"), "stats:overview"),
    NavItem(pgettext_lazy("navigation", "投诉举报"), "supervision:complaint-create"),
    NavItem(pgettext_lazy("navigation", "开放数据"), "api:docs"),
    NavItem(_("待办事项"), "portal:todo", lambda user: user.is_authenticated, "work"),
    NavItem(_("我的工作台"), "portal:workspace", lambda user: user.is_authenticated, "work"),
    NavItem(_("系统管理"), "admin:index", permissions.is_superuser, "work"),
    NavItem(_("登记社会组织"), "registry:organization-create", permissions.is_registrar, "work"),
    NavItem(
        _("批量导入社会组织"),
        "registry:organization-import",
        lambda user: permissions.is_superuser(user) or permissions.is_registrar(user),
        "work",
    ),
    NavItem(_("合同管理"), "contracts:contract-manage", permissions.is_purchaser, "work"),
    NavItem(_("新建购买目录"), "contracts:purchase-list-create", permissions.is_purchaser, "work"),
    NavItem(_("绩效评价管理"), "evaluations:evaluation-manage", permissions.is_purchaser, "work"),
    NavItem(_("合同示范文本"), "contracts:contract-template", permissions.is_official, "work"),
    NavItem(_("评价指标体系"), "evaluations:indicator-set-list", permissions.is_official, "work"),
    NavItem(_("评价专家库"), "evaluations:evaluator-pool", permissions.is_official, "work"),
    NavItem(_("监督检查"), "supervision:inspection-list", permissions.is_official, "work"),
    NavItem(_("整改通知"), "supervision:order-list", permissions.is_official, "work"),
    NavItem(_("投诉处理"), "supervision:complaint-queue", permissions.is_official, "work"),
    NavItem(_("数据质量报告"), "stats:quality", permissions.is_official, "work"),
    NavItem(_("数据导出"), "exports:list", permissions.is_official | permissions.is_superuser, "work"),
    NavItem(_("我的合同"), "contracts:contract-mine", permissions.is_org_member, "work"),
    NavItem(_("我的整改通知"), "supervision:my-orders", permissions.is_org_member, "work"),
    NavItem(_("我的评价任务"), "evaluations:task-list", permissions.is_evaluator, "work"),
    NavItem(
        _("本组织信息"),
        "registry:organization-detail",
        permissions.is_org_member,
        "work",
        url_args=lambda user: (user.organization.uscc,),
    ),
]


def items_for(user, section: str) -> list[dict]:
    if section == "work" and not user.is_authenticated:
        return []  # the work menu is for signed-in users: a visitor's is empty without asking each item
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name, args=item.url_args(user)) if item.url_args else reverse_bare(item.url_name),
            "url_name": item.url_name,
        }
        for item in NAV_ITEMS
        if item.section == section and item.visible(user)
    ]
