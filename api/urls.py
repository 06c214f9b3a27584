"""API routes: `/api/v1/...` (the router's root lists them), the OpenAPI schema and its documentation pages."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"


class ApiRouter(DefaultRouter):
    """The router whose root page (`/api/v1/`) also links the OCDS release package."""

    def get_api_root_view(self, api_urls=None):
        view = super().get_api_root_view(api_urls)
        view.initkwargs["api_root_dict"]["ocds/releases"] = "ocds-releases"
        view.initkwargs["api_root_dict"]["statistics"] = "statistics"
        return view


router = ApiRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("credit-listings", views.CreditListingViewSet, basename="credit-listing")
router.register("penalties", views.PenaltyViewSet, basename="penalty")
router.register("purchase-lists", views.PurchaseListViewSet, basename="purchase-list")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("deliverables", views.DeliverableViewSet, basename="deliverable")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/ocds/releases/", views.OcdsReleasePackageView.as_view(), name="ocds-releases"),
    path("v1/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/me/todo/", views.MyTodoView.as_view(), name="me-todo"),
    path("v1/me/notifications/", views.MyNotificationListView.as_view(), name="me-notifications"),
    path("v1/me/notifications/read-all/", views.MyNotificationReadAllView.as_view(), name="me-notifications-read-all"),
    path("v1/me/notifications/<int:pk>/read/", views.MyNotificationReadView.as_view(), name="me-notification-read"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
]
