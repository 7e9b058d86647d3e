import tempfile
from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from geodata.forms import AreaImportForm
from geodata.importer import import_areas
from geodata.models import Area, KeyArea, Level
from gridcase.accounts.jurisdiction import covers_code, jurisdiction_codes, scope


@admin.register(Area)
class AreaAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "level", "parent", "population", "households"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    change_list_template = "admin/geodata/area/change_list.html"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def get_search_results(self, request, queryset, search_term):
        """The user form's pickers: a jurisdiction is a town, village or county; grids are searched
        within the area chosen on the form (`area`, sent by static/js/admin/grids.js)."""
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "user" and request.GET.get("app_label") == "accounts":
            field = request.GET.get("field_name")
            if field == "area":
                queryset = queryset.exclude(level=Level.GRID)
            elif field == "grids":
                queryset = queryset.filter(level=Level.GRID)
                area_id = request.GET.get("area", "")
                code = Area.objects.filter(pk=area_id).values_list("code", flat=True).first() if area_id.isdigit() else None
                if code:
                    queryset = queryset.filter(code__startswith=code)
        return queryset, distinct

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="geodata_area_import")]\
            + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = AreaImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            parent = data["parent"] or None
            if parent and not covers_code(request.user, parent):
                form.add_error("parent", _("上级代码不在您的辖区内"))
            else:
                report = self._import_upload(data, form.crs_value(), parent, jurisdiction_codes(request.user))
        context = {**self.admin_site.each_context(request), "form": form, "report": report,
                   "preview": report.preview_geojson() if report else None,
                   "opts": self.model._meta, "title": _("导入边界")}
        return TemplateResponse(request, "admin/geodata/area/import.html", context)

    @staticmethod
    def _import_upload(data, crs, parent, allowed):
        upload = data["file"]
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / Path(upload.name).name
            with open(target, "wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
            return import_areas(str(target), level=data["level"], parent_code=parent, crs=crs,
                                code_field=data["code_field"], name_field=data["name_field"], dry_run=data["dry_run"],
                                allowed=allowed)


@admin.register(KeyArea)
class KeyAreaAdmin(LeafletGeoAdmin):
    list_display = ["name", "area", "patrols_per_week"]
    search_fields = ["name", "area__name"]
    raw_id_fields = ["area"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area__code")
