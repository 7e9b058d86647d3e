from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "gridcase.front"
    label = "front"
