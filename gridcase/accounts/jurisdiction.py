"""Jurisdiction (辖区) is security: every query is scoped with `scope`, every object fetched with `get_or_404`.

A user's jurisdiction is a set of area-code prefixes: a grid worker's grids, anybody else's one
area. Because codes are paths, "under my jurisdiction" is a prefix match on any code field.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from gridcase.accounts.models import Role

_CACHE_ATTR = "_jurisdiction_codes"


def jurisdiction_codes(user) -> tuple[str, ...]:
    """The code prefixes this user may see. Empty means nothing; ("",) means everything (superusers)."""
    if not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser and not user.area_id:
        codes = ("",)
    elif user.role == Role.GRID_WORKER:
        codes = tuple(user.grids.order_by("code").values_list("code", flat=True))
    elif user.area_id:
        codes = (user.area.code,)
    else:
        codes = ()
    setattr(user, _CACHE_ATTR, codes)
    return codes


def within(user, field: str = "code") -> Q:
    """A Q matching rows whose `field` (an area code) lies in the user's jurisdiction."""
    codes = jurisdiction_codes(user)
    if not codes:
        return Q(pk__in=[])
    q = Q()
    for code in codes:
        q |= Q(**{f"{field}__startswith": code})
    return q


# Subjects keep a code column per level (county_code … area_code). A jurisdiction code is matched on
# the column of its level with an equality, so lists come out of that column's index in order.
CODE_COLUMNS = {6: "county_code", 9: "town_code", 12: "village_code", 15: "area_code"}


def within_code_columns(user) -> Q:
    """Like `within`, for models with the four code columns."""
    codes = jurisdiction_codes(user)
    if "" in codes:
        return Q()
    by_column: dict[str, list[str]] = {}
    for code in codes:
        by_column.setdefault(CODE_COLUMNS[len(code)], []).append(code)
    q = Q(pk__in=[])
    for column, values in by_column.items():
        q |= Q(**{f"{column}__in": values})
    return q


def scope(queryset: QuerySet, user, field: str = "code") -> QuerySet:
    return queryset.filter(within(user, field))


def covers_code(user, code: str) -> bool:
    return any(code.startswith(prefix) for prefix in jurisdiction_codes(user))


def get_or_404(queryset: QuerySet, user, field: str = "code", **lookup):
    """The object, if it exists and lies in the user's jurisdiction; otherwise 404 (never a hint it exists)."""
    try:
        return scope(queryset, user, field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.") from None
