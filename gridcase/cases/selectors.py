from django.db.models import Count, Q, QuerySet

from gridcase.accounts.jurisdiction import jurisdiction_codes
from gridcase.accounts.selectors import users_covering
from gridcase.cases.models import OPEN_STATES, Case, CaseEvent, Party
from gridcase.cases.workflow import HANDLERS
from gridcase.lib import clock, crypto

# A jurisdiction code of this length is matched on this column (an equality, so lists can be
# read from the column's (code, -registered_at, -id) index in order).
_COLUMN_FOR_LENGTH = {6: "county_code", 9: "town_code", 12: "village_code", 15: "area_code"}


def cases_visible_to(*, user) -> QuerySet[Case]:
    codes = jurisdiction_codes(user)
    if "" in codes:
        return Case.objects.all()
    by_column: dict[str, list[str]] = {}
    for code in codes:
        by_column.setdefault(_COLUMN_FOR_LENGTH[len(code)], []).append(code)
    q = Q(pk__in=[])
    for column, values in by_column.items():
        q |= Q(**{f"{column}__in": values})
    return Case.objects.filter(q)


def case_list(*, user, q: str = "", state: str = "", level: str = "", category=None, grid: str = "",
              overdue: bool = False) -> QuerySet[Case]:
    """The case list, filtered; newest first."""
    # The grid is shown by name only: leave its polygon in the database.
    cases = cases_visible_to(user=user).select_related("category", "grid").defer("grid__geom")
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
    """By case number (whole, or its last digits), by the start of a party's name, or by a full phone
    or ID number (matched on their blind index). Each of these is an index lookup."""
    index = crypto.blind_index(q)
    parties = Party.objects.filter(Q(name__startswith=q) | Q(phone_index=index) | Q(id_number_index=index))
    match = Q(number=q.upper()) | Q(pk__in=parties.values("case_id"))
    if q.isdigit() and len(q) <= 6:
        match |= Q(number__endswith=f"-{int(q):06d}")
    return match


def state_counts(*, user) -> dict[str, int]:
    # COUNT(*) rather than COUNT(id): answered from the (code, state) index without visiting rows.
    rows = cases_visible_to(user=user).values("state").annotate(n=Count("*")).order_by()
    return {row["state"]: row["n"] for row in rows}


def timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def assignable_mediators(*, case: Case):
    return users_covering(code=case.area_code, roles=HANDLERS)
