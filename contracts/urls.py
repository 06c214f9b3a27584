from django.urls import path

from contracts import views

app_name = "contracts"

purchase_list_patterns = [
    path("purchase-lists/", views.PurchaseListListView.as_view(), name="purchase-list-list"),
    path("purchase-lists/new/", views.PurchaseListCreateView.as_view(), name="purchase-list-create"),
    path("purchase-lists/<int:pk>/", views.PurchaseListDetailView.as_view(), name="purchase-list-detail"),
    path("purchase-lists/<int:pk>/list.pdf", views.purchase_list_pdf, name="purchase-list-pdf"),
    path("purchase-lists/<int:pk>/edit/", views.PurchaseListEditView.as_view(), name="purchase-list-edit"),
    path("purchase-lists/<int:pk>/delete/", views.PurchaseListDeleteView.as_view(), name="purchase-list-delete"),
    path("purchase-lists/<int:pk>/publish/", views.PurchaseListPublishView.as_view(), name="purchase-list-publish"),
    path("purchase-lists/<int:pk>/withdraw/", views.PurchaseListWithdrawView.as_view(), name="purchase-list-withdraw"),
    path("purchase-lists/<int:pk>/revise/", views.PurchaseListReviseView.as_view(), name="purchase-list-revise"),
    path("purchase-lists/<int:pk>/items/new/", views.PurchaseItemCreateView.as_view(), name="purchase-item-create"),
    path("purchase-lists/<int:pk>/items/import/", views.PurchaseItemImportView.as_view(), name="purchase-item-import"),
    path("purchase-lists/<int:pk>/items.xlsx", views.purchase_item_export, name="purchase-item-export"),
    path(
        "purchase-lists/<int:pk>/items/<int:item_pk>/edit/",
        views.PurchaseItemEditView.as_view(),
        name="purchase-item-edit",
    ),
    path(
        "purchase-lists/<int:pk>/items/<int:item_pk>/remove/",
        views.PurchaseItemRemoveView.as_view(),
        name="purchase-item-remove",
    ),
]

contract_patterns = [
    path("contracts/", views.ContractListView.as_view(), name="contract-list"),
    path("contracts/manage/", views.ContractManageView.as_view(), name="contract-manage"),
    path("contracts/mine/", views.ContractMineView.as_view(), name="contract-mine"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract-create"),
    path("contracts/<str:number>/", views.ContractDetailView.as_view(), name="contract-detail"),
    path("contracts/<str:number>/summary.pdf", views.contract_summary_pdf, name="contract-summary-pdf"),
    path("contracts/<str:number>/contract.pdf", views.contract_pdf, name="contract-pdf"),
    path("contracts/<str:number>/contract.docx", views.contract_docx, name="contract-docx"),
    path("contracts/<str:number>/edit/", views.ContractEditView.as_view(), name="contract-edit"),
    path("contracts/<str:number>/delete/", views.ContractDeleteView.as_view(), name="contract-delete"),
    path("contracts/<str:number>/sign/", views.ContractSignView.as_view(), name="contract-sign"),
    path("contracts/<str:number>/start/", views.ContractStartView.as_view(), name="contract-start"),
    path("contracts/<str:number>/complete/", views.ContractCompleteView.as_view(), name="contract-complete"),
    path("contracts/<str:number>/terminate/", views.ContractTerminateView.as_view(), name="contract-terminate"),
    path("contracts/<str:number>/amend/", views.ContractAmendView.as_view(), name="contract-amend"),
    path("contracts/<str:number>/payments/new/", views.PaymentCreateView.as_view(), name="payment-create"),
    path("contracts/<str:number>/deliverables/new/", views.DeliverableCreateView.as_view(), name="deliverable-create"),
    path(
        "contracts/<str:number>/deliverables/<int:pk>/edit/",
        views.DeliverableEditView.as_view(),
        name="deliverable-edit",
    ),
    path(
        "contracts/<str:number>/deliverables/<int:pk>/remove/",
        views.DeliverableRemoveView.as_view(),
        name="deliverable-remove",
    ),
    path(
        "contracts/<str:number>/deliverables/<int:pk>/submit/",
        views.SubmissionCreateView.as_view(),
        name="submission-create",
    ),
    path(
        "contracts/<str:number>/submissions/<int:pk>/decide/",
        views.SubmissionDecideView.as_view(),
        name="submission-decide",
    ),
    path("contracts/<str:number>/files/<int:pk>/", views.submission_file_download, name="submission-file"),
    path("contracts/<str:number>/documents/new/", views.DocumentCreateView.as_view(), name="document-create"),
    path("contracts/<str:number>/documents/<int:pk>/", views.document_download, name="document-download"),
    path(
        "contracts/<str:number>/documents/<int:pk>/visibility/",
        views.DocumentVisibilityView.as_view(),
        name="document-visibility",
    ),
    path(
        "contracts/<str:number>/documents/<int:pk>/remove/",
        views.DocumentRemoveView.as_view(),
        name="document-remove",
    ),
]

template_patterns = [
    path("contract-template/", views.contract_template, name="contract-template"),
    path("contract-template/edit/", views.ContractTemplateEditView.as_view(), name="contract-template-edit"),
    path("contract-template/<int:version>/", views.contract_template_version, name="contract-template-version"),
]

urlpatterns = purchase_list_patterns + contract_patterns + template_patterns
