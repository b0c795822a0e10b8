from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from legal_crm.core import error_views
from legal_crm.core.api_auth import ObtainTokenView
from legal_crm.core.favicon import favicon

# The lead intake first: websites and partners post many times a second, and every include tried before the one
# that matches costs a failed resolution (an exception and its list of tried patterns).
api_v1 = [
    path("", include("legal_crm.leads.api")),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("health/", error_views.health, name="api-health"),
    path("", include("legal_crm.directory.api")),
    path("", include("legal_crm.contracts.api")),
    path("", include("legal_crm.billing.api")),
]

urlpatterns = [
    path("health/", error_views.health, name="health"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/leads/lead/", include("legal_crm.leads.urls_desk")),  # the lead card, before the admin
    path("admin/finance/reports/", include("legal_crm.finance.urls_desk")),  # finance reports, before the admin
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("callbacks/messaging/", include("legal_crm.messaging.urls")),  # providers' delivery reports
    path("u/", include("legal_crm.campaigns.urls")),  # the unsubscribe link of advertising messages (public)
    path("callbacks/telephony/", include("legal_crm.telephony.urls")),  # PBX notifications (Mango, Zadarma)
    path("portal/", include("legal_crm.portal.urls")),  # the client portal (its own sign-in, no staff session)
    path("r/", include("legal_crm.quality.urls_public")),  # a client's one-time review link (public)
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# No public /media/: uploaded files (passport scans, payment documents) are served only by views that check who
# asks (contracts' document download, billing's payment document).

# Under /api/ a 404 or 500 is the API's JSON; the database unreachable is a 503 (core.error_views).
handler400 = "legal_crm.core.error_views.bad_request"
handler404 = "legal_crm.core.error_views.page_not_found"
handler500 = "legal_crm.core.error_views.server_error"
