"""Open311 GeoReport v2 at /open311/v2/ (the spec: http://wiki.open311.org/GeoReport_v2), JSON or XML by
the suffix (services.json, requests.xml). Services are the active categories of resident requests
(`request-<code>`) and of hazards (`hazard-<code>`); a POSTed request becomes one or the other through
the apps' services; service_request_id is the request's or hazard's number.

Deviations and extensions, on purpose:
- gridcase's data is not public: GET requests, GET requests/{id} and GET tokens/{id} need an api_key
  too (read scope; POST needs write), given as a parameter or as `Authorization: Bearer`, and answer
  only what the token's user may see. The service list, definitions and discovery are public.
- `coordinate_system=gcj02` (or `bd09`) with POST: lat/long are converted to WGS-84 first.
- `page` and `page_size` (≤ 1,000) with GET requests; a `Link: <…>; rel="next"` header when more follow.
- Retries create nothing new: send `Idempotency-Key` (the first answer is replayed for 24 h and the
  submission's token is derived from the key) or your own `client_id` (a UUID). The token in the POST
  answer is the submission's client_id; GET tokens/{token} finds it again.
- `address_id` is an area code: a village's 12-digit code places a resident request without lat/long;
  `address_string` is kept with the description, never geocoded. `media_url` is not taken.
- No personal data ever leaves: reporters' names and contacts go into the requests app's encrypted
  fields and appear in no answer; `account_id`, `zipcode` and `media_url` are always empty. A hazard
  keeps no reporter but the token's user: first_name, last_name, phone and email are not stored for it.
- POST answers 201 when it made something, 200 when the client_id was seen before.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridcase.api.models import Scope
from gridcase.open311 import georeport, params, selectors, services
from gridcase.open311.formats import CONTENT_TYPES, GeoReportError, error_response, render
from gridcase.open311.permissions import token_user


def georeport_view(*methods: str):
    """Answers in the requested format, refusals as GeoReport error documents; no CSRF (no session is used)."""
    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs) -> HttpResponse:
            try:
                if fmt not in CONTENT_TYPES:
                    raise GeoReportError(400, _("不支持的格式 .%(fmt)s：请用 .json 或 .xml") % {"fmt": fmt})
                if request.method not in methods:
                    response = error_response(405, _("不支持 %(method)s 请求") % {"method": request.method}, fmt)
                    response["Allow"] = ", ".join(methods)
                    return response
                return view(request, *args, fmt=fmt, **kwargs)
            except GeoReportError as exc:
                return error_response(exc.status, exc.description, fmt)
        return wrapper
    return decorate


@georeport_view("GET")
def discovery(request, fmt):
    document = georeport.discovery(url=request.build_absolute_uri("/open311/v2/"),
                                   contact=settings.OPEN311_CONTACT)
    return render(document, root="discovery", fmt=fmt)


@georeport_view("GET")
def service_list(request, fmt):
    params.jurisdiction(request.GET)
    return render([georeport.service(s) for s in selectors.catalogue().values()], root="services", fmt=fmt)


@georeport_view("GET")
def service_definition(request, service_code, fmt):
    params.jurisdiction(request.GET)
    service = selectors.catalogue().get(service_code)
    if service is None:
        raise GeoReportError(404, _("没有这个 service_code：%(code)s") % {"code": service_code})
    return render(georeport.service_definition(service), root="service_definition", fmt=fmt)


@georeport_view("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    user = token_user(request, Scope.READ)
    query = params.query(request.GET, selectors.catalogue())
    page = selectors.service_requests(user=user, query=query)
    response = render(page.documents, root="service_requests", fmt=fmt)
    if page.more:
        kept = {name: value for name, value in request.GET.items() if name not in ("page", "page_size", "api_key")}
        following = urlencode({**kept, "page": query.page + 1, "page_size": query.page_size})
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{following}>; rel="next"'
    return response


def _create(request, fmt):
    user = token_user(request, Scope.WRITE)
    form = request.POST
    code = form.get("service_code", "").strip()
    if not code:
        raise GeoReportError(400, _("缺少 service_code"))
    service = selectors.catalogue().get(code)
    if service is None:
        raise GeoReportError(400, _("没有这个 service_code：%(code)s") % {"code": code})
    submission = services.Submission(
        service=service, description=params.description(form), point=params.point(form),
        client_id=params.client_id(form, request.headers.get("Idempotency-Key", "").strip(), user.pk),
        attributes=params.attributes(form, service), jurisdiction=params.jurisdiction(form),
        **{name: form.get(name, "").strip() for name in ("address_string", "address_id", "first_name", "last_name",
                                                          "phone", "email")})
    created = services.service_request_create(actor=user, submission=submission)
    document = georeport.created(number=created.number, token=created.token, notice=created.notice)
    return render([document], root="service_requests", fmt=fmt, status=200 if created.repeated else 201)


@georeport_view("GET")
def service_request(request, service_request_id, fmt):
    user = token_user(request, Scope.READ)
    document = selectors.service_request(user=user, service_request_id=service_request_id)
    if document is None:
        raise GeoReportError(404, _("没有这个 service_request_id：%(id)s") % {"id": service_request_id})
    return render([document], root="service_requests", fmt=fmt)


@georeport_view("GET")
def token(request, token_id, fmt):
    user = token_user(request, Scope.READ)
    number = None
    if (client_id := params.token(token_id)) is not None:
        number = selectors.number_for_token(user=user, token=client_id)
    if number is None:
        raise GeoReportError(404, _("没有这个 token：%(token)s") % {"token": token_id})
    return render([{"service_request_id": number, "token": token_id}], root="service_requests", fmt=fmt)


@csrf_exempt
def not_found(request, *args, **kwargs):
    return error_response(404, _("没有这个 Open311 接口地址"), "json" if request.path.endswith(".json") else "xml")
