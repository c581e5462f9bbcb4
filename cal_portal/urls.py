from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cal_portal import views

admin.site.site_header = "CAL Portal"
admin.site.site_title = "CAL Portal"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("centres.api.urls")),
    path("api/v1/", include("partnerships.api.urls")),
    path("api/v1/", include("diagnosis.api.urls")),
    path("api/v1/", include("network.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("partnerships.urls")),
    path("", include("diagnosis.urls")),
    path("", include("network.urls")),
    path("", include("centres.urls")),
]

handler404 = "cal_portal.views.page_not_found"
handler500 = "cal_portal.views.server_error"
