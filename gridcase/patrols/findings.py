"""What a grid worker finds on a patrol — a dispute, a hazard, a resident request — logged from the
patrol page itself, so that the phone keeps recording the track. Each kind is registered by its own
app's service (which checks the point and the jurisdiction); this module only adds what a finding is:
the patrol must be the actor's and running, and the finding is linked to it."""

import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcase.cases import services as cases
from gridcase.cases.models import Case
from gridcase.hazards import services as hazards
from gridcase.lib import clock
from gridcase.patrols.models import Patrol, Status
from gridcase.patrols.services import NotAllowed, PatrolError
from gridcase.requests import services as requests

KINDS = {"case": gettext_lazy("纠纷"), "hazard": gettext_lazy("隐患"), "request": gettext_lazy("诉求")}
# What each app's service raises for input the worker can correct (outside the grids, a bad photo …).
ERRORS = (cases.CaseError, hazards.HazardError, requests.RequestError)


@dataclass
class Finding:
    kind: str
    number: str
    title: str
    url: str

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    def as_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "number": self.number, "title": self.title, "url": self.url}


def finding_log(*, patrol: Patrol, actor, kind: str, category, text: str, location: Point, photos=(),
                client_id: uuid.UUID | None = None) -> Finding:
    """Log a dispute, hazard or resident request found at `location` during the actor's running patrol,
    linked to it. `text` (one sentence) is its title or matter. A repeat of the same `client_id` (a
    phone retrying) returns what the first call logged and stores none of the repeat's photos."""
    if not patrol.workers.filter(pk=actor.pk).exists():
        raise NotAllowed(_("只有本次巡逻的人员可以登记巡逻中的发现"))
    if patrol.status != Status.ONGOING:
        raise PatrolError(_("该巡逻%(status)s，不能再登记发现") % {"status": patrol.get_status_display()})
    text = " ".join(text.split())
    if not text:
        raise PatrolError(_("请用一句话写下发现了什么"))
    log = {"case": _case, "hazard": _hazard, "request": _request}[kind]
    with transaction.atomic():  # a case and its photos, or nothing
        return log(patrol=patrol, actor=actor, category=category, text=text, location=location,
                   photos=list(photos), client_id=client_id)


def _case(*, patrol, actor, category, text, location, photos, client_id) -> Finding:
    repeated = client_id is not None and Case.objects.filter(client_id=client_id).exists()
    case = cases.case_register(actor=actor, title=text[:200], category=category, location=location,
                               client_id=client_id, patrol=patrol)
    if not repeated:
        for photo in photos:
            cases.case_attach(case=case, actor=actor, upload=photo)
    return Finding("case", case.number, case.title, reverse("cases:detail", args=[case.pk]))


def _hazard(*, patrol, actor, category, text, location, photos, client_id) -> Finding:
    hazard = hazards.hazard_report(actor=actor, title=text[:200], category=category, location=location,
                                   photos=photos, client_id=client_id, patrol=patrol)
    return Finding("hazard", hazard.number, hazard.title, reverse("hazards:detail", args=[hazard.pk]))


def _request(*, patrol, actor, category, text, location, photos, client_id) -> Finding:
    item = requests.request_register(actor=actor, matter=text, category=category,
                                     received_on=timezone.localdate(clock.now()), location=location,
                                     client_id=client_id, patrol=patrol, photos=photos)
    return Finding("request", item.number, item.matter, reverse("requests:detail", args=[item.pk]))
