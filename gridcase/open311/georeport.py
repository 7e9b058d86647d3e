"""GeoReport v2 documents from gridcase's objects, as plain functions: what a service, a service
definition and a service request look like to an Open311 client. Nothing here reads the database
beyond the objects it is given; nothing here ever puts a reporter's personal data in a document."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcase.cases.models import Level
from gridcase.hazards.models import OPEN_STATES as HAZARD_OPEN_STATES
from gridcase.hazards.models import Hazard, HazardCategory, Severity
from gridcase.requests.models import OPEN_STATES as REQUEST_OPEN_STATES
from gridcase.requests.models import Channel, Kind, Request, RequestCategory

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed (the discovery document's `changeset`).
CHANGESET = "2026-11-23T00:00:00+08:00"

REQUEST, HAZARD = "request", "hazard"


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    description: object
    order: int
    required: bool = False
    values: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Service:
    """A GeoReport service: one category of resident requests or of hazards."""

    kind: str  # REQUEST or HAZARD
    category: RequestCategory | HazardCategory
    attributes: tuple[Attribute, ...] = field(default=())

    @property
    def code(self) -> str:
        return f"{self.kind}-{self.category.code}"


# Personal data in, never out: the reporter's name and phone are stored encrypted by gridcase.requests.
REQUEST_ATTRIBUTES = (
    Attribute("reporter_name", "string", gettext_lazy("反映人姓名（加密保存，任何接口都不返回）"), 1),
    Attribute("reporter_phone", "string", gettext_lazy("反映人联系电话（加密保存，任何接口都不返回）"), 2),
    Attribute("channel", "singlevaluelist", gettext_lazy("反映渠道，默认 Open311；12345 热线平台推送时填 hotline"), 3,
              values=((Channel.OPEN311.value, Channel.OPEN311.label), (Channel.HOTLINE.value, Channel.HOTLINE.label))),
)
HAZARD_ATTRIBUTES = (
    Attribute("severity", "singlevaluelist", gettext_lazy("隐患等级，默认一般"), 1,
              values=tuple((str(value), label) for value, label in Severity.choices)),
)
ATTRIBUTES = {REQUEST: REQUEST_ATTRIBUTES, HAZARD: HAZARD_ATTRIBUTES}
GROUPS = {REQUEST: gettext_lazy("民情诉求"), HAZARD: gettext_lazy("隐患")}


def service(service: Service) -> dict:
    category = service.category
    if service.kind == REQUEST:
        description = _("民情诉求：%(name)s") % {"name": category.name}
        keywords = [str(Kind(category.default_kind).label)] if category.default_kind else []
    else:
        description = _("隐患上报：%(name)s（须给出位置）") % {"name": category.name}
        keywords = []
    return {"service_code": service.code, "service_name": category.name, "description": description,
            "metadata": bool(service.attributes), "type": "realtime", "keywords": ",".join(keywords),
            "group": str(GROUPS[service.kind])}


def service_definition(service: Service) -> dict:
    return {"service_code": service.code, "attributes": [
        {"variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
         "datatype_description": None, "order": a.order, "description": str(a.description),
         **({"values": [{"key": key, "name": str(name)} for key, name in a.values]} if a.values else {})}
        for a in service.attributes]}


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, in the site's time zone: 2026-11-02T09:00:00+08:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def committee(village_name: str) -> str:
    """'古河村' → '古河村村民委员会'; '凤凰社区' → '凤凰社区居民委员会'."""
    return village_name + (_("居民委员会") if village_name.endswith("社区") else _("村民委员会"))


def government(town_or_county_name: str) -> str:
    """'屠园镇' → '屠园镇人民政府'; 'XX街道' → 'XX街道办事处'."""
    return town_or_county_name + (_("办事处") if town_or_county_name.endswith("街道") else _("人民政府"))


def request_agency(request: Request, names: dict[str, str]) -> str:
    """A 大事 is the town office's (归口); anything else is the village committee's to handle or triage."""
    if request.kind == Kind.MAJOR and request.office_id:
        return f"{names.get(request.town_code, '')}（{request.office.name}）"
    return committee(names.get(request.village_code, ""))


def hazard_agency(hazard: Hazard, names: dict[str, str]) -> str:
    """The level that supervises the hazard now (村级 → the village committee; 镇级, 县级 → the government)."""
    if hazard.level == Level.TOWN:
        return government(names.get(hazard.town_code, ""))
    if hazard.level == Level.COUNTY:
        return government(names.get(hazard.county_code, ""))
    return committee(names.get(hazard.village_code, ""))


def _address(names: dict[str, str], town_code: str, area_code: str) -> str:
    return names.get(town_code, "") + names.get(area_code, "")


def _point(location) -> tuple[float | None, float | None]:
    return (round(location.y, 7), round(location.x, 7)) if location is not None else (None, None)


def request_document(request: Request, names: dict[str, str]) -> dict:
    lat, long = _point(request.location)
    return {
        "service_request_id": request.number,
        "status": "open" if request.state in REQUEST_OPEN_STATES else "closed",
        "status_notes": request.reply or request.get_state_display(),
        "service_name": request.category.name, "service_code": f"{REQUEST}-{request.category.code}",
        "description": request.matter, "agency_responsible": request_agency(request, names),
        "service_notice": request.get_kind_display() if request.kind else _("待分流"),
        "requested_datetime": iso(request.registered_at), "updated_datetime": iso(request.updated_at),
        "expected_datetime": iso(request.deadline),
        "address": _address(names, request.town_code, request.area_code), "address_id": request.area_code,
        "zipcode": None, "lat": lat, "long": long, "media_url": None,
    }


def _hazard_text(hazard: Hazard) -> str:
    if hazard.description.startswith(hazard.title):  # reported through Open311: the title is its first line
        return hazard.description
    return "\n".join(part for part in (hazard.title, hazard.description) if part)


def hazard_document(hazard: Hazard, names: dict[str, str], last_note: str = "") -> dict:
    lat, long = _point(hazard.location)
    state = hazard.get_state_display()
    return {
        "service_request_id": hazard.number,
        "status": "open" if hazard.state in HAZARD_OPEN_STATES else "closed",
        "status_notes": f"{state}：{last_note}" if last_note else state,
        "service_name": hazard.category.name, "service_code": f"{HAZARD}-{hazard.category.code}",
        "description": _hazard_text(hazard),
        "agency_responsible": hazard_agency(hazard, names),
        "service_notice": _("隐患等级：%(severity)s") % {"severity": hazard.get_severity_display()},
        "requested_datetime": iso(hazard.reported_at), "updated_datetime": iso(hazard.updated_at),
        "expected_datetime": iso(hazard.deadline),
        "address": _address(names, hazard.town_code, hazard.area_code), "address_id": hazard.area_code,
        "zipcode": None, "lat": lat, "long": long, "media_url": None,
    }


def created(*, number: str, token: str, notice: str) -> dict:
    return {"service_request_id": number, "token": token, "service_notice": notice, "account_id": None}


def discovery(*, url: str, contact: str) -> dict:
    return {"changeset": CHANGESET, "contact": contact,
            "key_service": _("api_key 为 gridcase 接口令牌，由区县管理员在管理后台（接口令牌）签发"),
            "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": CHANGESET, "type": "production",
                           "formats": ["text/xml", "application/json"]}]}
