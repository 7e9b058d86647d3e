from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.selectors import users_covering
from gridcase.cases.models import OPEN_STATES, Case, CaseEvent, Party
from gridcase.cases.workflow import HANDLERS
from gridcase.lib import clock, crypto


def cases_visible_to(*, user) -> QuerySet[Case]:
    return scope(Case.objects.all(), user, "area_code")


def case_list(*, user, q: str = "", state: str = "", level: str = "", category=None, grid: str = "",
              overdue: bool = False) -> QuerySet[Case]:
    """The case list, filtered; newest first."""
    cases = cases_visible_to(user=user).select_related("category", "grid")
    if state:
        cases = cases.filter(state=state)
    if level:
        cases = cases.filter(level=level)
    if category is not None:
        cases = cases.filter(category=category)
    if grid:
        cases = cases.filter(area_code__startswith=grid)
    if overdue:
        cases = cases.filter(state__in=OPEN_STATES, deadline__lt=clock.now())
    if q := q.strip():
        cases = cases.filter(_search(q))
    return cases.order_by("-registered_at", "-id")


def _search(q: str) -> Q:
    """By number, party name, or a full phone or ID number (matched on their blind index)."""
    index = crypto.blind_index(q)
    parties = Party.objects.filter(case=OuterRef("pk")).filter(
        Q(name__icontains=q) | Q(phone_index=index) | Q(id_number_index=index))
    return Q(number__icontains=q) | Exists(parties)


def state_counts(*, user) -> dict[str, int]:
    rows = cases_visible_to(user=user).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def assignable_mediators(*, case: Case):
    return users_covering(code=case.area_code, roles=HANDLERS)
