from django.urls import path

from gridcase.escalation import views

app_name = "escalation"
urlpatterns = [
    path("", views.rule_list, name="rules"),
    path("new/", views.rule_edit, name="new"),
    path("<int:rule_id>/", views.rule_edit, name="edit"),
]
