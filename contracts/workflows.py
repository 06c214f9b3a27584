"""Which actions each status of a purchase list, a contract and a deliverable allows.

Services refuse an action from a status the table does not list (`CONTRACT.check("sign", contract.status)`, a
ValidationError coded `wrong_state`); pages build their buttons from `available(status)`, filtered by the
permissions.py predicate for who may act. Transitions whose `target` is None leave the status as it is (editing a
draft, recording a payment) or depend on the input (a decision accepts or returns).

The order of each table is the order of the buttons on the record's page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Deliverable, PurchaseList
from core.workflow import Transition, Workflow

_list = PurchaseList.Status
_contract = Contract.Status
_deliverable = Deliverable.Status

PURCHASE_LIST = Workflow(
    PurchaseList.Status,
    [
        Transition("update", _("修改信息"), {_list.DRAFT}),
        Transition("add_item", _("添加项目"), {_list.DRAFT}),
        Transition("import_items", _("从 Excel 导入"), {_list.DRAFT}),
        Transition("publish", _("发布"), {_list.DRAFT}, _list.PUBLISHED),
        Transition("delete", _("删除草稿"), {_list.DRAFT}),
        Transition("revise", _("修订"), {_list.PUBLISHED}),
        Transition("withdraw", _("撤回"), {_list.PUBLISHED}, _list.WITHDRAWN),
        # On each item of the list.
        Transition("update_item", _("修改"), {_list.DRAFT}),
        Transition("remove_item", _("删除"), {_list.DRAFT}),
        Transition("contract_item", _("登记合同"), {_list.PUBLISHED}),
    ],
)

_ACTIVE = {_contract.SIGNED, _contract.PERFORMING}

CONTRACT = Workflow(
    Contract.Status,
    [
        Transition("update", _("修改"), {_contract.DRAFT}),
        Transition("add_deliverable", _("添加履约事项"), {_contract.DRAFT}),
        Transition("start", _("开始履行"), {_contract.SIGNED}, _contract.PERFORMING),
        Transition("complete", _("办理完成"), {_contract.PERFORMING}, _contract.COMPLETED),
        Transition("record_payment", _("登记付款"), {*_ACTIVE, _contract.COMPLETED}),
        Transition("amend", _("变更"), _ACTIVE),
        Transition("add_document", _("上传文件"), set(_contract.values)),
        Transition("sign", _("签订"), {_contract.DRAFT}, _contract.SIGNED),
        Transition("delete", _("删除草稿"), {_contract.DRAFT}),
        Transition("terminate", _("终止"), _ACTIVE, _contract.TERMINATED),
        # On the contract's deliverables, submissions and documents.
        Transition("update_deliverable", _("修改履约事项"), {_contract.DRAFT}),
        Transition("remove_deliverable", _("删除履约事项"), {_contract.DRAFT}),
        Transition("submit_deliverable", _("提交履约材料"), _ACTIVE),
        Transition("decide_submission", _("验收"), _ACTIVE),
        Transition("publish_document", _("公开"), set(_contract.values)),
        Transition("remove_document", _("删除合同文件"), {_contract.DRAFT}),
    ],
)

DELIVERABLE = Workflow(
    Deliverable.Status,
    [
        Transition("submit", _("提交履约材料"), {_deliverable.PENDING, _deliverable.RETURNED}, _deliverable.SUBMITTED),
        Transition("accept", _("通过验收"), {_deliverable.SUBMITTED}, _deliverable.ACCEPTED),
        Transition("return", _("退回"), {_deliverable.SUBMITTED}, _deliverable.RETURNED),
    ],
)


def deliverable_submittable(deliverable: Deliverable) -> bool:
    """Whether the tables let the deliverable be submitted now: its contract's status and its own."""
    return CONTRACT.allows("submit_deliverable", deliverable.contract.status) and DELIVERABLE.allows(
        "submit", deliverable.status
    )
