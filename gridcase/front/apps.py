from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "gridcase.front"
    label = "front"

    def ready(self):
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import request_finished

        from gridcase.lib import logs

        request_finished.connect(lambda **kw: logs.request_id.set("-"), weak=False)
        # A task's log lines carry its id where a request's carry the request's.
        task_prerun.connect(lambda task_id=None, **kw: logs.request_id.set(f"task-{task_id}"), weak=False)
        task_postrun.connect(lambda **kw: logs.request_id.set("-"), weak=False)
