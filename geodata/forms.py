from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from geodata.models import Level

CRS_CHOICES = [("", _("按文件声明")), ("wgs84", "WGS-84 / CGCS2000"), ("gcj02", _("GCJ-02（高德、腾讯、DataV）")),
               ("bd09", _("BD-09（百度）"))]
ALLOWED_SUFFIXES = (".geojson", ".json", ".zip")


class AreaImportForm(forms.Form):
    file = forms.FileField(label=_("边界文件"), help_text=_("GeoJSON，或打包为 .zip 的 Shapefile（含 .shp/.shx/.dbf/.prj）"))
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices)
    parent = forms.CharField(label=_("上级代码"), required=False, help_text=_("留空则按代码前缀确定上级"))
    crs = forms.ChoiceField(label=_("坐标系"), choices=CRS_CHOICES, required=False)
    epsg = forms.IntegerField(label=_("或 EPSG 代码"), required=False, min_value=1024, max_value=999999)
    code_field = forms.CharField(label=_("代码字段"), initial="code")
    name_field = forms.CharField(label=_("名称字段"), initial="name")
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只接受 .geojson、.json 或 .zip 文件"))
        if upload.size > settings.GEODATA_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（上限 %(mb)d MB）") % {"mb": settings.GEODATA_MAX_UPLOAD_BYTES // 2**20})
        return upload

    def crs_value(self) -> str | None:
        if self.cleaned_data.get("epsg"):
            return f"EPSG:{self.cleaned_data['epsg']}"
        return self.cleaned_data.get("crs") or None
