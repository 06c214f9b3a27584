"""The transition tables, and the buttons the pages build from them (the table's order, the user's predicates)."""

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Contract, Deliverable, PurchaseList
from contracts.views.contracts import contract_buttons
from contracts.views.deliverables import deliverable_buttons
from contracts.views.purchase_lists import ITEM_OFFERS, LIST_OFFERS
from contracts.workflows import CONTRACT, DELIVERABLE, PURCHASE_LIST
from core.workflow import offered_buttons
from tests.errors import codes
from tests.factories import ContractFactory, DeliverableFactory, PurchaseListFactory

pytestmark = pytest.mark.django_db


def labels(buttons) -> list[str]:
    return [str(button.label) for button in buttons]


CONTRACT_BUTTONS = {
    Contract.Status.DRAFT: ["修改", "添加履约事项", "上传文件", "签订", "删除草稿"],
    Contract.Status.SIGNED: ["开始履行", "登记付款", "合同变更", "上传文件", "终止"],
    Contract.Status.PERFORMING: ["办理完成", "登记付款", "合同变更", "上传文件", "终止"],
    Contract.Status.COMPLETED: ["登记付款", "上传文件"],
    Contract.Status.TERMINATED: ["上传文件"],
}


@pytest.mark.parametrize("status", list(CONTRACT_BUTTONS))
def test_contract_buttons_follow_the_table(purchaser, chifeng_purchaser, member, department, status):
    contract = ContractFactory(department=department)
    contract.status = status  # the buttons read the status only
    assert labels(contract_buttons(purchaser, contract)) == CONTRACT_BUTTONS[status]
    assert contract_buttons(chifeng_purchaser, contract) == []
    assert contract_buttons(member, contract) == []


@pytest.mark.parametrize(
    ("status", "header", "items"),
    [
        (PurchaseList.Status.DRAFT, ["修改信息", "添加项目", "从 Excel 导入", "发布", "删除草稿"], ["修改", "删除"]),
        (PurchaseList.Status.PUBLISHED, ["修订", "撤回"], ["登记合同"]),
        (PurchaseList.Status.WITHDRAWN, [], []),
    ],
)
def test_purchase_list_buttons_follow_the_table(status, header, items):
    purchase_list = PurchaseListFactory()
    purchase_list.status = status
    assert labels(offered_buttons(PURCHASE_LIST, status, LIST_OFFERS, purchase_list, lambda action: True)) == header
    item = purchase_list.items.model(pk=1, purchase_list=purchase_list)
    assert labels(offered_buttons(PURCHASE_LIST, status, ITEM_OFFERS, item, lambda action: True)) == items
    assert offered_buttons(PURCHASE_LIST, status, LIST_OFFERS, purchase_list, lambda action: False) == []


def test_deliverable_row_buttons(department):
    contract = ContractFactory(department=department)
    pending = DeliverableFactory(contract=contract)
    returned = DeliverableFactory(contract=contract, status=Deliverable.Status.RETURNED)
    contract.status = Contract.Status.SIGNED
    assert labels(deliverable_buttons(contract, pending, can_manage=False, is_member=True)) == ["提交材料"]
    assert labels(deliverable_buttons(contract, returned, can_manage=False, is_member=True)) == ["重新提交"]
    assert deliverable_buttons(contract, pending, can_manage=True, is_member=False) == []
    contract.status = Contract.Status.DRAFT
    assert labels(deliverable_buttons(contract, pending, can_manage=True, is_member=True)) == ["修改", "删除"]


def test_tables_name_the_statuses_and_actions():
    assert DELIVERABLE.available(Deliverable.Status.RETURNED) == [DELIVERABLE["submit"]]
    assert DELIVERABLE["accept"].target == Deliverable.Status.ACCEPTED
    assert CONTRACT.statuses_allowing("record_payment") == {"signed", "performing", "completed"}
    with pytest.raises(ValidationError) as excinfo:
        CONTRACT.check("sign", Contract.Status.SIGNED)
    assert codes(excinfo.value) == {"__all__": ["wrong_state"]}
    assert excinfo.value.messages == ["当前状态为“已签订”，不能签订。"]
