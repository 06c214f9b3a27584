"""Every write to purchase lists, contracts, deliverables, payments, amendments and contract documents.

Each service is atomic, checks the actor's permission first (a coded PermissionDenied), then the workflow table
(`contracts.workflows`: a ValidationError coded `wrong_state`), then the rules (ValidationErrors with a stable code
and the params of a lazy message, never formatted here), validates the rows with full_clean() and leaves history
through simple-history with the actor recorded as the history user.

- `purchase_lists`: lists and their items (draft → published → withdrawn, revisions);
- `contracts`: the draft contract, signing, performance, completion, termination, amendments;
- `deliverables`: deliverables of a draft, submissions and the purchaser's decisions;
- `payments`: instalments, and the `register_payment_blocker` hook other apps use to hold payments;
- `documents`: files attached to a contract.
"""

from contracts.services.contracts import (
    CONTRACT_FIELDS,
    contract_amend,
    contract_complete,
    contract_create,
    contract_delete,
    contract_sign,
    contract_start_performance,
    contract_terminate,
    contract_update,
)
from contracts.services.deliverables import (
    DELIVERABLE_FIELDS,
    deliverable_accept,
    deliverable_add,
    deliverable_remove,
    deliverable_return,
    deliverable_update,
    submission_create,
)
from contracts.services.documents import contract_document_add, contract_document_remove, contract_document_set_public
from contracts.services.payments import (
    PAYABLE_STATUSES,
    PaymentBlockerCheck,
    payment_blockers,
    payment_record,
    register_payment_blocker,
)
from contracts.services.purchase_lists import (
    PURCHASE_ITEM_FIELDS,
    PURCHASE_LIST_FIELDS,
    REVISION_WITHDRAWAL_REASON,
    purchase_item_add,
    purchase_item_remove,
    purchase_item_update,
    purchase_list_create,
    purchase_list_delete,
    purchase_list_publish,
    purchase_list_revise,
    purchase_list_update,
    purchase_list_withdraw,
)
from contracts.services.templates import contract_template_save

__all__ = [
    "CONTRACT_FIELDS",
    "DELIVERABLE_FIELDS",
    "PAYABLE_STATUSES",
    "PURCHASE_ITEM_FIELDS",
    "PURCHASE_LIST_FIELDS",
    "REVISION_WITHDRAWAL_REASON",
    "PaymentBlockerCheck",
    "contract_amend",
    "contract_complete",
    "contract_create",
    "contract_delete",
    "contract_document_add",
    "contract_document_remove",
    "contract_document_set_public",
    "contract_sign",
    "contract_start_performance",
    "contract_template_save",
    "contract_terminate",
    "contract_update",
    "deliverable_accept",
    "deliverable_add",
    "deliverable_remove",
    "deliverable_return",
    "deliverable_update",
    "payment_blockers",
    "payment_record",
    "purchase_item_add",
    "purchase_item_remove",
    "purchase_item_update",
    "purchase_list_create",
    "purchase_list_delete",
    "purchase_list_publish",
    "purchase_list_revise",
    "purchase_list_update",
    "purchase_list_withdraw",
    "register_payment_blocker",
    "submission_create",
]
