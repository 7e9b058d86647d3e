"""The app's tunable figures. Each can be overridden in Django settings under the same name
(e.g. PATROL_MAX_SPEED_MPS = 20); the defaults and why they were chosen are here."""

from django.conf import settings

from gridcase.lib.env import envint

_DEFAULTS = {
    # A grid worker walks (1–1.5 m/s) or cycles / rides an e-bike (up to ~7 m/s, 25 km/h by law).
    # 15 m/s (54 km/h) between two consecutive kept fixes is not a patrol: it is a GPS jump.
    "PATROL_MAX_SPEED_MPS": 15.0,
    # Phones report the radius of 68% confidence; beyond 100 m the fix says nothing about which
    # street was walked (typically a cell-tower fix indoors).
    "PATROL_MAX_ACCURACY_M": 100.0,
    # One upload carries at most this many points (a phone sends every 30–60 s, i.e. tens).
    "PATROL_MAX_BATCH": 2000,
    # A check point counts when the track passes this close, unless the point says otherwise.
    "PATROL_CHECKIN_RADIUS_M": 30,
    # Grid coverage: the part of a grid within this distance of some track of the week is covered.
    "PATROL_COVERAGE_BUFFER_M": 50,
    # A patrol is a night patrol when it starts at or after NIGHT_START or before NIGHT_END (local hours).
    "PATROL_NIGHT_START_HOUR": 20,
    "PATROL_NIGHT_END_HOUR": 6,
    # Dispatch: a worker's position is known if they sent a kept fix within this many minutes.
    "PATROL_POSITION_MAX_AGE_MIN": 120,
    # Dispatch: arrived when a kept fix lies within this distance of the incident.
    "PATROL_ARRIVAL_RADIUS_M": 50,
    # The phone page: at most one fix per this many seconds, and an upload every so many seconds
    # (sooner when 20 fixes wait). From the environment too, so that a test server can hurry them.
    "PATROL_PHONE_MIN_GAP_S": envint("PATROL_PHONE_MIN_GAP_S", 5),
    "PATROL_PHONE_UPLOAD_EVERY_S": envint("PATROL_PHONE_UPLOAD_EVERY_S", 30),
}


def get(name: str):
    return getattr(settings, name, _DEFAULTS[name])
