from django.urls import path

from geodata import api, views

app_name = "geodata"
urlpatterns = [
    path("areas/", api.AreaList.as_view(), name="areas"),
    path("areas/<str:code>/", api.AreaDetail.as_view(), name="area"),
    path("key-areas/", api.KeyAreaList.as_view(), name="key-areas"),
    path("locate/", api.Locate.as_view(), name="locate"),
    # The offline basemap (geodata.basemap.TILE_URL): z/x/y as text, so that nonsense is a 400, not a 404.
    path("tiles/<str:z>/<str:x>/<str:y>", views.tile, name="tile"),
]
