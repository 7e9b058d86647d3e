from celery import shared_task

from gridcase.dashboards import rollup, services


@shared_task(soft_time_limit=1800)
def run_export(export_id: int) -> None:
    services.export_run(export_id=export_id)


@shared_task(soft_time_limit=600)
def refresh_rollup() -> int:
    """Rebuild the months of the measure rollup that changes marked dirty (gridcase.schedules)."""
    return rollup.refresh_dirty()
