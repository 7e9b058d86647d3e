from django.urls import path

from gridcase.dashboards import api

app_name = "dashboards_api"
urlpatterns = [
    path("heat/", api.heat_map, name="heat"),
    path("choropleth/", api.Choropleth.as_view(), name="choropleth"),
    path("hot-spots/", api.HotSpots.as_view(), name="hot-spots"),
]
