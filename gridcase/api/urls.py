from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from geodata.api import AreaDetail, AreaList, KeyAreaList, Locate
from gridcase.api import dashboards, deliberation, hazards, patrols, requests, views
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
    path("cases/<int:case_id>/sessions/", views.CaseSessions.as_view(), name="case-sessions"),
    path("cases/<int:case_id>/agreement", views.CaseAgreement.as_view(), name="case-agreement"),
    path("cases/<int:case_id>/follow-ups/", views.CaseFollowUps.as_view(), name="case-follow-ups"),
    path("hazards/", hazards.HazardList.as_view(), name="hazard-list"),
    path("hazards/<int:hazard_id>/", hazards.HazardDetail.as_view(), name="hazard-detail"),
    path("hazards/<int:hazard_id>/events/", hazards.HazardEvents.as_view(), name="hazard-events"),
    path("hazards/<int:hazard_id>/transitions/<str:name>", hazards.HazardTransition.as_view(), name="hazard-transition"),
    path("patrols/", patrols.PatrolList.as_view(), name="patrol-list"),
    path("patrols/<int:patrol_id>/", patrols.PatrolDetail.as_view(), name="patrol-detail"),
    path("patrols/<int:patrol_id>/track/", patrols.PatrolTrack.as_view(), name="patrol-track"),
    path("patrols/<int:patrol_id>/check-ins/", patrols.PatrolCheckIns.as_view(), name="patrol-check-ins"),
    path("patrols/<int:patrol_id>/transitions/<str:name>", patrols.PatrolTransition.as_view(), name="patrol-transition"),
    path("requests/", requests.RequestList.as_view(), name="request-list"),
    path("requests/<int:request_id>/", requests.RequestDetail.as_view(), name="request-detail"),
    path("requests/<int:request_id>/events/", requests.RequestEvents.as_view(), name="request-events"),
    path("requests/<int:request_id>/transitions/<str:name>", requests.RequestTransition.as_view(),
         name="request-transition"),
    path("topics/", deliberation.TopicList.as_view(), name="topic-list"),
    path("topics/<int:topic_id>/", deliberation.TopicDetail.as_view(), name="topic-detail"),
    path("topics/<int:topic_id>/events/", deliberation.TopicEvents.as_view(), name="topic-events"),
    path("topics/<int:topic_id>/transitions/<str:name>", deliberation.TopicTransition.as_view(), name="topic-transition"),
    path("meetings/", deliberation.MeetingList.as_view(), name="meeting-list"),
    path("meetings/<int:meeting_id>/", deliberation.MeetingDetail.as_view(), name="meeting-detail"),
    path("measures/", dashboards.Measures.as_view(), name="measures"),
    path("heat/", dashboards.Heat.as_view(), name="heat"),
    path("notifications/", views.NotificationList.as_view(), name="notification-list"),
    path("notifications/<int:notification_id>/read", views.NotificationRead.as_view(), name="notification-read"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"", views.no_such_resource),  # a problem, not the site's HTML 404 page
]
