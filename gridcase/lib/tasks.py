from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` to the worker once the current transaction commits, so it never sees uncommitted
    rows and never runs for work that was rolled back."""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
