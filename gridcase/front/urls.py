from django.urls import path

from gridcase.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's, a PDF's tab).
    path("favicon.ico", views.favicon, name="favicon"),
]
