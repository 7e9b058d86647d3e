import math
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.gis.db.models import Collect
from django.contrib.gis.db.models.functions import Centroid, Distance, SnapToGrid
from django.contrib.gis.measure import D
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from geodata.maps import degrees_per_pixel
from gridcase.accounts.jurisdiction import scope, within_code_columns
from gridcase.accounts.models import User
from gridcase.accounts.selectors import users_covering
from gridcase.cases import permissions
from gridcase.cases.models import OPEN_STATES, Case, CaseEvent, Party
from gridcase.cases.workflow import HANDLERS, NEXT_STEP, QUEUES
from gridcase.lib import clock, crypto
from gridcase.lib.todo import Task, Tasks


def cases_visible_to(*, user) -> QuerySet[Case]:
    return Case.objects.filter(within_code_columns(user))


# Named sets of cases that other apps define, so that a figure can link to the list of cases behind
# it (`?basis=<name>&start=…&end=…`): name → function(start, end) returning an expression usable in
# `pk__in`. The dashboards register one per measure and part (gridcase.dashboards.apps).
CASE_SETS: dict[str, Callable[[date, date], object]] = {}


def case_list(*, user, q: str = "", state: str = "", level: str = "", category=None, grid: str = "",
              overdue: bool = False, queue: str = "", order: str = "", source: str = "", basis: str = "",
              start: date | None = None, end: date | None = None) -> QuerySet[Case]:
    """The case list, filtered; newest first, or soonest deadline first."""
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
    if source:
        cases = cases.filter(source=source)
    if basis:
        cases = cases.filter(pk__in=CASE_SETS[basis](start, end)) if basis in CASE_SETS and start and end \
            else cases.none()
    if overdue:
        cases = cases.filter(state__in=OPEN_STATES, deadline__lt=clock.now())
    if queue in QUEUES:
        cases = cases.filter(state__in=QUEUES[queue][1])
    if q := q.strip():
        cases = cases.filter(_search(q))
    if order == "deadline":
        return cases.order_by(F("deadline").asc(nulls_last=True), "-registered_at", "-id")
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


def mediators_for(*, user) -> QuerySet:
    """Handlers within the user's own jurisdiction (whom they may assign cases to)."""
    return scope(User.objects.filter(is_active=True, role__in=HANDLERS), user, "area__code").order_by("username")


# Below this zoom, or past this many points, the map gets clusters counted in PostGIS.
DETAIL_ZOOM = 15
POINT_CAP = 500
CLUSTER_PIXELS = 60


def case_points(*, user, bbox, zoom: int, open_only: bool = True) -> dict:
    """The cases in a map view as GeoJSON: each case when there are few or the map is close in,
    otherwise counts per square of about 60 screen pixels (ST_SnapToGrid), never every point."""
    cases = cases_visible_to(user=user).filter(location__bboverlaps=bbox)
    if open_only:
        cases = cases.filter(state__in=OPEN_STATES)
    total = cases.count()
    if zoom >= DETAIL_ZOOM or total <= POINT_CAP:
        rows = cases.values_list("pk", "number", "title", "state", "deadline", "location")[:POINT_CAP]
        now = clock.now()
        features = [_point(location, {"id": pk, "number": number, "title": title, "state": state,
                                      "overdue": bool(deadline and deadline < now and state in OPEN_STATES)})
                    for pk, number, title, state, deadline, location in rows]
        return {"type": "FeatureCollection", "clustered": False, "total": total, "features": features}
    cell = degrees_per_pixel(zoom) * CLUSTER_PIXELS
    rows = (cases.annotate(cell=SnapToGrid("location", cell)).values("cell")
            .annotate(n=Count("*"), centre=Centroid(Collect("location"))).values_list("n", "centre"))
    features = [_point(centre, {"count": n}) for n, centre in rows]
    return {"type": "FeatureCollection", "clustered": True, "total": total, "features": features}


def _point(point, properties: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
            "properties": properties}


def nearby_open_cases(*, user, point, category=None) -> QuerySet[Case]:
    """Open cases near a point, logged recently: probably the same dispute, reported again.

    Prefiltered on the GiST index with a box in degrees a little larger than the radius, then
    measured on the sphere; nearest first.
    """
    metres, days = settings.CASE_NEARBY_METRES, settings.CASE_NEARBY_DAYS
    degrees = metres / 111_320 / max(math.cos(math.radians(point.y)), 0.1)
    cases = (cases_visible_to(user=user)
             .filter(state__in=OPEN_STATES, registered_at__gte=clock.now() - timedelta(days=days),
                     location__dwithin=(point, degrees), location__distance_lte=(point, D(m=metres)))
             .annotate(distance=Distance("location", point)).order_by("distance"))
    return cases.filter(category=category) if category is not None else cases


def tasks_for(user, *, limit: int = 20) -> Tasks:
    """The cases waiting on this user (permissions.waiting_on), as the home page's tasks: overdue
    and soonest deadline first, those without one last; a deadline only while the case is open."""
    now = clock.now()
    cases = cases_visible_to(user=user).filter(permissions.waiting_on(user, now))
    rows = cases.order_by(F("deadline").asc(nulls_last=True), "registered_at", "id").values_list(
        "pk", "title", "state", "deadline")[:limit]
    tasks = []
    for pk, title, state, deadline in rows:
        due = deadline if state in OPEN_STATES else None
        tasks.append(Task(title=title, what=str(NEXT_STEP[state]), deadline=due,
                          url=reverse("cases:detail", args=[pk]), overdue=due is not None and due < now))
    return Tasks(tasks, total=cases.count() if len(tasks) == limit else len(tasks))
