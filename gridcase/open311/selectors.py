"""Reads for Open311: the services (the categories of requests and hazards) and the service requests a
token's user may see — through gridcase.requests' and gridcase.hazards' own jurisdiction selectors."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import F, Value

from geodata.selectors import area_names
from gridcase.hazards import selectors as hazard_selectors
from gridcase.hazards.models import OPEN_STATES as HAZARD_OPEN_STATES
from gridcase.hazards.models import Hazard, HazardCategory
from gridcase.open311.georeport import ATTRIBUTES, HAZARD, REQUEST, Service, hazard_document, request_document
from gridcase.open311.params import Query
from gridcase.requests import selectors as request_selectors
from gridcase.requests.models import OPEN_STATES as REQUEST_OPEN_STATES
from gridcase.requests.models import Request, RequestCategory


def catalogue() -> dict[str, Service]:
    """Every active category of requests, then of hazards, by service code."""
    services = [Service(REQUEST, c, ATTRIBUTES[REQUEST]) for c in RequestCategory.objects.filter(active=True)]
    services += [Service(HAZARD, c, ATTRIBUTES[HAZARD]) for c in HazardCategory.objects.filter(active=True)]
    return {service.code: service for service in services}


# Per kind: what the user may see, the states that are open, and when an item was reported.
_SOURCES = {REQUEST: (request_selectors.requests_visible_to, REQUEST_OPEN_STATES, "registered_at"),
            HAZARD: (hazard_selectors.hazards_visible_to, HAZARD_OPEN_STATES, "reported_at")}


def _matching(kind: str, *, user, query: Query):
    """The requests or hazards the query asks for, as (kind, id, reported at) rows."""
    visible_to, open_states, reported = _SOURCES[kind]
    items = visible_to(user=user)
    if query.area_code:
        items = items.filter(area_code__startswith=query.area_code)
    if query.ids:
        items = items.filter(number__in=query.ids)
    else:
        if query.services is not None:
            items = items.filter(category__in=[s.category for s in query.services if s.kind == kind])
        if query.statuses == {"open"}:
            items = items.filter(state__in=open_states)
        elif query.statuses == {"closed"}:
            items = items.exclude(state__in=open_states)
        items = items.filter(**{f"{reported}__gte": query.start, f"{reported}__lte": query.end})
    return items.order_by().annotate(source=Value(kind), at=F(reported)).values_list("source", "id", "at")


@dataclass
class Page:
    documents: list[dict]
    more: bool  # another page follows


def service_requests(*, user, query: Query) -> Page:
    """Requests and hazards together, newest first: one UNION ordered and cut by the database, then the
    page's objects loaded with what their documents need."""
    requests, hazards = _matching(REQUEST, user=user, query=query), _matching(HAZARD, user=user, query=query)
    offset = (query.page - 1) * query.page_size
    rows = list(requests.union(hazards, all=True).order_by("-at", "-id")[offset:offset + query.page_size + 1])
    more = len(rows) > query.page_size
    rows = rows[:query.page_size]
    return Page(documents=documents([(kind, pk) for kind, pk, _at in rows]), more=more)


def documents(keys: list[tuple[str, int]]) -> list[dict]:
    """The GeoReport documents of these (kind, id), in this order."""
    request_ids = [pk for kind, pk in keys if kind == REQUEST]
    hazard_ids = [pk for kind, pk in keys if kind == HAZARD]
    requests = Request.objects.select_related("category", "office").in_bulk(request_ids)
    hazards = Hazard.objects.select_related("category").in_bulk(hazard_ids)
    codes = {code for obj in (*requests.values(), *hazards.values())
             for code in (obj.area_code, obj.village_code, obj.town_code, obj.county_code)}
    names = area_names(codes=codes)
    notes = hazard_selectors.last_notes(hazard_ids=hazard_ids) if hazard_ids else {}
    return [request_document(requests[pk], names) if kind == REQUEST
            else hazard_document(hazards[pk], names, notes.get(pk, "")) for kind, pk in keys]


def service_request(*, user, service_request_id: str) -> dict | None:
    """One request or hazard by its number (hazard numbers start with YH), if the user may see it."""
    if service_request_id.startswith("YH"):
        pk = hazard_selectors.hazards_visible_to(user=user).filter(number=service_request_id).values_list(
            "id", flat=True).first()
        return documents([(HAZARD, pk)])[0] if pk else None
    pk = request_selectors.requests_visible_to(user=user).filter(number=service_request_id).values_list(
        "id", flat=True).first()
    return documents([(REQUEST, pk)])[0] if pk else None


def number_for_token(*, user, token: UUID) -> str | None:
    """The number of the submission with this token (its client_id), if the user may see it."""
    for visible in (request_selectors.requests_visible_to(user=user), hazard_selectors.hazards_visible_to(user=user)):
        if number := visible.filter(client_id=token).values_list("number", flat=True).first():
            return number
    return None
