"""Exports of the ledgers: requested on a page, written by a Celery worker, downloaded when done."""

import io
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from geodata.models import Area
from gridcase.accounts.jurisdiction import covers_code
from gridcase.dashboards import ledgers, selectors
from gridcase.dashboards.models import Export
from gridcase.lib import clock
from gridcase.lib.tasks import enqueue_on_commit

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_DAYS = 3 * 366


class ExportError(Exception):
    pass


@transaction.atomic
def export_request(*, actor, kind: str, code: str, start: date, end: date) -> Export:
    """Queue a ledger of the cases (or hazards) registered in [start, end] under `code`, of those the actor may see."""
    selectors.home_area(actor)
    if kind not in Export.Kind.values:
        raise ExportError(_("未知台账类型"))
    if not covers_code(actor, code) or not Area.objects.filter(code=code).exists():
        raise ExportError(_("区域代码不存在或不在您的辖区内"))
    if end < start or (end - start).days > MAX_DAYS:
        raise ExportError(_("日期范围无效（最长三年）"))
    export = Export.objects.create(user=actor, kind=kind, area_code=code, start=start, end=end, created_at=clock.now())
    from gridcase.dashboards import tasks

    enqueue_on_commit(tasks.run_export, export.pk)
    return export


def export_run(*, export_id: int) -> None:
    """Write the ledger. Claimed with a conditional update: a second worker given the same id
    returns at once."""
    if Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(status=Export.Status.RUNNING) != 1:
        return
    export = Export.objects.select_related("user").get(pk=export_id)
    try:
        objects = ledgers.LAYOUTS[export.kind].objects(user=export.user, code=export.area_code, start=export.start,
                                                       end=export.end)
        total = objects.count()
        Export.objects.filter(pk=export.pk).update(total=total)
        area = Area.objects.get(code=export.area_code)
        out = io.BytesIO()
        title = f"{area.name}（{export.start:%Y-%m-%d} 至 {export.end:%Y-%m-%d}）"
        rows = ledgers.write(kind=export.kind, user=export.user, title=title, objects=objects.iterator(chunk_size=500),
                             out=out, progress=lambda n: Export.objects.filter(pk=export.pk).update(done_rows=n))
        export.file.save(f"{export.kind}-{export.pk}.xlsx", ContentFile(out.getvalue()), save=False)
        Export.objects.filter(pk=export.pk).update(file=export.file.name, done_rows=rows, total=rows,
                                                   status=Export.Status.DONE, finished_at=clock.now())
    except Exception as exc:
        log.exception("export %s failed", export_id)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error=str(exc)[:500],
                                                   finished_at=clock.now())
        raise
