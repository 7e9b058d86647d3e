from django.urls import path

from gridcase.hazards import api, views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_report, name="report"),
    path("api/points/", api.HazardPoints.as_view(), name="points"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:task_id>/", views.inspection_detail, name="inspection"),
    path("<int:hazard_id>/", views.hazard_detail, name="detail"),
    path("<int:hazard_id>/photos/<int:photo_id>/", views.photo_download, name="photo"),
    path("<int:hazard_id>/<slug:action>/", views.hazard_action, name="action"),
]
