from django.urls import path

from gridcase.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:export_id>/", views.export_status, name="export-status"),
    path("exports/<int:export_id>/download/", views.export_download, name="export-download"),
    path("<str:code>/", views.dashboard_area, name="area"),
    path("<str:code>/targets/", views.target_edit, name="targets"),
    path("<str:code>/report.pdf", views.report_pdf, name="report"),
]
