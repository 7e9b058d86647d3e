from rest_framework import permissions

from gridcase.api.models import ApiToken, Scope


class TokenScopes(permissions.BasePermission):
    """A token reads with the `read` scope and writes with `write`; a logged-in page may do both."""

    message = "该令牌没有此操作所需的权限范围"

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return True
        needed = Scope.READ if request.method in permissions.SAFE_METHODS else Scope.WRITE
        return needed in request.auth.scopes
