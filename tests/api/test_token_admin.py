"""Tokens are issued in the admin (the key shown once), work at once, and are revoked there."""

import re

import pytest

from gridcase.accounts.models import User
from gridcase.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_an_admin_issues_a_token_that_works_and_revokes_it(client, users):
    admin = User.objects.create_superuser("security-officer", password="x-long-password-1")
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/add/", {
        "user": users["cadre"].pk, "name": "12345 热线平台", "scopes": "read", "expires_at_0": "2099-01-01",
        "expires_at_1": "00:00:00"}, follow=True)
    key = re.search(r"(gc_[A-Za-z0-9_\-]+)", response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash != key and token.scopes == ["read"]

    client.logout()
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    client.force_login(admin)
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    client.logout()
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
