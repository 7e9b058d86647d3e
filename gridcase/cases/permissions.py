"""Who may do what to a case: the role, the jurisdiction, and the level that handles it."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from geodata.codes import CODE_LENGTH
from gridcase.accounts.jurisdiction import covers_code, get_or_404, within_code_columns
from gridcase.accounts.models import Role
from gridcase.cases.models import LEVEL_ORDER, OPEN_STATES, Case, Level
from gridcase.cases.workflow import GRID_WORKER_ACTIONS, HANDLERS, RECORDS, SUPERVISORS, TAKERS, TRANSITIONS

_LEVEL_OF_CODE_LENGTH = {CODE_LENGTH["village"]: Level.VILLAGE, CODE_LENGTH["town"]: Level.TOWN,
                         CODE_LENGTH["county"]: Level.COUNTY}


def handling_level(user) -> str | None:
    """The highest level of case this user handles: a village cadre village cases, a town mediator
    village and town cases (towns guide their villages), a county admin all."""
    if user.role not in HANDLERS or user.area_id is None:
        return None
    return _LEVEL_OF_CODE_LENGTH.get(len(user.area.code))


def can_handle(user, case: Case) -> bool:
    level = handling_level(user)
    return (level is not None and covers_code(user, case.area_code)
            and LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(case.level))


def may(user, case: Case, action: str) -> bool:
    """Whether the user's role and jurisdiction allow `action` on this case (state aside)."""
    if user is None:  # the rules engine
        return True
    if can_handle(user, case):
        return True
    return user.role == Role.GRID_WORKER and action in GRID_WORKER_ACTIONS and covers_code(user, case.area_code)


def allowed_actions(user, case: Case) -> list[str]:
    """The actions to offer as buttons: allowed by the state and by who the user is."""
    possible = list(TRANSITIONS[case.state]) + [a for a, states in RECORDS.items() if case.state in states]
    return [action for action in possible if may(user, case, action)]


def case_for_user(user, case_id) -> Case:
    """The case if it lies in the user's jurisdiction; 404 otherwise (never a hint that it exists)."""
    try:
        return get_or_404(Case.objects.select_related("category", "grid__parent__parent"), user, "area_code",
                          pk=int(case_id))
    except (TypeError, ValueError):
        raise Http404("No case matches the given query.") from None


def waiting_on(user, now) -> Q:
    """The cases whose next step is this user's to take (the home page's task list): in their
    jurisdiction, in a state with a step to take that they may take, and their work — assigned to
    them, or nobody's yet and theirs to take up (workflow.TAKERS, SUPERVISORS); a supervisor also
    gets the overdue open cases below their level. A grid worker: the steps grid workers take
    (回访) in their grids."""
    if user.role == Role.GRID_WORKER:
        states = [s for s, actions in TRANSITIONS.items() if set(actions) & GRID_WORKER_ACTIONS]
        return within_code_columns(user) & Q(state__in=states)
    level = handling_level(user)
    if level is None:
        return Q(pk__in=[])
    levels = LEVEL_ORDER[:LEVEL_ORDER.index(level) + 1]
    assignments = Case.mediators.through.objects.filter(case_id=OuterRef("pk"))
    nobodys = ~Exists(assignments)
    if user.role in TAKERS:
        mine = nobodys
    elif user.role in SUPERVISORS:
        mine = (nobodys & Q(level=level)) | Q(level__in=levels[:-1], state__in=OPEN_STATES, deadline__lt=now)
    else:
        mine = Q(pk__in=[])
    return (within_code_columns(user) & Q(level__in=levels, state__in=[s for s, a in TRANSITIONS.items() if a])
            & (Exists(assignments.filter(user_id=user.pk)) | mine))
