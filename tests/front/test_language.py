import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_interface_is_chinese_even_for_an_english_browser(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert page.headers["Content-Language"] == "zh-hans"
    assert "用户名" in page.content.decode()


def test_english_is_there_for_whoever_chooses_it(client):
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/")

    assert chosen.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert page.headers["Content-Language"] == "en"
    assert "Username" in page.content.decode() and "用户名" not in page.content.decode()
