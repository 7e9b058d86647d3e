from collections.abc import Iterable

from django.db.models import F, QuerySet, Value
from django.db.models.functions import StrIndex

from gridcase.accounts.models import User


def users_covering(*, code: str, roles: Iterable[str]) -> QuerySet[User]:
    """Active users with one of `roles` whose jurisdiction area contains the area `code`."""
    # "code starts with the user's area code", written as a position test so one query answers it.
    return (
        User.objects.filter(is_active=True, role__in=list(roles), area__isnull=False)
        .annotate(_at=StrIndex(Value(code), F("area__code")))
        .filter(_at=1)
        .order_by("username")
    )
