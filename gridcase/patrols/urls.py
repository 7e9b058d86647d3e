from django.urls import path

from gridcase.patrols import api, views

app_name = "patrols"
urlpatterns = [
    path("", views.patrol_list, name="list"),
    path("new/", views.patrol_new, name="new"),
    path("measures/", views.measures, name="measures"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dispatches/<int:dispatch_id>/", views.dispatch_detail, name="dispatch-detail"),
    path("<int:patrol_id>/", views.patrol_detail, name="detail"),
    path("<int:patrol_id>/record/", views.patrol_record, name="record"),
    path("<int:patrol_id>/findings/", views.patrol_finding, name="finding"),
    path("<int:patrol_id>/<slug:action>/", views.patrol_action, name="action"),
    # JSON
    path("api/tracks/", api.Tracks.as_view(), name="api-tracks"),
    path("api/key-areas/", api.KeyAreaCompliance.as_view(), name="api-key-areas"),
    path("api/candidates/", api.DispatchCandidates.as_view(), name="api-candidates"),
    path("api/<int:patrol_id>/points/", api.TrackUpload.as_view(), name="api-upload"),
    path("api/<int:patrol_id>/track/", api.PatrolTrack.as_view(), name="api-track"),
]
