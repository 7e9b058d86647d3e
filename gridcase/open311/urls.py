from django.urls import path, re_path, register_converter

from gridcase.open311 import views


class FormatConverter:
    """The suffix that picks the format (services.json, requests.xml); an unknown one is refused by the view."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value):
        return value.lower()

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

app_name = "open311"

urlpatterns = [
    path("discovery.<fmt:fmt>", views.discovery, name="discovery"),
    path("v2/services.<fmt:fmt>", views.service_list, name="services"),
    path("v2/services/<str:service_code>.<fmt:fmt>", views.service_definition, name="service"),
    path("v2/requests.<fmt:fmt>", views.service_requests, name="requests"),
    path("v2/requests/<str:service_request_id>.<fmt:fmt>", views.service_request, name="request"),
    path("v2/tokens/<str:token_id>.<fmt:fmt>", views.token, name="token"),
    re_path(r"", views.not_found),  # an error document, not the site's HTML 404 page
]
