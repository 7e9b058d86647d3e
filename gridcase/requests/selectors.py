"""Reads of requests: lists, the office queue, repeat proposals, the map layer, the task list."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gridcase.accounts.models import Role
from gridcase.lib import clock
from gridcase.lib.todo import Task, Tasks
from gridcase.requests import permissions
from gridcase.requests.models import OPEN_STATES, Kind, Office, Request, RequestEvent, State


def requests_visible_to(*, user) -> QuerySet[Request]:
    return Request.objects.filter(permissions.visible(user))


def request_list(*, user, q: str = "", kind: str = "", state: str = "", office: Office | None = None,
                 channel: str = "", village: str = "", overdue: bool = False) -> QuerySet[Request]:
    requests = (requests_visible_to(user=user).select_related("category", "office", "village")
                .defer("village__geom", "location"))
    if kind:
        requests = requests.filter(kind=kind) if kind != "untriaged" else requests.filter(kind="")
    if state:
        requests = requests.filter(state=state)
    if office is not None:
        requests = requests.filter(office=office)
    if channel:
        requests = requests.filter(channel=channel)
    if village:
        requests = requests.filter(village_code=village)
    if overdue:
        requests = requests.filter(state__in=OPEN_STATES, deadline__lt=clock.now())
    if q := q.strip():
        requests = requests.filter(_search(q))
    return requests.order_by("-registered_at", "-id")


# The serial at the end of a number, as people say it: "12", "00012", "M12", "m00012".
NUMBER_TAIL = re.compile(r"^M?(\d{1,5})$", re.IGNORECASE)


def _search(q: str) -> Q:
    """By number (whole, its serial, or any part with a digit: "2026-M0001"), a full reporter name
    or contact (their blind index), or a word of the matter."""
    from gridcase.lib import crypto

    index = crypto.blind_index(q)
    match = Q(number=q.upper()) | Q(reporter_name_index=index) | Q(contact_index=index) | Q(matter__contains=q)
    if tail := NUMBER_TAIL.match(q):
        match |= Q(number__endswith=f"-M{int(tail[1]):05d}")
    elif any(c.isdigit() for c in q) and len(q) >= 4:
        match |= Q(number__contains=q.upper())  # request_number_trgm
    return match


def office_queue(*, user, office: Office) -> QuerySet[Request]:
    """The office's open 大事 in the user's jurisdiction, soonest deadline first."""
    return (requests_visible_to(user=user).filter(office=office, kind=Kind.MAJOR, state__in=OPEN_STATES)
            .select_related("category", "village").defer("village__geom")
            .order_by(F("deadline").asc(nulls_last=True), "registered_at"))


def queue_counts(*, user, offices) -> dict[int, tuple[int, int]]:
    """Per office: (open, overdue)."""
    rows = (requests_visible_to(user=user).filter(office__in=offices, state__in=OPEN_STATES).values("office")
            .annotate(n=Count("*"), late=Count("id", filter=Q(deadline__lt=clock.now()))).order_by())
    return {row["office"]: (row["n"], row["late"]) for row in rows}


def timeline(*, request: Request) -> QuerySet[RequestEvent]:
    return request.events.select_related("actor").order_by("at", "id")


# ---------------------------------------------------------------- repeats


MERGE_METRES = 200
MERGE_DAYS = 30
# pg_trgm similarity of two matters; Chinese text has no spaces, so each run of three characters is a
# trigram, and two wordings of one complaint typically score 0.2–0.5 while unrelated ones score ~0.
MERGE_SIMILARITY = 0.2
MERGEABLE_STATES = [State.REGISTERED, State.HANDLING]


@dataclass
class MergeProposal:
    into: Request  # the earlier report: the matter that stays
    request: Request  # the later one, to be merged
    similarity: float
    metres: float | None


def merge_proposals(*, user, town_code: str = "", metres: int = MERGE_METRES, days: int = MERGE_DAYS,
                    similarity: float = MERGE_SIMILARITY, limit: int = 100) -> list[MergeProposal]:
    """Pairs of requests that look like the same matter: same category and town, received within
    `days` of each other, within `metres` when both have a location (in the same village when either
    has none), and texts at least `similarity` alike; pairs a cadre dismissed are left out. Pairs never
    cross towns, so a county is best asked one town at a time (`town_code`): the cost grows with the
    square of the open requests per town and category.

    Raw SQL because it is a self-join with a spatial and a trigram predicate that the ORM cannot
    express; both sides are restricted to the requests visible to the user (the ORM's own filter).
    """
    try:
        candidates = requests_visible_to(user=user).filter(state__in=MERGEABLE_STATES)
        if town_code:
            candidates = candidates.filter(town_code=town_code)
        visible_sql, visible_params = candidates.values("id").query.sql_with_params()
    except EmptyResultSet:  # the user sees nothing
        return []
    # The candidates are read once (MATERIALIZED), then paired by a hash join on (town, category);
    # only pairs that pass the cheap date test reach the trigram and distance tests.
    sql = f"""
        WITH c AS MATERIALIZED (
            SELECT id, category_id, town_code, village_code, received_on, matter, location
            FROM requests_request WHERE id IN ({visible_sql})
        )
        SELECT a.id, b.id, similarity(a.matter, b.matter) AS sim,
               CASE WHEN a.location IS NULL OR b.location IS NULL THEN NULL
                    ELSE ST_Distance(a.location::geography, b.location::geography) END AS metres
        FROM c a
        JOIN c b ON a.category_id = b.category_id AND a.town_code = b.town_code
        WHERE (a.received_on, a.id) < (b.received_on, b.id)
          AND b.received_on - a.received_on <= %s
          AND similarity(a.matter, b.matter) >= %s
          AND CASE WHEN a.location IS NULL OR b.location IS NULL THEN a.village_code = b.village_code
                   ELSE ST_DWithin(a.location::geography, b.location::geography, %s) END
          AND NOT EXISTS (SELECT 1 FROM requests_mergedismissal d
                          WHERE d.first_id = LEAST(a.id, b.id) AND d.second_id = GREATEST(a.id, b.id))
        ORDER BY sim DESC, b.received_on DESC
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*visible_params, days, similarity, metres, limit])
        rows = cursor.fetchall()
    ids = {pk for row in rows for pk in row[:2]}
    by_id = Request.objects.select_related("category", "village").defer("village__geom").in_bulk(ids)
    return [MergeProposal(into=by_id[a], request=by_id[b], similarity=round(sim, 2),
                          metres=round(m) if m is not None else None) for a, b, sim, m in rows]


# ---------------------------------------------------------------- map and tasks


POINT_CAP = 500


def request_points(*, user, bbox) -> dict:
    """Located requests in a map view as GeoJSON (not closed or merged), at most POINT_CAP."""
    requests = (requests_visible_to(user=user).filter(location__bboverlaps=bbox)
                .exclude(state__in=[State.CLOSED, State.MERGED]))
    total = requests.count()
    now = clock.now()
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc.x, loc.y]},
         "properties": {"id": pk, "number": number, "matter": matter[:60], "state": state, "kind": kind,
                        "reporters": reporters, "overdue": bool(deadline and deadline < now and state in OPEN_STATES),
                        "url": reverse("requests:detail", args=[pk])}}
        for pk, number, matter, state, kind, reporters, deadline, loc in requests.order_by("-registered_at").values_list(
            "pk", "number", "matter", "state", "kind", "reporters_count", "deadline", "location")[:POINT_CAP]
    ]
    return {"type": "FeatureCollection", "total": total, "features": features}


def tasks_for(user, limit: int = 20) -> Tasks:
    """What this user should do next about requests, soonest deadline first: a village cadre triages,
    handles the village's 小事 and closes what was replied; the town (and office members) answer
    大事; a grid worker brings replies back to reporters and records their feedback."""
    visible = requests_visible_to(user=user)
    if user.role == Role.VILLAGE_CADRE:
        todo = visible.filter(Q(state=State.REGISTERED) | Q(state=State.REPLIED)
                              | Q(state__in=OPEN_STATES, kind=Kind.MINOR))
    elif user.role in (Role.TOWN_LEADER, Role.COUNTY_ADMIN):
        todo = visible.filter(kind=Kind.MAJOR, state__in=OPEN_STATES)
    elif user.role == Role.GRID_WORKER:
        todo = visible.filter(state=State.REPLIED)
    else:
        todo = visible.none()
    todo = (todo | visible.filter(kind=Kind.MAJOR, state__in=OPEN_STATES, office__members=user)).distinct()
    now = clock.now()
    rows = todo.order_by(F("deadline").asc(nulls_last=True), "registered_at").values_list(
        "pk", "number", "matter", "state", "deadline")[:limit]
    labels = dict(State.choices)
    tasks = [Task(title=f"{labels[state]}：{matter[:30]}", what=_("民情诉求"), deadline=deadline,
                  url=reverse("requests:detail", args=[pk]),
                  overdue=bool(deadline and deadline < now and state in OPEN_STATES))
             for pk, number, matter, state, deadline in rows]
    return Tasks(tasks, total=todo.count() if len(tasks) == limit else len(tasks))


def quarter_bounds(year: int, quarter: int):
    from datetime import date

    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end
