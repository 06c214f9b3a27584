from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from api import views as api_views

urlpatterns = [
    path("", include("portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("organizations/", include("registry.urls")),
    path("evaluations/", include("evaluations.urls")),
    # Before the contract pages: the contract's OCDS releases live beside its page.
    path("contracts/<str:number>/ocds.json", api_views.OcdsContractReleasesView.as_view(), name="contract-ocds"),
    path("", include("contracts.urls")),
    path("", include("supervision.urls")),
    path("statistics/", include("stats.urls")),
    path("api/", include("api.urls")),
    path("exports/", include("api.export_urls")),
    path("admin/", admin.site.urls),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
