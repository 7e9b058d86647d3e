"""Who is asking: the api_key is a gridcase API token (gridcase.api.models.ApiToken), acting as its user
with that user's role and jurisdiction; reads need its read scope, submissions its write scope."""

from django.utils.translation import gettext as _

from gridcase.api.authentication import token_for_key
from gridcase.api.models import Scope
from gridcase.open311.formats import GeoReportError


def _key(request) -> str:
    authorization = request.headers.get("Authorization", "").split()
    if len(authorization) == 2 and authorization[0] == "Bearer":
        return authorization[1]
    params = request.POST if request.method == "POST" else request.GET
    return (params.get("api_key") or request.GET.get("api_key") or "").strip()


def token_user(request, scope: str):
    """The token's user, or a 403 error document (GeoReport's answer to a bad api_key)."""
    key = _key(request)
    if not key:
        raise GeoReportError(403, _("缺少 api_key：本系统的数据不公开，查询与提交都需要接口令牌"))
    token = token_for_key(key)
    if token is None:
        raise GeoReportError(403, _("api_key 无效、已过期或已吊销"))
    if scope not in token.scopes:
        raise GeoReportError(403, _("该 api_key 没有「%(scope)s」权限") % {"scope": Scope(scope).label})
    return token.user
