"""Uploaded files are untrusted. Every app stores photos and scans through `accept`: the type is
read from the file's first bytes (never its name or the browser's word), the size is capped, the
stored name is new, and images are decoded and encoded again, which drops what rode along —
EXIF with the phone's GPS position and serial number, trailing data, polyglot payloads."""

import io
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

SIGNATURES = {"image/jpeg": [b"\xff\xd8\xff"], "image/png": [b"\x89PNG\r\n\x1a\n"], "image/webp": [b"RIFF"],
              "application/pdf": [b"%PDF-"]}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
PHOTO_TYPES = frozenset(PIL_FORMATS)
# A photo from a phone is at most ~50 megapixels; more is a decompression bomb.
MAX_PIXELS = 60_000_000


class StoredUpload(models.Model):
    """What is kept of an accepted upload besides the file (which a concrete model declares, with its
    own folder): the name it came with, its checked type and size, who uploaded it and when."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class UploadRefused(ValueError):
    """The message is for the user."""


@dataclass
class Accepted:
    file: ContentFile
    content_type: str
    original_name: str
    size: int


def sniff(head: bytes) -> str | None:
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(s) for s in signatures) and (content_type != "image/webp" or head[8:12] == b"WEBP"):
            return content_type
    return None


def _reencode(data: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(_("图片尺寸过大"))
            image = ImageOps.exif_transpose(image)  # keep the picture upright once the EXIF is gone
            if content_type == "image/jpeg" and image.mode not in {"RGB", "L"}:
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format=PIL_FORMATS[content_type], quality=88)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UploadRefused(_("图片已损坏或无法识别")) from exc


def accept(upload, *, allowed: set[str], max_bytes: int) -> Accepted:
    """Check and clean an uploaded file; raise UploadRefused with a message for the user."""
    photos_only = allowed <= set(PIL_FORMATS)
    if upload.size > max_bytes:
        message = _("照片过大：上限 %(mb)d MB") if photos_only else _("文件过大：上限 %(mb)d MB")
        raise UploadRefused(message % {"mb": max(1, max_bytes // 2**20)})
    data = upload.read()
    content_type = sniff(data[:16])
    if content_type not in allowed:
        raise UploadRefused(_("只接受 JPEG、PNG 或 WebP 照片") if photos_only else _("只接受 JPEG、PNG、WebP 图片或 PDF 文件"))
    if content_type in PIL_FORMATS:
        data = _reencode(data, content_type)
    name = f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"  # never a client's name on disk
    return Accepted(file=ContentFile(data, name=name), content_type=content_type,
                    original_name=download_name(upload.name or "", content_type), size=len(data))


def download_name(name: str, content_type: str) -> str:
    """The client's name as a download may carry it: no path or control characters, and ending in
    the extension of what the file really is ("doc.pdf.html" holding a PDF is "doc.pdf")."""
    base = _UNSAFE.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().rstrip(". ")
    extension = EXTENSIONS[content_type]
    stem = (base.rsplit(".", 1)[0] if "." in base else base) or "file"
    if stem.lower().endswith(extension):
        stem = stem[:-len(extension)]
    return stem[:200 - len(extension)] + extension


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"<>:|?*]")
