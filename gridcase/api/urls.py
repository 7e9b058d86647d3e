from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from geodata.api import AreaDetail, AreaList, KeyAreaList, Locate
from gridcase.api import views
from gridcase.cases.api import CasePoints, NearbyCases

app_name = "api"

urlpatterns = [
    path("areas/", AreaList.as_view(), name="area-list"),
    path("areas/<str:code>/", AreaDetail.as_view(), name="area-detail"),
    path("key-areas/", KeyAreaList.as_view(), name="key-area-list"),
    path("locate/", Locate.as_view(), name="locate"),
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/points/", CasePoints.as_view(), name="case-points"),
    path("cases/nearby/", NearbyCases.as_view(), name="case-nearby"),
    path("cases/<int:case_id>/", views.CaseDetail.as_view(), name="case-detail"),
    path("cases/<int:case_id>/events/", views.CaseEvents.as_view(), name="case-events"),
    path("cases/<int:case_id>/transitions/<str:name>", views.CaseTransition.as_view(), name="case-transition"),
    path("notifications/", views.NotificationList.as_view(), name="notification-list"),
    path("notifications/<int:notification_id>/read", views.NotificationRead.as_view(), name="notification-read"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"", views.no_such_resource),  # a problem, not the site's HTML 404 page
]
