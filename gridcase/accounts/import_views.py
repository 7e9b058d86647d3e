"""The admin pages of the grid-worker import: upload → preview → confirm → initial passwords.

Between preview and confirm the rows travel signed in the form (nothing is stored); confirm checks
them again against the database before it creates anyone.
"""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from geodata.models import Area, Level
from gridcase.accounts import spreadsheet
from gridcase.accounts.forms import WorkerImportForm
from gridcase.accounts.jurisdiction import scope

SALT = "gridcase.accounts.worker-import"
MAX_AGE = 3600  # a preview left over lunch is still good; one from yesterday is uploaded again
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def admin_urls(model_admin) -> list:
    def wrap(view):
        def checked(request, *args, **kwargs):
            if not model_admin.has_add_permission(request):
                raise PermissionDenied
            return view(request, model_admin, *args, **kwargs)

        return model_admin.admin_site.admin_view(checked)

    return [
        path("import/", wrap(upload), name="accounts_user_import"),
        path("import/confirm/", wrap(require_POST(confirm)), name="accounts_user_import_confirm"),
        path("import/template.xlsx", wrap(template), name="accounts_user_import_template"),
        path("import/passwords.xlsx", wrap(require_POST(passwords)), name="accounts_user_import_passwords"),
    ]


def _render(request, model_admin, step: str, **context):
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
               "title": _("批量导入网格员"), "step": step, "columns": list(spreadsheet.COLUMNS),
               "max_rows": spreadsheet.MAX_ROWS, **context}
    return TemplateResponse(request, "admin/accounts/user/import.html", context)


def _preview(request, model_admin, rows, **context):
    planned = spreadsheet.plan_rows(rows=rows, admin=request.user)
    valid = sum(p.ok for p in planned)
    payload = signing.dumps(spreadsheet.rows_to_data(rows), salt=SALT, compress=True)
    return _render(request, model_admin, "preview", planned=planned, valid=valid, invalid=len(planned) - valid,
                   payload=payload, **context)


def upload(request, model_admin):
    form = WorkerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = spreadsheet.read_rows(name=upload.name, content=upload.read(spreadsheet.MAX_BYTES + 1))
        except spreadsheet.SheetError as exc:
            form.add_error("file", str(exc))
        else:
            return _preview(request, model_admin, rows, filename=upload.name)
    return _render(request, model_admin, "upload", form=form)


def confirm(request, model_admin):
    try:
        rows = spreadsheet.rows_from_data(signing.loads(request.POST.get("payload", ""), salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, TypeError):
        messages.error(request, _("预览已过期或无效，请重新上传名单"))
        return redirect("admin:accounts_user_import")
    planned = spreadsheet.plan_rows(rows=rows, admin=request.user)
    invalid = [p for p in planned if not p.ok]
    if str(len(planned) - len(invalid)) != request.POST.get("expected"):
        return _preview(request, model_admin, rows, refused=_(
            "名单在预览后已有变化（例如有手机号刚被别的账号使用），未导入任何人：请看下面每行的结果后再确认。"))
    if invalid and request.POST.get("all_or_nothing"):
        return _preview(request, model_admin, rows, refused=_(
            "有 %(n)d 行有错误，按您的选择一个也没有导入。请改正文件后重新上传。") % {"n": len(invalid)})
    valid = [p for p in planned if p.ok]
    if not valid:
        return _preview(request, model_admin, rows, refused=_("没有可以导入的行：请改正文件后重新上传。"))
    try:
        created = spreadsheet.workers_create(planned=valid, admin=request.user)
    except ValueError as exc:
        return _preview(request, model_admin, rows, refused=str(exc))
    data = [vars(c) for c in created]
    return _render(request, model_admin, "done", created=data, skipped=len(invalid),
                   credentials=signing.dumps(data, salt=SALT, compress=True))


def template(request, model_admin):
    village = scope(Area.objects.filter(level=Level.VILLAGE), request.user).select_related("parent").first()
    response = HttpResponse(spreadsheet.template_xlsx(example_village=village), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="grid-workers-template.xlsx"'
    return response


def passwords(request, model_admin):
    try:
        data = signing.loads(request.POST.get("credentials", ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("初始密码表已过期：密码只在导入后一小时内可下载，过期请在用户页逐个重设密码"))
        return redirect("admin:accounts_user_changelist")
    response = HttpResponse(spreadsheet.credentials_xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="grid-workers-passwords.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
