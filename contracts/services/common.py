"""What several contract services share: the manager check, the purchase lists' writer check, removing stored files."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from contracts import permissions
from contracts.models import Contract, PurchaseList
from core.services import require


def require_list_writer(actor, purchase_list: PurchaseList) -> None:
    require(permissions.can_edit_purchase_list(actor, purchase_list), _("您无权编辑该部门的购买服务目录。"))


def require_manager(actor, contract: Contract) -> None:
    require(permissions.can_manage_contract(actor, contract), _("您无权管理该合同。"))


def delete_stored(names: list[str]) -> None:
    """Remove uploaded files from storage (called on commit, once the rows pointing to them are gone)."""
    for name in names:
        default_storage.delete(name)
