"""Settings for gridcase, read from the environment.

GRIDCASE_PROFILE picks the defaults: "production" (the default: DEBUG off, a SECRET_KEY and
ALLOWED_HOSTS are required, cookies are HTTPS-only) or "dev" (DEBUG on, a throwaway key, localhost).
Any variable set in the environment overrides the profile's default.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from geodata import basemap
from gridcase.lib.env import env, envbool, envint, envlist, envsecret

BASE_DIR = Path(__file__).resolve().parent.parent

PROFILE = env("GRIDCASE_PROFILE", "production")
if PROFILE not in {"production", "dev"}:
    raise ImproperlyConfigured(f"GRIDCASE_PROFILE must be 'production' or 'dev', not {PROFILE!r}")
DEV = PROFILE == "dev"

DEBUG = envbool("DEBUG", DEV)
SECRET_KEY = envsecret("SECRET_KEY", "dev-only-insecure-key" if DEV else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEV else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

HTTPS = envbool("GRIDCASE_HTTPS", not DEV)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
# Covers names below gridcase's own host name only (e.g. api.gridcase.example.gov.cn), not its siblings.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A working day and a bit: a phone left logged in overnight asks for the password again.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "leaflet",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "geodata",
    "gridcase.accounts",
    "gridcase.front",
    "gridcase.workdays",
    "gridcase.outbox",
    "gridcase.notifications",
    "gridcase.cases",
    "gridcase.hazards",
    "gridcase.escalation",
    "gridcase.deliberation",
    "gridcase.requests",
    "gridcase.patrols",
    "gridcase.dashboards",
    "gridcase.demo",
    "gridcase.ops",
    "gridcase.api",
    "gridcase.open311",
]

MIDDLEWARE = [
    "gridcase.front.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gridcase.front.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridcase.front.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridcase.accounts.audit.AuditRequestMiddleware",
    "gridcase.api.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gridcase.front.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridcase.urls"
WSGI_APPLICATION = "gridcase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridcase.front.context_processors.site",
                "gridcase.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", "postgis://gridcase:gridcase@127.0.0.1:5432/gridcase")
# Persistent connections, checked before reuse: after a database restart the dead one is replaced.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60),
                                              conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfigured("DATABASE_URL must be a postgis:// URL (PostgreSQL with PostGIS)")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Login throttling (django-axes): five wrong passwords for one account from one address lock that
# pair out for 15 minutes. Keyed on both, so a stranger cannot lock a colleague out from elsewhere.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "gridcase.accounts.backends.AreaBackend"]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "gridcase.accounts.views.locked_out"
# One account guessed from many addresses: locked for everyone after this many failures in the cool-off.
ACCOUNT_FAILURE_LIMIT = envint("ACCOUNT_FAILURE_LIMIT", 20)
AXES_DISABLE_ACCESS_LOG = True  # logins are in gridcase's own audit log (accounts.AuditEntry)
# The optional second factor (TOTP) for leaders and admins: wrong codes lock it for a while too.
OTP_FAILURE_LIMIT = envint("OTP_FAILURE_LIMIT", 10)
OTP_LOCKOUT_MINUTES = envint("OTP_LOCKOUT_MINUTES", 15)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded boundary files can be a few MB of coordinates.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
GEODATA_MAX_UPLOAD_BYTES = envint("GEODATA_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)

# Redis serves Celery (broker and results) and the health check.
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues a task while Redis is down must not hang: fail fast, the outbox keeps the task.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
HEALTHZ_CELERY_TIMEOUT = envint("HEALTHZ_CELERY_TIMEOUT", 5)
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", "")  # a monitor sending it as X-Health-Token sees the details
# Cases the escalation sweep handles per transaction.
ESCALATION_SWEEP_BATCH = envint("ESCALATION_SWEEP_BATCH", 500)

# The basemap is optional (the map works without one): BASEMAP picks a preset — none, tianditu,
# tianditu-img (天地图, needs TIANDITU_KEY), amap, tencent (GCJ-02: the map shifts WGS-84 data onto
# them), mbtiles (an offline file gridcase serves itself, BASEMAP_MBTILES) or custom (BASEMAP_URL, a
# tile URL template in BASEMAP_CRS). See geodata/basemap.py and the README's "Basemap".
BASEMAP = env("BASEMAP", "")
BASEMAP_URL = env("BASEMAP_URL", "")
BASEMAP_CRS = env("BASEMAP_CRS", "").lower()
BASEMAP_ATTRIBUTION = env("BASEMAP_ATTRIBUTION", "")
BASEMAP_MAX_ZOOM = envint("BASEMAP_MAX_ZOOM", 18)
BASEMAP_MBTILES = env("BASEMAP_MBTILES", str(BASE_DIR / "var" / "tiles" / "basemap.mbtiles"))
TIANDITU_KEY = envsecret("TIANDITU_KEY", "")
_basemap = basemap.resolve(preset=BASEMAP, url=BASEMAP_URL, crs=BASEMAP_CRS, key=TIANDITU_KEY,
                           attribution=BASEMAP_ATTRIBUTION, max_zoom=BASEMAP_MAX_ZOOM, mbtiles=BASEMAP_MBTILES)

# django-leaflet draws the admin's map widgets; it gets the same basemap when its tiles are WGS-84
# (the widgets cannot shift GCJ-02), or none.
_admin_layers = _basemap.layers if _basemap.crs == "wgs84" else ()
_admin_tiles = [(_basemap.label, layer.url, {"attribution": _basemap.attribution, "subdomains": layer.subdomains or "abc"})
                for layer in _admin_layers]
LEAFLET_CONFIG = {
    "TILES": [tiles for tiles, layer in zip(_admin_tiles, _admin_layers) if not layer.overlay],
    "OVERLAYS": [tiles for tiles, layer in zip(_admin_tiles, _admin_layers) if layer.overlay],
    "DEFAULT_CENTER": (33.80, 118.33),
    "DEFAULT_ZOOM": 10,
    "RESET_VIEW": False,
}

# Import validation: overlaps and slivers below this many square metres are rounding, not errors.
GEODATA_TOLERANCE_M2 = float(env("GEODATA_TOLERANCE_M2", "1.0"))

REST_FRAMEWORK = {
    # The token first: its WWW-Authenticate header makes a refused request a 401, as it should be.
    "DEFAULT_AUTHENTICATION_CLASSES": ["gridcase.api.authentication.BearerTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "gridcase.api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["gridcase.api.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gridcase.api.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridcase API",
    "DESCRIPTION": "网格化矛盾纠纷调处系统接口。与页面同一套辖区与权限规则；错误为 RFC 9457 problem+json；"
                   "POST 可带 Idempotency-Key；修改须带 If-Match（读取时的 ETag）。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Served from static/vendor (scripts/vendor_js.sh): no CDN on an intranet.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui-5.35.0",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui-5.35.0/favicon-32x32.png",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema says what the API is, not what is in it: readable without logging in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["gridcase.api.schema.only_v1"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "gridcase.api.schema.document_problems"],
    # Choice sets that share a field name across apps, each named for what it is.
    "ENUM_NAME_OVERRIDES": {
        "CaseSourceEnum": "gridcase.cases.models.Source", "TopicSourceEnum": "gridcase.deliberation.models.Source",
        "PartyRoleEnum": "gridcase.cases.models.Party.Role", "AttendeeRoleEnum": "gridcase.deliberation.models.AttendeeRole",
        "HazardSeverityEnum": "gridcase.hazards.models.Severity",
    },
}
# Who answers for the Open311 endpoint (its discovery document's `contact`), e.g. an office and phone.
OPEN311_CONTACT = env("OPEN311_CONTACT", "")

# JSON lines in production (for the log collector), readable text in development.
LOG_FORMAT = env("LOG_FORMAT", "text" if DEV else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gridcase.lib.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "gridcase.lib.logs.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO ("Step 2 - Fetching and parsing CSS").
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                "axes": {"level": "WARNING"}},  # axes says hello at INFO on every start
}

from gridcase.schedules import CELERY_BEAT_SCHEDULE  # noqa: E402,F401

CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# The footer says the demo's inner boundaries are synthetic wherever demo data may be loaded.
DEMO_NOTICE = envbool("GRIDCASE_DEMO", DEV)
# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial reference
# definitions; only county admins (staff) upload boundary files, so the warning is noise here.
# security.W021: the browsers' HSTS preload list holds public registrable domains; an intranet host
# name can never be on it.
SILENCED_SYSTEM_CHECKS = ["gis.W001", "security.W021"]

# Personal data (ID numbers, phones) is encrypted with the first of these Fernet keys; the others
# still decrypt (key rotation). Generate one with:
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
from gridcase.lib.crypto import derive_key  # noqa: E402

FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS", [derive_key(SECRET_KEY)] if DEV else [])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production (comma-separated Fernet keys)")

# Time limits per handling level, in working days, from acceptance at that level.
CASE_TIME_LIMITS = {"village": 10, "town": 20, "county": 30}
# A case logged must be accepted (or declined) within this many working days, or it is overdue.
CASE_ACCEPT_WORKING_DAYS = envint("CASE_ACCEPT_WORKING_DAYS", 3)
# While logging, open cases within this distance and age are offered as "the same dispute?".
CASE_NEARBY_METRES = envint("CASE_NEARBY_METRES", 100)
CASE_NEARBY_DAYS = envint("CASE_NEARBY_DAYS", 30)
CASE_ATTACHMENT_MAX_BYTES = envint("CASE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Content types accepted (checked from the bytes: gridcase.lib.uploads) → the stored extension.
CASE_ATTACHMENT_TYPES = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf",
}

# Channels every notification also goes out through (dotted paths of gridcase.notifications.channels.Channel
# subclasses; README "Alerts"). Each reads its URLs and secrets below; one listed without them stops the start.
NOTIFICATION_CHANNELS = envlist("NOTIFICATION_CHANNELS", ["gridcase.notifications.channels.LoggingChannel"])
NOTIFICATION_TIMEOUT_SECONDS = envint("NOTIFICATION_TIMEOUT_SECONDS", 10)
# The address people open links in messages at (the acknowledgement link, the case).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
WECOM_WEBHOOK_URL = env("WECOM_WEBHOOK_URL", "")  # …/cgi-bin/webhook/send?key=…
DINGTALK_WEBHOOK_URL = env("DINGTALK_WEBHOOK_URL", "")  # …/robot/send?access_token=…
DINGTALK_SECRET = envsecret("DINGTALK_SECRET", "")  # the robot's 加签 secret (SEC…)
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", "")
# The JSON body the gateway takes, with {phone}, {text} and {signature} filled in.
SMS_GATEWAY_TEMPLATE = env("SMS_GATEWAY_TEMPLATE", '{"mobile": "{phone}", "content": "{text}"}')
SMS_SIGNATURE = env("SMS_SIGNATURE", "")  # e.g. 【宿城区综治中心】
SMS_GATEWAY_SUCCESS = env("SMS_GATEWAY_SUCCESS", "code=0")  # the answer's field and the value that means sent
ALERT_WEBHOOK_URL = env("ALERT_WEBHOOK_URL", "")
ALERT_WEBHOOK_SECRET = envsecret("ALERT_WEBHOOK_SECRET", "")
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = NOTIFICATION_TIMEOUT_SECONDS
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gridcase@localhost")

# Long batch work (the demo history) has its own queue and worker, so that it never delays the
# rules sweep, notifications or the health check's round trip.
CELERY_TASK_ROUTES = {"gridcase.cases.tasks.build_demo_month": {"queue": "bulk"}}
