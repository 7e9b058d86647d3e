"""Who may see and do what in a village's deliberation.

Visibility: the user's jurisdiction (a grid worker sees the villages of their grids) plus the
villages whose oversight group they sit on. Acting: see `workflow.ACTORS` for the hats; here is how
a user comes to wear one for a given topic.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from gridcase.accounts.jurisdiction import covers_code, jurisdiction_codes, within
from gridcase.accounts.models import Role
from gridcase.deliberation.models import Meeting, Supervisor, Topic
from gridcase.deliberation.workflow import ACTORS, PAGE_ACTIONS, RECORDS, TRANSITIONS

VILLAGE_CODE_LENGTH = 12
# Who may put a topic forward (议题征集: mediators, grid workers, the village's own cadres, advisers).
PROPOSERS = {Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.MEDIATOR, Role.LEGAL_ADVISER, Role.TOWN_LEADER}


def _village_prefixes(user) -> list[str]:
    """Jurisdiction codes cut to village length: deliberation is a village's business, so a grid
    worker sees the whole of their grids' villages."""
    return sorted({code[:VILLAGE_CODE_LENGTH] for code in jurisdiction_codes(user)})


_CACHE_ATTR = "_supervised_village_codes"


def supervised_villages(user) -> list[str]:
    """The villages whose oversight group the user sits on (cached on the user for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Supervisor.objects.filter(user=user).values_list("village__code", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def visible_q(user, field: str = "village_code") -> Q:
    q = Q(pk__in=[])
    for code in _village_prefixes(user):
        q |= Q(**{f"{field}__startswith": code})
    villages = supervised_villages(user)
    if villages:
        q |= Q(**{f"{field}__in": villages})
    return q


def topics_visible_to(*, user) -> QuerySet[Topic]:
    return Topic.objects.filter(visible_q(user))


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(visible_q(user))


def covers_village(user, village_code: str) -> bool:
    return any(village_code.startswith(code) for code in _village_prefixes(user))


def is_leading_group(user, village_code: str) -> bool:
    """The village's 援法议事 leading group acts through its village cadres."""
    return user.role == Role.VILLAGE_CADRE and covers_code(user, village_code)


def hats(user, topic: Topic) -> set[str]:
    """The parts this user plays for this topic."""
    if user is None:
        return {"system"}
    if not user.is_authenticated:
        return {"public"}
    found = set()
    if is_leading_group(user, topic.village_code):
        found.add("cadre")
    if user.role == Role.LEGAL_ADVISER and covers_code(user, topic.village_code):
        found.add("adviser")
    if topic.village_code in supervised_villages(user):
        found.add("supervisor")
    if topic.responsible_id == user.pk:
        found.add("responsible")
    return found


def _hats_q(user) -> dict[str, Q]:
    """`hats` as queries: for each part, the topics for which this user plays it."""
    found = {"supervisor": Q(village_code__in=supervised_villages(user)), "responsible": Q(responsible=user)}
    if user.role == Role.VILLAGE_CADRE:
        found["cadre"] = within(user, "village_code")
    if user.role == Role.LEGAL_ADVISER:
        found["adviser"] = within(user, "village_code")
    return found


def waiting_on(user) -> Q:
    """The topics whose next step is this user's (the home page's tasks): those in a state where an
    action of a part they play for the topic moves it on (workflow.TRANSITIONS and ACTORS)."""
    q = Q(pk__in=[])
    for hat, where in _hats_q(user).items():
        states = [s for s, actions in TRANSITIONS.items() if any(hat in ACTORS[a] for a in actions)]
        q |= where & Q(state__in=states)
    return q


def may(user, topic: Topic, action: str) -> bool:
    return bool(ACTORS[action] & hats(user, topic))


def state_allows(topic: Topic, action: str) -> bool:
    return action in TRANSITIONS[topic.state] or topic.state in RECORDS.get(action, ())


def allowed_actions(user, topic: Topic) -> list[str]:
    """The page's buttons: allowed by the state and by who the user is."""
    return [a for a in PAGE_ACTIONS if state_allows(topic, a) and may(user, topic, a)]


def can_propose(user, village_code: str) -> bool:
    return user.role in PROPOSERS and covers_village(user, village_code)


def topic_for_user(user, topic_id) -> Topic:
    """The topic if the user may see it; 404 otherwise (never a hint that it exists)."""
    try:
        return (topics_visible_to(user=user).select_related("village", "list_item", "decision__meeting", "case",
                                                             "responsible")
                .defer("village__geom").get(pk=int(topic_id)))
    except (TypeError, ValueError, Topic.DoesNotExist):
        raise Http404("No topic matches the given query.") from None


def meeting_for_user(user, meeting_id) -> Meeting:
    try:
        return meetings_visible_to(user=user).select_related("village").defer("village__geom").get(pk=int(meeting_id))
    except (TypeError, ValueError, Meeting.DoesNotExist):
        raise Http404("No meeting matches the given query.") from None
