from django.urls import path

from gridcase.requests import api, views

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_register, name="register"),
    path("wechat/", views.wechat_paste, name="wechat"),
    path("offices/", views.offices, name="offices"),
    path("offices/<int:office_id>/", views.office_queue, name="queue"),
    path("repeats/", views.merge_proposals, name="merge"),
    path("repeats/decide/", views.merge_decide, name="merge-decide"),
    path("lists/", views.three_lists, name="three-lists"),
    path("lists/<int:list_id>/", views.three_list, name="three-list"),
    path("lists/<int:list_id>.xlsx", views.three_list_xlsx, name="three-list-xlsx"),
    path("points/", api.RequestPoints.as_view(), name="points"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/photos/<int:photo_id>/", views.photo_download, name="photo"),
    path("<int:request_id>/<slug:action>/", views.request_action, name="action"),
]
