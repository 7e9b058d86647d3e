"""Who may do what to a hazard: the role, the jurisdiction, and the level that supervises it."""

from django.http import Http404

from geodata.codes import CODE_LENGTH
from gridcase.accounts.jurisdiction import covers_code, get_or_404
from gridcase.accounts.models import Role
from gridcase.cases.models import LEVEL_ORDER, Level
from gridcase.hazards.models import ExtensionRequest, Hazard
from gridcase.hazards.workflow import EXTENSION_APPROVERS, GRID_WORKER_ACTIONS, RECORDS, SUPERVISORS, TRANSITIONS

_LEVEL_OF_CODE_LENGTH = {CODE_LENGTH["village"]: Level.VILLAGE, CODE_LENGTH["town"]: Level.TOWN,
                         CODE_LENGTH["county"]: Level.COUNTY}


def supervising_level(user) -> str | None:
    """The highest level of hazard this user supervises (a village cadre: village; a town leader: town)."""
    if user.role not in SUPERVISORS or user.area_id is None:
        return None
    return _LEVEL_OF_CODE_LENGTH.get(len(user.area.code))


def can_supervise(user, hazard: Hazard) -> bool:
    level = supervising_level(user)
    return (level is not None and covers_code(user, hazard.area_code)
            and LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(hazard.level))


def may(user, hazard: Hazard, action: str) -> bool:
    """Whether the user's role and jurisdiction allow `action` on this hazard (state aside)."""
    if user is None:  # the rules engine
        return True
    if not covers_code(user, hazard.area_code):
        return False
    if action == "decide_extension":
        return user.role in EXTENSION_APPROVERS
    if can_supervise(user, hazard):
        return True
    return user.role == Role.GRID_WORKER and action in GRID_WORKER_ACTIONS


def allowed_actions(user, hazard: Hazard, *, pending_extension: bool | None = None) -> list[str]:
    """The actions to offer as buttons: allowed by the state, by a pending extension, and by who the user is."""
    if pending_extension is None:
        pending_extension = hazard.extensions.filter(decision=ExtensionRequest.Decision.PENDING).exists()
    possible = list(TRANSITIONS[hazard.state]) + [a for a, states in RECORDS.items() if hazard.state in states]
    waiting = {"decide_extension"} if not pending_extension else {"extend"}
    return [action for action in possible if action not in waiting and may(user, hazard, action)]


def hazard_for_user(user, hazard_id) -> Hazard:
    """The hazard if it lies in the user's jurisdiction; 404 otherwise (never a hint that it exists)."""
    try:
        return get_or_404(Hazard.objects.select_related("category", "grid__parent__parent"), user, "area_code",
                          pk=int(hazard_id))
    except (TypeError, ValueError):
        raise Http404("No hazard matches the given query.") from None
