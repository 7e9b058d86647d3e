from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from gridcase.api.models import TOKEN_PREFIX, ApiToken, hash_key
from gridcase.lib import clock


def token_for_key(key: str) -> ApiToken | None:
    """The usable token with this key (its user loaded), or None; notes when it was last used."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.usable:
        return None
    if token.last_used_at is None or (clock.now() - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer gc_…` — the devices' and systems' way in (pages use the session)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("令牌格式不正确"))
        token = token_for_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已吊销"))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
