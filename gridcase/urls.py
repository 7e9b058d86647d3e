from django.contrib import admin
from django.urls import include, path

from gridcase.cases.api import CasePoints, NearbyCases

urlpatterns = [
    path("", include("gridcase.front.urls")),
    path("accounts/", include("gridcase.accounts.urls")),
    path("cases/", include("gridcase.cases.urls")),
    path("hazards/", include("gridcase.hazards.urls")),
    path("rules/", include("gridcase.escalation.urls")),
    path("deliberation/", include("gridcase.deliberation.urls")),
    path("public/", include("gridcase.deliberation.public_urls")),
    path("requests/", include("gridcase.requests.urls")),
    path("patrols/", include("gridcase.patrols.urls")),
    path("", include("gridcase.notifications.urls")),
    path("api/v1/", include("gridcase.api.urls")),
    path("open311/", include("gridcase.open311.urls")),
    path("api/geodata/", include("geodata.urls")),
    path("api/cases/points/", CasePoints.as_view(), name="case-points"),
    path("api/cases/nearby/", NearbyCases.as_view(), name="case-nearby"),
    path("dashboard/", include("gridcase.dashboards.urls")),
    path("api/dashboards/", include("gridcase.dashboards.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
