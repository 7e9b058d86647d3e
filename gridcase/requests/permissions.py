"""Who may see and do what with a request: the role, the jurisdiction, and for 大事 the office."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gridcase.accounts.jurisdiction import CODE_COLUMNS, covers_code, jurisdiction_codes
from gridcase.accounts.models import Role
from gridcase.requests.models import Kind, Office, Request
from gridcase.requests.workflow import LABELS, ROLES, TRANSITIONS


def visible(user) -> Q:
    """Requests in the user's jurisdiction. A grid worker sees their grids, and the requests of their
    villages that have no location (those belong to the village as a whole)."""
    codes = jurisdiction_codes(user)
    if "" in codes:
        return Q()
    if not codes:
        return Q(pk__in=[])
    # An equality on the column of the code's level, so lists come out of its (code, -registered_at) index.
    q = Q(pk__in=[])
    for code in codes:
        column = CODE_COLUMNS.get(len(code))
        q |= Q(**{column: code}) if column else Q(area_code__startswith=code)
    if user.role == Role.GRID_WORKER:
        q |= Q(grid__isnull=True, village_code__in={code[:12] for code in codes})
    return q


def covers(user, request: Request) -> bool:
    if covers_code(user, request.area_code):
        return True
    return (user.role == Role.GRID_WORKER and request.grid_id is None
            and any(code[:12] == request.village_code for code in jurisdiction_codes(user)))


def is_office_member(user, request: Request) -> bool:
    return (request.kind == Kind.MAJOR and request.office_id is not None and covers_code(user, request.town_code)
            and request.office.members.filter(pk=user.pk).exists())


def may(user, request: Request, action: str) -> bool:
    """Whether the user's role and jurisdiction allow `action` (the state aside). None is the system."""
    if user is None:
        return True
    if not covers(user, request):
        return False
    if action == "reply" and request.kind == Kind.MAJOR:
        # 大事 are answered by the town (its office), not by the village.
        return user.role in (Role.TOWN_LEADER, Role.COUNTY_ADMIN) or is_office_member(user, request)
    return user.role in ROLES.get(action, ()) or (user.is_superuser and not user.area_id)


def deliberation_refusal(request: Request, *, topic_id: int | None = None) -> str:
    """Why the request cannot become a 援法议事 topic ("" when it can): only a 小事 can, and only
    once (`topic_id`: the topic being registered from it, which does not count)."""
    if request.kind != Kind.MINOR:
        return _("只有分流为小事的诉求可以转援法议事，请先将其分流为小事")
    linked = request.deliberation_topics.exclude(pk=topic_id).order_by("pk").first()
    if linked is not None:
        return _("该诉求已转为援法议事议题「%(title)s」") % {"title": linked.title}
    return ""


# Checks beyond the state table: an action that would be refused is not offered.
OFFERED = {"deliberate": lambda request: not deliberation_refusal(request)}


def allowed_actions(user, request: Request) -> list[tuple[str, str]]:
    return [(action, LABELS[action]) for action in sorted(TRANSITIONS[request.state], key=list(LABELS).index)
            if may(user, request, action) and OFFERED.get(action, bool)(request)]


def request_for_user(user, request_id) -> Request:
    """The request if the user may see it; 404 otherwise (never a hint that it exists)."""
    try:
        return (Request.objects.filter(visible(user)).select_related("category", "office", "village", "grid", "case")
                .defer("village__geom", "grid__geom").get(pk=int(request_id)))
    except (Request.DoesNotExist, TypeError, ValueError):
        raise Http404("No request matches the given query.") from None


def offices_for(user):
    """The offices whose queues the user may open: general ones and those of a town in the user's
    jurisdiction (town leaders and county admins), and the offices the user belongs to."""
    if "" in jurisdiction_codes(user):
        return Office.objects.filter(active=True)
    town_level = user.role in (Role.TOWN_LEADER, Role.COUNTY_ADMIN) and user.area_id
    mine = Q(members=user)
    if town_level:
        mine |= Q(town__isnull=True) | Q(town__code__startswith=user.area.code)
    return Office.objects.filter(mine, active=True).distinct()


def office_for_user(user, office_id) -> Office:
    try:
        return offices_for(user).get(pk=int(office_id))
    except (Office.DoesNotExist, TypeError, ValueError):
        raise Http404("No office matches the given query.") from None
