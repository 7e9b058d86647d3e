"""Real, tiny pictures for upload tests (uploads are decoded and re-encoded, so fakes are refused)."""

import io

from PIL import Image


def picture(format: str = "PNG", size=(40, 30), exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, format=format, **({"exif": exif} if exif else {}))
    return out.getvalue()


PNG = picture("PNG")
JPEG = picture("JPEG")
