"""The villages' public boards (公示栏): no login."""

from django.urls import path

from gridcase.deliberation import views

app_name = "deliberation_public"
urlpatterns = [
    path("<str:village_code>/", views.public_village, name="village"),
    path("<str:village_code>/topics/<int:topic_id>/objection/", views.public_objection, name="objection"),
]
