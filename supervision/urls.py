from django.urls import path

from supervision.views import complaints, draws, inspections, orders, public

app_name = "supervision"

public_patterns = [
    path("complaints/new/", public.ComplaintCreateView.as_view(), name="complaint-create"),
    path("complaints/filed/", public.ComplaintFiledView.as_view(), name="complaint-filed"),
    path("complaints/track/", public.ComplaintTrackView.as_view(), name="complaint-track"),
    path("complaints/organizations/", public.organization_suggestions, name="organization-suggestions"),
    path("credit-listings/", public.CreditListingListView.as_view(), name="credit-listings"),
]

inspection_patterns = [
    path("supervision/inspections/", inspections.InspectionListView.as_view(), name="inspection-list"),
    path("supervision/inspections/new/", inspections.InspectionPlanView.as_view(), name="inspection-create"),
    path("supervision/inspections/<int:pk>/", inspections.InspectionDetailView.as_view(), name="inspection-detail"),
    path("supervision/inspections/<int:pk>/edit/", inspections.InspectionEditView.as_view(), name="inspection-edit"),
    path(
        "supervision/inspections/<int:pk>/complete/",
        inspections.InspectionCompleteView.as_view(),
        name="inspection-complete",
    ),
    path(
        "supervision/inspections/<int:pk>/attachments/new/",
        inspections.InspectionAttachmentView.as_view(),
        name="inspection-attachment-create",
    ),
    path(
        "supervision/inspections/<int:pk>/attachments/<int:attachment_pk>/",
        inspections.inspection_attachment_download,
        name="inspection-attachment",
    ),
    path(
        "supervision/inspections/<int:pk>/order/",
        inspections.OrderFromInspectionView.as_view(),
        name="inspection-order",
    ),
]

draw_patterns = [
    path("supervision/draws/", draws.DrawListView.as_view(), name="draw-list"),
    path("supervision/draws/new/", draws.DrawCreateView.as_view(), name="draw-create"),
    path("supervision/draws/preview/", draws.draw_preview, name="draw-preview"),
    path("supervision/draws/<int:pk>/", draws.DrawDetailView.as_view(), name="draw-detail"),
    path("supervision/draws/<int:pk>/population.txt", draws.draw_population, name="draw-population"),
    path("supervision/draws/<int:pk>/plan/", draws.DrawPlanView.as_view(), name="draw-plan"),
]

order_patterns = [
    path("supervision/orders/", orders.OrderListView.as_view(), name="order-list"),
    path("supervision/orders/mine/", orders.MyOrderListView.as_view(), name="my-orders"),
    path("supervision/orders/new/", orders.OrderIssueView.as_view(), name="order-create"),
    path("supervision/orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("supervision/orders/<int:pk>/answer/", orders.OrderAnswerView.as_view(), name="order-answer"),
    path("supervision/orders/<int:pk>/decide/", orders.OrderDecideView.as_view(), name="order-decide"),
    path("supervision/orders/<int:pk>/files/<int:file_pk>/", orders.order_file_download, name="order-file"),
    path("supervision/listings/removable/", orders.RemovableListingListView.as_view(), name="listings-removable"),
]

complaint_patterns = [
    path("supervision/complaints/", complaints.ComplaintQueueView.as_view(), name="complaint-queue"),
    path("supervision/complaints/<int:pk>/", complaints.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("supervision/complaints/<int:pk>/accept/", complaints.ComplaintAcceptView.as_view(), name="complaint-accept"),
    path(
        "supervision/complaints/<int:pk>/not-accept/",
        complaints.ComplaintNotAcceptView.as_view(),
        name="complaint-not-accept",
    ),
    path("supervision/complaints/<int:pk>/review/", complaints.ComplaintReviewView.as_view(), name="complaint-review"),
    path("supervision/complaints/<int:pk>/decide/", complaints.ComplaintDecideView.as_view(), name="complaint-decide"),
    path("supervision/complaints/<int:pk>/order/", complaints.ComplaintOrderView.as_view(), name="complaint-order"),
    path(
        "supervision/complaints/<int:pk>/attachment/",
        complaints.complaint_attachment_download,
        name="complaint-attachment",
    ),
]

urlpatterns = public_patterns + inspection_patterns + draw_patterns + order_patterns + complaint_patterns
