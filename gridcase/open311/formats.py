"""GeoReport's two formats: the same data as JSON or as XML (built with xml.etree), errors included."""

import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT = "xml"  # the format GeoReport requires; used where the client asked for one we do not serve

# In XML a list is an element of this name holding one element per item.
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format"}


class GeoReportError(Exception):
    """A refusal answered as a GeoReport error document: [{"code": 400, "description": "…"}]."""

    def __init__(self, status: int, description):
        self.status, self.description = status, str(description)
        super().__init__(self.description)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(data, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(data, *, root: str, fmt: str, status: int = 200) -> HttpResponse:
    """`root` names the XML document element (services, service_requests, …); JSON has no root."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        body = to_xml(data, root)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES[DEFAULT]))


def error_response(status: int, description, fmt: str) -> HttpResponse:
    return render([{"code": status, "description": str(description)}], root="errors",
                  fmt=fmt if fmt in CONTENT_TYPES else DEFAULT, status=status)


def format_of(path: str) -> str:
    """The format a path asks for by its suffix (…/requests.json), for answers made outside the views."""
    suffix = path.rpartition(".")[2]
    return suffix if suffix in CONTENT_TYPES else DEFAULT
