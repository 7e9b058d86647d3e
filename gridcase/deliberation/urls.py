from django.urls import path, re_path

from gridcase.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.topic_list, name="list"),
    path("new/", views.topic_propose, name="propose"),
    path("reviews/", views.review_queue, name="reviews"),
    path("measures/", views.measures_page, name="measures"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_edit, name="meeting-new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:meeting_id>/schedule/", views.meeting_schedule, name="meeting-schedule"),
    path("meetings/<int:meeting_id>/agenda/<int:item_id>/remove/", views.meeting_unschedule, name="meeting-unschedule"),
    path("meetings/<int:meeting_id>/agenda/<int:item_id>/minutes/", views.minutes_record, name="minutes"),
    path("meetings/<int:meeting_id>/record.pdf", views.meeting_record_pdf, name="meeting-record-pdf"),
    re_path(r"^register/(?P<village_code>\d{12})\.(?P<fmt>pdf|xlsx)$", views.problem_register, name="register"),
    re_path(r"^advisers/(?P<town_code>\d{9})\.(?P<fmt>pdf|xlsx)$", views.advisers_list, name="advisers"),
    path("<int:topic_id>/", views.topic_detail, name="detail"),
    path("<int:topic_id>/objections/<int:objection_id>/answer/", views.objection_answer, name="answer"),
    path("<int:topic_id>/photos/<int:photo_id>/", views.progress_photo, name="photo"),
    path("<int:topic_id>/<slug:action>/", views.topic_action, name="action"),
]
