"""The REST API (`/api/v1/`): thin views over the apps' selectors and services, one module per app.

Each read calls the app's selector for the requesting user, so the API shows what the pages show. Each write parses
its input, fetches the object through the same visibility rules (404 when the user may not see it), lets the
permission classes ask the apps' predicates (401 without credentials, 403 for a wrong role or region), then calls
exactly one service through `call_service`, which turns a refusal into the API's error body in both languages.
"""

from api.views.auth import TokenView
from api.views.common import ERRORS, ApiViewSet, parse
from api.views.contracts import ContractViewSet, DeliverableViewSet, PurchaseListViewSet
from api.views.evaluations import EvaluationViewSet
from api.views.me import MyNotificationListView, MyNotificationReadAllView, MyNotificationReadView, MyTodoView
from api.views.ocds import OCDS_PACKAGE, OcdsContractReleasesView, OcdsDateRangeSerializer, OcdsReleasePackageView
from api.views.registry import CreditListingViewSet, OrganizationViewSet, PenaltyViewSet
from api.views.statistics import StatisticsView
from api.views.supervision import ComplaintViewSet

__all__ = [
    "ApiViewSet",
    "ComplaintViewSet",
    "ContractViewSet",
    "CreditListingViewSet",
    "PenaltyViewSet",
    "DeliverableViewSet",
    "ERRORS",
    "EvaluationViewSet",
    "MyNotificationListView",
    "MyNotificationReadAllView",
    "MyNotificationReadView",
    "MyTodoView",
    "OCDS_PACKAGE",
    "OcdsContractReleasesView",
    "OcdsDateRangeSerializer",
    "OcdsReleasePackageView",
    "OrganizationViewSet",
    "PurchaseListViewSet",
    "StatisticsView",
    "TokenView",
    "parse",
]
