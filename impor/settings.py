"""IMPOR settings, read from the environment (see README, "Configuration").

Every value comes from an environment variable or from `.env` in the project root.
Defaults are safe for production: DEBUG is off, cookies are secure and HTTPS is enforced
unless DEBUG is switched on for local work. A malformed value stops start-up with an
`ImproperlyConfigured` error that names the variable.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from impor.logs import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo such as DEBUG=ture must not silently mean False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default))
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "simple_history",
    "axes",
    "impor",
    "stakeholders",
    "assets",
    "projects",
    "programming",
]

MIDDLEWARE = [
    # One log line per request (method, path, status, duration), whatever answered it.
    "impor.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the web process itself, compressed and cached forever (whitenoise).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "impor.api.middleware.ApiConventionsMiddleware",
    # An upload above IMPOR_IMPORT_MAX_MB: 413 before its body is read (impor/uploads.py).
    "impor.uploads.UploadLimitMiddleware",
    # Database unreachable: a 503 page or problem+json instead of a stack trace. Before the
    # session and user lookups, which are the first to touch the database.
    "impor.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Who made a change, for the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login throttling for local accounts (django-axes); last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "impor.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "impor.context_processors.impor",
                "impor.menu.main_menu",
            ],
        },
    },
]

WSGI_APPLICATION = "impor.wsgi.application"

# SQLite in var/ is the embedded default; DATABASE_URL=postgres://… selects PostgreSQL.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'impor.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a background computation writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command",
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "stakeholders.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "programming:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Dutch dates and numbers as the municipality writes them (1.234.567; 1 januari 2026).
FORMAT_MODULE_PATH = ["impor.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Production serves static files through whitenoise from STATIC_ROOT (filled by
# `manage.py collectstatic` at build time), with hashed names so browsers may cache them
# forever. DEBUG keeps the plain storage, so tests and `make demo` need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# With DEBUG on, runserver serves the static files and STATIC_ROOT may not exist yet.
WHITENOISE_AUTOREFRESH = DEBUG

# Security: strict unless DEBUG is on. Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER_ENABLED=true so Django trusts X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx gets the token from the page (base.html).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = env_bool("LANGUAGE_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# A load balancer may probe the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^gezondheid$"]

# Background work (programme computations) runs in `manage.py db_worker` processes that
# take tasks from the database; TASKS_BACKEND=immediate runs them in the request instead.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env.str("TASKS_BACKEND", default="database")
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend]}}

# E-mail (alerts, digests): EMAIL_URL as django-environ reads it, e.g.
# smtp+tls://user:password@smtp.example.nl:587. Without it: the console (the mail is
# printed in the log) when DEBUG is on, as in `make demo`; an SMTP server on localhost
# in production.
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="IMPOR <impor@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of this site in links of e-mails, feeds and webhooks (no request there).
IMPOR_SITE_URL = env.str("IMPOR_SITE_URL", default="http://localhost:8000").rstrip("/")
# Webhooks to loopback, private and link-local addresses are refused (SSRF), unless this
# is on: for tests and a demo on one machine only (stakeholders/webhook_address.py).
IMPOR_WEBHOOK_ALLOW_PRIVATE = env_bool("IMPOR_WEBHOOK_ALLOW_PRIVATE", False)
# Attempts of one webhook delivery, and the wait before the second; it doubles each time.
IMPOR_WEBHOOK_ATTEMPTS = env_int("IMPOR_WEBHOOK_ATTEMPTS", 6)
IMPOR_WEBHOOK_BACKOFF_SECONDS = env_int("IMPOR_WEBHOOK_BACKOFF_SECONDS", 60)

# The municipality this installation serves; geometry outside its extent is refused.
IMPOR_MUNICIPALITY_NAME = env.str("IMPOR_MUNICIPALITY_NAME", default="Dalfsen")

# The base map behind every map (components/map.html): an XYZ tile URL in RD New
# (EPSG:28992, PDOK tile matrix). Empty: no base map, shapes on a plain background.
IMPOR_TILE_URL = env.str(
    "IMPOR_TILE_URL",
    default="https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:28992/{z}/{x}/{y}.png",
)
IMPOR_TILE_ATTRIBUTION = env.str("IMPOR_TILE_ATTRIBUTION", default="© Kadaster, CC-BY")


def _origin(url: str) -> list[str]:
    """The scheme and host of `url` as a CSP source (empty list for an empty URL)."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content-Security-Policy (django-csp): only our own files, no inline script or style
# except with the per-request nonce (`request.csp_nonce`); images also from the base map's
# tile server; forms may also go to the municipality's OpenID Connect provider.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_origin(IMPOR_TILE_URL)],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *_origin(env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default=""))],
        "frame-ancestors": [NONE],
    },
}

# The health endpoint reports "no worker" when a task has waited longer than this
# while no task runs (docs/deploy.md, "Gezondheid").
IMPOR_HEALTH_QUEUE_SECONDS = env_int("IMPOR_HEALTH_QUEUE_SECONDS", 300)

# Largest file an import accepts; zipped files may unpack to at most five times this.
IMPOR_IMPORT_MAX_MB = env_int("IMPOR_IMPORT_MAX_MB", 200)
# How far an Excel sheet may reach: it is read as a full grid of rows × columns, so one
# stray cell at XFD1048576 would otherwise cost 17 billion cells (impor/importing/sheets.py).
IMPOR_IMPORT_MAX_ROWS = env_int("IMPOR_IMPORT_MAX_ROWS", 1_000_000)
IMPOR_IMPORT_MAX_COLUMNS = env_int("IMPOR_IMPORT_MAX_COLUMNS", 500)
IMPOR_IMPORT_MAX_CELLS = env_int("IMPOR_IMPORT_MAX_CELLS", 20_000_000)
# The browser import commits a file of more rows than this on the task worker, with a
# progress page, instead of in the request (assets/import_views.py).
IMPOR_IMPORT_BACKGROUND_ROWS = env_int("IMPOR_IMPORT_BACKGROUND_ROWS", 20_000)
# The first upload handler stops the files of a request at IMPOR_IMPORT_MAX_MB, before
# the next ones keep them in memory or in a temporary file (impor/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "impor.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# A computation writes a sign of life every IMPOR_RUN_HEARTBEAT_SECONDS; one silent for
# IMPOR_RUN_STALE_SECONDS has lost its worker and is marked failed (docs/load.md).
IMPOR_RUN_HEARTBEAT_SECONDS = env_int("IMPOR_RUN_HEARTBEAT_SECONDS", 10)
IMPOR_RUN_STALE_SECONDS = env_int("IMPOR_RUN_STALE_SECONDS", 120)

# The API under /api/v1/ (docs/api.md): NL API Design Rules — errors as problem+json,
# pages of 50 with a capped count, session login for the browser and tokens for
# integrations (the token first, so an anonymous call gets 401 with WWW-Authenticate).
# The OGC API Features collections (impor.ogc): one function `collections(user)` per app,
# named here so that impor imports none of the apps above it.
OGC_COLLECTIONS = [
    "impor.ogc.areas.collections",
    "assets.ogc.collections",
    "projects.ogc.collections",
    "programming.ogc.collections",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "stakeholders.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Each endpoint adds its model permissions (impor.api.permissions.ModelPermissions).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["impor.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "impor.api.pagination.CappedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "impor.api.renderers.ProblemJSONRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "impor.api.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "impor.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "impor.api.exceptions.problem_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The OpenAPI document as the NL API Design Rules want it (docs/api.md, `make adr`): the
# server URL carries the major version, the paths are relative to it, and it names whom
# to contact. API_BASE_URL may be absolute (https://impor.gemeente.nl/api/v1) so that
# the national API register shows where the API lives; relative by default.
API_BASE_URL = env.str("API_BASE_URL", default="/api/v1").rstrip("/")
if not API_BASE_URL.endswith("/api/v1") or API_BASE_URL.startswith("http://"):
    raise ImproperlyConfigured(
        f"API_BASE_URL must end in /api/v1 and be relative or https, not {API_BASE_URL!r}"
    )
SPECTACULAR_SETTINGS = {
    "TITLE": "IMPOR API",
    "DESCRIPTION": "Integraal Meerjaren Programma Openbare Ruimte: areaal, projecten, "
    "actoren, ambities en het programma. Zie docs/api.md.",
    # A semantic version; the API-Version header of every response repeats it.
    "VERSION": "1.0.0",
    "CONTACT": {
        "name": env.str("API_CONTACT_NAME", default="Team IMPOR"),
        "email": env.str("API_CONTACT_EMAIL", default="impor@example.nl"),
        "url": env.str("API_CONTACT_URL", default=IMPOR_SITE_URL),
    },
    "SERVERS": [{"url": API_BASE_URL}],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "impor.api.geo.describe_media_types",
        "impor.api.schema.declare_api_conventions",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.choices.ProjectStatus",
        "ReportStatusEnum": "assets.choices.ReportStatus",
        "RegisterStatusEnum": "projects.choices.RegisterStatus",
        "DecisionLevelEnum": "projects.choices.DecisionLevel",
        "CouplingDecisionStatusEnum": "programming.choices.CouplingDecisionStatus",
        "CouplingKindEnum": "programming.choices.CouplingKind",
        "ReservationKindEnum": "programming.models.couplings.ReservationKind",
    },
}

# Logs go to stdout: JSON lines (time, level, logger, message and, for requests, method,
# path, status and duration_ms) in production, plain text when DEBUG is on. LOG_FORMAT
# chooses explicitly.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": JSON_FORMATTER,
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # RequestLogMiddleware logs every request already; runserver's own lines would
        # repeat them.
        "django.server": {"level": "WARNING"},
    },
}

# Login: OpenID Connect and throttling ------------------------------------------------
# docs/roles.md. Single sign-on with the municipality's identity provider is an option:
# with OIDC_RP_CLIENT_ID unset nothing of it is active and only local accounts log in.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
if OIDC_RP_CLIENT_ID:
    for _name in (
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ):
        if not env.str(_name, default=""):
            raise ImproperlyConfigured(f"{_name} must be set when OIDC_RP_CLIENT_ID is set")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    # The claim that carries the user's groups, and which group means which role:
    # OIDC_ROLE_MAP=impor-lezers=lezer,impor-bewerkers=bewerker,impor-beheer=beheerder.
    # A user without a mapped group gets OIDC_DEFAULT_ROLE; set it empty to refuse them.
    OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="groups")
    OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
    OIDC_DEFAULT_ROLE = env.str("OIDC_DEFAULT_ROLE", default="lezer")
    OIDC_USE_PKCE = True
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "stakeholders.oidc.MunicipalOIDCBackend"]

# django-axes throttles the login form of local accounts: five wrong passwords for one
# username from one address lock that pair for 15 minutes; a good login resets the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # in hours, as axes reads it
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Every login and lockout in the log in production; quiet in development and tests.
AXES_VERBOSE = env_bool("AXES_VERBOSE", not DEBUG)
# Behind N reverse proxies (IMPOR_PROXY_COUNT=N) the client is the N-th address from the
# right in X-Forwarded-For, the one the outermost trusted proxy saw; the addresses left
# of it are the client's own say and could be forged. Without proxies: REMOTE_ADDR.
IMPOR_PROXY_COUNT = env_int("IMPOR_PROXY_COUNT", 0)


def _client_ip(request) -> str | None:
    from django.conf import settings  # read at call time, so tests can override it

    proxies = settings.IMPOR_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = _client_ip


def _not_a_password_login(request, credentials) -> bool:
    """Only passwords are throttled: a single sign-on callback names no username, and the
    provider throttles its own logins."""
    return not (credentials or {}).get("username")


AXES_WHITELIST_CALLABLE = _not_a_password_login
