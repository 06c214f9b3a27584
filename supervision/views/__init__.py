"""Supervision pages, by part: public (complaint filing and tracking, credit listings), inspections, draws, orders,
complaints; base holds what they share.

Views parse the request, fetch the record with a supervision.access helper (which also decides 403 or 404), call one
selector or service and render; who may do what is decided in supervision/permissions.py, which actions a status
allows in supervision/workflows.py, and every rule in supervision/services/, whose ValidationErrors appear on the
forms.

Answers for users who may not act: anonymous users are sent to the login page; a signed-in user without the role the
page needs (official, organization member) gets 403; an object outside the user's reach — missing, another region's,
another organization's — gets 404, the same answer as for one that does not exist. Files answer 404 to everyone who
may not download them.
"""

from supervision.views.base import ActionView, OrganizationActionView
from supervision.views.complaints import (
    ComplaintActionView,
    ComplaintDecideView,
    ComplaintDetailView,
    ComplaintOrderView,
    ComplaintQueueView,
    ComplaintReviewView,
    complaint_attachment_download,
)
from supervision.views.draws import (
    DrawCreateView,
    DrawDetailView,
    DrawListView,
    DrawPlanView,
    draw_population,
    draw_preview,
)
from supervision.views.inspections import (
    InspectionActionView,
    InspectionAttachmentView,
    InspectionCompleteView,
    InspectionDetailView,
    InspectionEditView,
    InspectionListView,
    InspectionPlanView,
    OrderFromInspectionView,
    inspection_attachment_download,
)
from supervision.views.orders import (
    MyOrderListView,
    OrderActionView,
    OrderAnswerView,
    OrderDecideView,
    OrderDetailView,
    OrderIssueView,
    OrderListView,
    RemovableListingListView,
    order_file_download,
)
from supervision.views.public import (
    ComplaintCreateView,
    ComplaintFiledView,
    ComplaintTrackView,
    CreditListingListView,
    organization_suggestions,
)

__all__ = [
    "ActionView",
    "ComplaintActionView",
    "ComplaintCreateView",
    "ComplaintDecideView",
    "ComplaintDetailView",
    "ComplaintFiledView",
    "ComplaintOrderView",
    "ComplaintQueueView",
    "ComplaintReviewView",
    "ComplaintTrackView",
    "CreditListingListView",
    "DrawCreateView",
    "DrawDetailView",
    "DrawListView",
    "DrawPlanView",
    "InspectionActionView",
    "InspectionAttachmentView",
    "InspectionCompleteView",
    "InspectionDetailView",
    "InspectionEditView",
    "InspectionListView",
    "InspectionPlanView",
    "MyOrderListView",
    "OrderActionView",
    "OrderAnswerView",
    "OrderDecideView",
    "OrderDetailView",
    "OrderFromInspectionView",
    "OrderIssueView",
    "OrderListView",
    "OrganizationActionView",
    "RemovableListingListView",
    "complaint_attachment_download",
    "draw_population",
    "draw_preview",
    "inspection_attachment_download",
    "order_file_download",
    "organization_suggestions",
]
