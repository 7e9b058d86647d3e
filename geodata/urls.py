from django.urls import path

from geodata import api

app_name = "geodata"
urlpatterns = [
    path("areas/", api.AreaList.as_view(), name="areas"),
    path("areas/<str:code>/", api.AreaDetail.as_view(), name="area"),
    path("key-areas/", api.KeyAreaList.as_view(), name="key-areas"),
    path("locate/", api.Locate.as_view(), name="locate"),
]
