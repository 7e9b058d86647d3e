"""With DEBUG off, users see Chinese error pages, not Django's English defaults."""
import pytest
from django.test import RequestFactory, override_settings
from django.views import defaults


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_address_shows_chinese_404(client):
    response = client.get("/no-such-page-xyz/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@override_settings(DEBUG=False)
def test_403_and_500_templates_are_chinese():
    request = RequestFactory().get("/")
    assert "无权访问" in defaults.permission_denied(request, Exception()).content.decode()
    assert "系统出错" in defaults.server_error(request).content.decode()
