"""POST requests: a GeoReport submission becomes a resident request or a hazard through the apps' own
services, which check the token user's role and jurisdiction; their refusals become error documents."""

import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from geodata.selectors import LocationError, locate
from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import Hazard
from gridcase.lib import clock
from gridcase.open311.formats import GeoReportError
from gridcase.open311.georeport import REQUEST, Service
from gridcase.requests import services as request_services
from gridcase.requests.models import Channel, Request


@dataclass
class Submission:
    service: Service
    description: str
    point: Point | None
    client_id: uuid.UUID
    attributes: dict[str, str]
    address_string: str = ""
    address_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    jurisdiction: str = ""


@dataclass
class Created:
    number: str
    token: str
    notice: str
    repeated: bool  # the same submission (client_id) was received before: nothing new was made


def _reporter(submission: Submission) -> request_services.Reporter:
    """Name and contact for the requests app to encrypt: the attributes first, else the GeoReport fields
    (a Chinese name is family name first; the phone before the e-mail address)."""
    first, last = submission.first_name.strip(), submission.last_name.strip()
    han = any("\u4e00" <= char <= "\u9fff" for char in first + last)
    name = submission.attributes.get("reporter_name") or (f"{last}{first}" if han else f"{first} {last}".strip())
    contact = submission.attributes.get("reporter_phone") or submission.phone.strip() or submission.email.strip()
    return request_services.Reporter(name=name, contact=contact)


def _check_location(submission: Submission) -> None:
    """Outside every grid, or outside the jurisdiction_id asked for: say so before the apps are asked."""
    if submission.point is None:
        return
    try:
        where = locate(point=submission.point)
    except LocationError:
        raise GeoReportError(400, _("该位置（WGS-84 经度 %(long).6f，纬度 %(lat).6f）不在任何网格内") % {
            "long": submission.point.x, "lat": submission.point.y}) from None
    if submission.jurisdiction and not where.grid.code.startswith(submission.jurisdiction):
        raise GeoReportError(400, _("该位置属于%(grid)s（%(code)s），不在 jurisdiction_id %(jurisdiction)s 内") % {
            "grid": where.grid.name, "code": where.grid.code, "jurisdiction": submission.jurisdiction})


def _village(submission: Submission) -> Area | None:
    """Without lat/long, address_id may name the village (its 12-digit code) a resident request belongs to."""
    if submission.point is not None:
        return None
    if submission.service.kind != REQUEST:
        raise GeoReportError(400, _("隐患须给出位置：lat 与 long"))
    if not submission.address_id:
        if submission.address_string:
            raise GeoReportError(400, _("本系统不解析地址：请给出 lat/long，或以 address_id 给出村(社区)的 12 位区划代码"))
        raise GeoReportError(400, _("缺少位置：请给出 lat/long，或以 address_id 给出村(社区)的 12 位区划代码"))
    village = Area.objects.filter(level=Level.VILLAGE, code=submission.address_id).defer("geom").first()
    if village is None or not village.code.startswith(submission.jurisdiction):
        raise GeoReportError(400, _("address_id 应为村(社区)的 12 位区划代码，收到：%(code)s") % {"code": submission.address_id})
    return village


def service_request_create(*, actor, submission: Submission) -> Created:
    """Register the submission as a request or report it as a hazard, as `actor` (the token's user).
    A submission whose client_id was seen before returns what that one made."""
    _check_location(submission)
    village = _village(submission)
    token = str(submission.client_id)
    if submission.service.kind == REQUEST:
        repeated = Request.objects.filter(client_id=submission.client_id).exists()
        matter = submission.description
        if submission.address_string:
            matter += "\n" + _("地址：%(address)s") % {"address": submission.address_string}
        try:
            request = request_services.request_register(
                actor=actor, matter=matter, category=submission.service.category, received_on=clock.today(),
                channel=submission.attributes.get("channel") or Channel.OPEN311, village=village,
                location=submission.point, reporter=_reporter(submission), client_id=submission.client_id)
        except request_services.RequestError as exc:
            raise GeoReportError(403 if isinstance(exc, request_services.NotAllowed) else 400, exc) from None
        return Created(number=request.number, token=token, repeated=repeated,
                       notice=_("已登记为民情诉求 %(number)s，待村(社区)分流") % {"number": request.number})
    repeated = Hazard.objects.filter(client_id=submission.client_id).exists()
    title = submission.description.splitlines()[0][:60]
    try:
        hazard = hazard_services.hazard_report(
            actor=actor, title=title, category=submission.service.category, location=submission.point,
            severity=int(submission.attributes.get("severity") or 1), description=submission.description,
            client_id=submission.client_id)
    except hazard_services.HazardError as exc:
        raise GeoReportError(403 if isinstance(exc, hazard_services.NotAllowed) else 400, exc) from None
    return Created(number=hazard.number, token=token, repeated=repeated,
                   notice=_("已上报为隐患 %(number)s，待核实") % {"number": hazard.number})
