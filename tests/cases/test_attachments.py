import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridcase.cases import services
from gridcase.lib.uploads import download_name
from tests.images import PNG, picture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_is_stored_under_a_new_name(make_case, users):
    attachment = services.case_attach(case=make_case(), actor=users["worker"],
                                      upload=SimpleUploadedFile("../../etc/现场.png", PNG))

    assert attachment.content_type == "image/png" and attachment.original_name == "现场.png"
    assert attachment.file.name.startswith("cases/") and attachment.file.name.endswith(".png")
    assert ".." not in attachment.file.name


def test_a_file_that_only_claims_to_be_a_photo_is_refused(make_case, users):
    with pytest.raises(services.CaseError, match="只接受"):
        services.case_attach(case=make_case(), actor=users["worker"],
                             upload=SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>"))


def test_a_file_over_the_limit_is_refused(make_case, users, settings):
    settings.CASE_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(services.CaseError, match="文件过大"):
        services.case_attach(case=make_case(), actor=users["worker"], upload=SimpleUploadedFile("p.png", PNG))


def test_the_upload_page_reports_the_refusal(make_case, login):
    case = make_case()
    page = login("worker").post(f"/cases/{case.pk}/attach/",
                                {"kind": "photo", "file": SimpleUploadedFile("x.png", b"not an image")})
    assert page.status_code == 200 and "只接受" in page.content.decode()
    assert not case.attachments.exists()


def test_an_attachment_is_served_only_within_the_jurisdiction(make_case, users, login):
    case = make_case()
    attachment = services.case_attach(case=case, actor=users["worker"], upload=SimpleUploadedFile("现场.png", PNG))
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"

    mine = login("cadre").get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(mine.streaming_content))).size == (40, 30)
    assert login("cadre2").get(url).status_code == 404


def test_a_phone_photo_loses_its_gps_position_and_keeps_its_picture(make_case, users):
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"  # Make
    exif[0x8825] = {1: "N", 2: (33.0, 48.0, 12.5), 3: "E", 4: (118.0, 17.0, 3.2)}  # GPSInfo
    photo = picture("JPEG", exif=exif)
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the phone did write its position

    attachment = services.case_attach(case=make_case(), actor=users["worker"], upload=SimpleUploadedFile("p.jpg", photo))

    with attachment.file.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
    assert stored.format == "JPEG" and stored.size == (40, 30)
    assert not stored.getexif().get_ifd(0x8825) and 0x010F not in stored.getexif()


def test_a_broken_image_with_a_valid_header_is_refused(make_case, users):
    with pytest.raises(services.CaseError, match="损坏"):
        services.case_attach(case=make_case(), actor=users["worker"],
                             upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64))



def test_a_download_is_named_for_what_the_file_is_not_what_it_was_called(make_case, users, login):
    case = make_case()
    attachment = services.case_attach(case=case, actor=users["worker"],
                                      upload=SimpleUploadedFile("doc.pdf.html", b"%PDF-1.4\n%%EOF\n"))
    assert attachment.original_name == "doc.pdf"
    response = login("cadre").get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and "doc.pdf" in response["Content-Disposition"]
    assert ".html" not in response["Content-Disposition"]


@pytest.mark.parametrize(("sent", "kept"), [("现场.html", "现场.png"), ("C:\\照片\\a<b>.PNG", "ab.png"),
                                            ("", "file.png"), (".png", "file.png"), ("x" * 300 + ".png", "x" * 196 + ".png")])
def test_a_download_name_has_no_path_no_markup_and_the_real_extension(sent, kept):
    assert download_name(sent, "image/png") == kept
