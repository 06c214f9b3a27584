from django.urls import path

from supervision import views

app_name = "supervision"

public_patterns = [
    path("complaints/new/", views.ComplaintCreateView.as_view(), name="complaint-create"),
    path("complaints/filed/", views.ComplaintFiledView.as_view(), name="complaint-filed"),
    path("complaints/track/", views.ComplaintTrackView.as_view(), name="complaint-track"),
    path("complaints/organizations/", views.organization_suggestions, name="organization-suggestions"),
    path("credit-listings/", views.CreditListingListView.as_view(), name="credit-listings"),
]

inspection_patterns = [
    path("supervision/inspections/", views.InspectionListView.as_view(), name="inspection-list"),
    path("supervision/inspections/new/", views.InspectionPlanView.as_view(), name="inspection-create"),
    path("supervision/inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection-detail"),
    path("supervision/inspections/<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection-edit"),
    path(
        "supervision/inspections/<int:pk>/complete/",
        views.InspectionCompleteView.as_view(),
        name="inspection-complete",
    ),
    path(
        "supervision/inspections/<int:pk>/attachments/new/",
        views.InspectionAttachmentView.as_view(),
        name="inspection-attachment-create",
    ),
    path(
        "supervision/inspections/<int:pk>/attachments/<int:attachment_pk>/",
        views.inspection_attachment_download,
        name="inspection-attachment",
    ),
    path("supervision/inspections/<int:pk>/order/", views.OrderFromInspectionView.as_view(), name="inspection-order"),
]

draw_patterns = [
    path("supervision/draws/", views.DrawListView.as_view(), name="draw-list"),
    path("supervision/draws/new/", views.DrawCreateView.as_view(), name="draw-create"),
    path("supervision/draws/preview/", views.draw_preview, name="draw-preview"),
    path("supervision/draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw-detail"),
    path("supervision/draws/<int:pk>/population.txt", views.draw_population, name="draw-population"),
    path("supervision/draws/<int:pk>/plan/", views.DrawPlanView.as_view(), name="draw-plan"),
]

order_patterns = [
    path("supervision/orders/", views.OrderListView.as_view(), name="order-list"),
    path("supervision/orders/mine/", views.MyOrderListView.as_view(), name="my-orders"),
    path("supervision/orders/new/", views.OrderIssueView.as_view(), name="order-create"),
    path("supervision/orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("supervision/orders/<int:pk>/answer/", views.OrderAnswerView.as_view(), name="order-answer"),
    path("supervision/orders/<int:pk>/decide/", views.OrderDecideView.as_view(), name="order-decide"),
    path("supervision/orders/<int:pk>/files/<int:file_pk>/", views.order_file_download, name="order-file"),
    path("supervision/listings/removable/", views.RemovableListingListView.as_view(), name="listings-removable"),
]

complaint_patterns = [
    path("supervision/complaints/", views.ComplaintQueueView.as_view(), name="complaint-queue"),
    path("supervision/complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("supervision/complaints/<int:pk>/review/", views.ComplaintReviewView.as_view(), name="complaint-review"),
    path("supervision/complaints/<int:pk>/decide/", views.ComplaintDecideView.as_view(), name="complaint-decide"),
    path("supervision/complaints/<int:pk>/order/", views.ComplaintOrderView.as_view(), name="complaint-order"),
    path(
        "supervision/complaints/<int:pk>/attachment/",
        views.complaint_attachment_download,
        name="complaint-attachment",
    ),
]

urlpatterns = public_patterns + inspection_patterns + draw_patterns + order_patterns + complaint_patterns
