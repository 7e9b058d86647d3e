from django.urls import path

from gridcase.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_register, name="register"),
    path("assign/", views.bulk_assign, name="bulk-assign"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:case_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:case_id>/acceptance.pdf", views.acceptance_pdf, name="acceptance_pdf"),
    path("<int:case_id>/<slug:action>/", views.case_action, name="action"),
]
