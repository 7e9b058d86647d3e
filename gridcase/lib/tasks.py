def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` to the worker once the current transaction commits, so it never sees uncommitted
    rows and never runs for work that was rolled back — and, through the outbox, is not lost when
    the broker is down at that moment."""
    from gridcase.outbox.services import enqueue  # lib stays importable before the apps are loaded

    enqueue(task, *args, **kwargs)
