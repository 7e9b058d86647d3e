from datetime import timedelta

import pytest

from gridcase.accounts.models import User
from gridcase.api.models import ApiToken, Scope
from gridcase.lib import clock


@pytest.fixture
def token_for():
    """token_for("mediator", scopes=["read"]) → the key, sent as `Authorization: Bearer <key>`."""

    def make(username: str, scopes=(Scope.READ, Scope.WRITE), expires_in=timedelta(days=30)) -> str:
        token = ApiToken(user=User.objects.get(username=username), name="测试", scopes=list(scopes),
                         expires_at=clock.now() + expires_in)
        key = token.issue_key()
        token.save()
        return key

    return make


@pytest.fixture
def api(client, token_for):
    """api("mediator").get(path) / .post(path, data, **headers): JSON requests with a token."""

    class Api:
        def __init__(self, username, scopes):
            self.auth = f"Bearer {token_for(username, scopes)}"

        def get(self, path, **headers):
            return client.get(path, HTTP_AUTHORIZATION=self.auth, **headers)

        def post(self, path, data=None, **headers):
            return client.post(path, data or {}, content_type="application/json", HTTP_AUTHORIZATION=self.auth,
                               **headers)

        def patch(self, path, data, **headers):
            return client.patch(path, data, content_type="application/json", HTTP_AUTHORIZATION=self.auth, **headers)

    return lambda username, scopes=(Scope.READ, Scope.WRITE): Api(username, scopes)
