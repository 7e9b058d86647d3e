from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Builds the demo county from every app's demo builders; owns no tables."""

    name = "gridcase.demo"
    label = "demo"
