from django.urls import path

from gridcase.notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read/", views.read, name="read"),
    path("inbox/read-all/", views.read_all, name="read-all"),
    path("inbox/<int:notification_id>/ack/", views.acknowledge, name="acknowledge"),
    path("inbox/settings/", views.contact_settings, name="settings"),
]
