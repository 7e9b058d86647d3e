"""The services' refusals as problems, for every app: a stale version is a 412 (nothing changed),
an action the state does not allow a 409, one the user may not take a 403, a point outside the
jurisdiction a 422 naming where it is. Each app has its own error classes (no common base), so the
mapping is one table here rather than a copy per view."""

from gridcase.api.problems import Problem
from gridcase.cases import services as cases
from gridcase.deliberation import services as deliberation
from gridcase.hazards import services as hazards
from gridcase.patrols import services as patrols
from gridcase.requests import services as requests

# The object each Stale… error carries (its current version goes into the problem).
_STALE = {cases.StaleCase: "case", hazards.StaleHazard: "hazard", requests.StaleRequest: "request",
          deliberation.StaleTopic: "topic", deliberation.StaleMeeting: "meeting", patrols.StalePatrol: None}
_OUTSIDE = (cases.OutsideJurisdiction, hazards.OutsideJurisdiction, requests.OutsideJurisdiction)
_NOT_ALLOWED = (cases.NotAllowed, hazards.NotAllowed, requests.NotAllowed, deliberation.NotAllowed, patrols.NotAllowed)

SERVICE_ERRORS = (cases.CaseError, hazards.HazardError, requests.RequestError, deliberation.DeliberationError,
                  patrols.PatrolError)


def service_problem(exc: Exception) -> Problem:
    """The problem for a service's refusal (one of SERVICE_ERRORS); the detail is the service's message."""
    for stale, attribute in _STALE.items():
        if isinstance(exc, stale):
            current = getattr(getattr(exc, attribute, None), "version", None) if attribute else None
            return Problem(412, "stale-version", str(exc), **({"current_version": current} if current else {}))
    if isinstance(exc, cases.WrongState):
        return Problem(409, "state-conflict", str(exc))
    if isinstance(exc, _NOT_ALLOWED):
        return Problem(403, "permission-denied", str(exc))
    if isinstance(exc, _OUTSIDE):
        return Problem(422, "outside-jurisdiction", str(exc))
    return Problem(409, "state-conflict", str(exc))
