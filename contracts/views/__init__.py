"""Pages of purchase lists and contracts: the public record, the purchasers' work and the organizations' deliveries.

Views parse the request, fetch what the URL names with one contracts.access helper, call one selector or service and
render; who may do what is decided in contracts/permissions.py, which status allows what in contracts/workflows.py
(the buttons a record offers are built from both), and every rule in contracts/services, whose ValidationErrors
appear on the forms.

Answers for users who may not act: anonymous users are sent to the login page; a signed-in user without the role the
page needs (purchaser, organization member) gets 403; an object outside the user's reach — missing, a draft the user
may not see, or another region's list or contract — gets 404, the same answer as for one that does not exist.
Files (contract documents, submission files) answer 404 to everyone who may not download them, signed in or not.

- `purchase_lists`: the catalogue, a list's page and PDF, the purchasers' forms on lists and items;
- `item_import`: the items as Excel, and their two-step import;
- `contracts`: the listings, a contract's page and PDF, the purchasers' forms on a contract;
- `deliverables`: deliverables of a draft, submissions and decisions;
- `documents`: contract documents and the downloads of documents and evidence;
- `templates`: the model contract and its versions, a contract's text as PDF and Word.
"""

from contracts.views.contracts import (
    ContractAmendView,
    ContractCompleteView,
    ContractCreateView,
    ContractDeleteView,
    ContractDetailView,
    ContractEditView,
    ContractListView,
    ContractManageView,
    ContractMineView,
    ContractSignView,
    ContractStartView,
    ContractTerminateView,
    PaymentCreateView,
    contract_summary_pdf,
)
from contracts.views.deliverables import (
    DeliverableCreateView,
    DeliverableEditView,
    DeliverableRemoveView,
    SubmissionCreateView,
    SubmissionDecideView,
)
from contracts.views.documents import (
    DocumentCreateView,
    DocumentRemoveView,
    DocumentVisibilityView,
    document_download,
    submission_file_download,
)
from contracts.views.item_import import PurchaseItemImportView, purchase_item_export
from contracts.views.purchase_lists import (
    PurchaseItemCreateView,
    PurchaseItemEditView,
    PurchaseItemRemoveView,
    PurchaseListCreateView,
    PurchaseListDeleteView,
    PurchaseListDetailView,
    PurchaseListEditView,
    PurchaseListListView,
    PurchaseListPublishView,
    PurchaseListReviseView,
    PurchaseListWithdrawView,
    purchase_list_pdf,
)
from contracts.views.templates import (
    ContractTemplateEditView,
    contract_docx,
    contract_pdf,
    contract_template,
    contract_template_version,
)

__all__ = [
    "ContractTemplateEditView",
    "contract_docx",
    "contract_pdf",
    "contract_template",
    "contract_template_version",
    "ContractAmendView",
    "ContractCompleteView",
    "ContractCreateView",
    "ContractDeleteView",
    "ContractDetailView",
    "ContractEditView",
    "ContractListView",
    "ContractManageView",
    "ContractMineView",
    "ContractSignView",
    "ContractStartView",
    "ContractTerminateView",
    "DeliverableCreateView",
    "DeliverableEditView",
    "DeliverableRemoveView",
    "DocumentCreateView",
    "DocumentRemoveView",
    "DocumentVisibilityView",
    "PaymentCreateView",
    "PurchaseItemCreateView",
    "PurchaseItemEditView",
    "PurchaseItemImportView",
    "PurchaseItemRemoveView",
    "PurchaseListCreateView",
    "PurchaseListDeleteView",
    "PurchaseListDetailView",
    "PurchaseListEditView",
    "PurchaseListListView",
    "PurchaseListPublishView",
    "PurchaseListReviseView",
    "PurchaseListWithdrawView",
    "SubmissionCreateView",
    "SubmissionDecideView",
    "contract_summary_pdf",
    "document_download",
    "purchase_item_export",
    "purchase_list_pdf",
    "submission_file_download",
]
