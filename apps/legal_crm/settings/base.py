"""Settings shared by every deployment. Environment-specific modules extend this one."""

import os
from pathlib import Path

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent
SITE_DIR = BASE_DIR / "sites" / "default"

INSTALLED_APPS = [
    "legal_crm.core.desk_site.UnfoldConfig",  # unfold, with the desk's admin site (core/desk_site.py)
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.inlines",
    "unfold.contrib.simple_history",
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "import_export",
    "legal_crm.core",
    "legal_crm.org",
    "legal_crm.directory",
    "legal_crm.messaging",
    "legal_crm.telephony",
    "legal_crm.todos",
    "legal_crm.marketing",
    "legal_crm.leads",
    "legal_crm.contracts",
    "legal_crm.billing",
    "legal_crm.quality",
    "legal_crm.campaigns",
    "legal_crm.portal",
    "legal_crm.finance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "legal_crm.core.compression.DeskGZipMiddleware",  # first to see the body last: desk GETs only (BREACH)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "legal_crm.core.middleware.PreferredLanguageMiddleware",
    "legal_crm.core.error_views.MethodNotAllowedPageMiddleware",  # Django's blank 405 → a Russian page / API JSON
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "legal_crm.org.time_zone.EmployeeTimeZoneMiddleware",
    "legal_crm.core.lazy_messages.LazyMessageMiddleware",  # the storage only for requests that use it
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "legal_crm.urls"
WSGI_APPLICATION = "legal_crm.wsgi.application"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    "legal_crm.core.auth_backends.EffectivePermissionsBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Русский")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["legal_crm.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = SITE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = SITE_DIR / "media"
# The largest uploaded file: the desk's and the portal's documents (contracts.uploads) and a whole multipart body
# of the API (core.parsers), whose files Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count.
CONTRACTS_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# mysql.W003 (a unique CharField longer than 255 characters) misreads a GeneratedField, whose max_length lives on its
# output field: it named Counterparty.legal_key (22 characters) on every migrate on MariaDB. The rule itself is
# kept by core/tests/test_model_checks.py for every real unique text column.
SILENCED_SYSTEM_CHECKS = ["mysql.W003"]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # unfold's login form posts no "next" when opened directly

# A past version of a record is shown, never saved back through the generic form (core.admin_base.HistoryDeskAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# django-import-export lets anybody who reaches the desk import and export unless told which right it takes:
# export reads the list (view), import writes it (change; the services check each row's scope and add right).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"

# --- REST API --------------------------------------------------------------
CSRF_FAILURE_VIEW = "legal_crm.core.error_views.csrf_failure"  # says the form is stale, in Russian

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a missing or wrong token answers 401 with WWW-Authenticate (the first class's header).
        "legal_crm.core.token_auth.CachedTokenAuthentication",
        "legal_crm.core.token_auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable API is an English developer page, not a product screen (the docs are /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's parsers: a field given twice is a 400 in every format; a too deeply nested JSON body is a parse error.
    "DEFAULT_PARSER_CLASSES": [
        "legal_crm.core.parsers.JSONParser",
        "legal_crm.core.parsers.FormParser",
        "legal_crm.core.parsers.MultiPartParser",  # files count against CONTRACTS_MAX_UPLOAD_BYTES
    ],
    # A format the API does not answer in (?format=xml) is a 406, not DRF's 404.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "legal_crm.core.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "legal_crm.core.api.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "legal_crm.core.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "legal_crm.core.api.exception_handler",
    # Throttles tell clients apart by address. With NUM_PROXIES unset DRF trusts any X-Forwarded-For a client
    # sends (a new "address" per request, no limit); 0 = REMOTE_ADDR. Production sets how many proxies it has.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Legal CRM API",
    "DESCRIPTION": "Lead intake for partners and websites, and the staff API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "legal_crm.core.api.one_shape_of_several",
                             "legal_crm.core.api.document_error_codes"],
    # Choice sets that several components call "status" get a stable name (else drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "ContractStatusEnum": "legal_crm.contracts.models.contract.Contract.Status",
    },
}

# --- Login throttling ------------------------------------------------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "legal_crm.core.lockout.lockout_response"  # Russian; JSON for the API

# --- Celery -----------------------------------------------------------------
# The address people reach the site at, for links in messages (a campaign's unsubscribe link).
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:8000")
# Campaigns' planned cost when the provider has no cost API: kind → price of one SMS part (one message otherwise).
CAMPAIGN_TARIFFS = {"sms": "3.50", "whatsapp": "0.00", "email": "0.00"}
# The outbox (messaging/outbox.py): provider requests in flight at once per send worker, and send jobs asked at
# once for a campaign's batch.
MESSAGING_SEND_THREADS = int(os.environ.get("LEGAL_CRM_SEND_THREADS", "16"))
MESSAGING_SEND_PARALLEL = 2

CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Jobs go to the workers (the embedded default and the tests run them in-process). Said here although it is
# Celery's default: every commit that queues work asks it, and a setting Django holds is found at Celery's first
# look (≈ 5 µs), one it lacks after trying every spelling in every layer (≈ 18 µs).
CELERY_TASK_ALWAYS_EAGER = False

# --- Staff desk (django-unfold) -------------------------------------------
UNFOLD = {
    "SITE_TITLE": _("Legal CRM"),
    "SITE_HEADER": _("Legal CRM"),
    "SITE_SUBHEADER": _("Рабочий стол"),
    "SITE_SYMBOL": "balance",
    # linked by the desk's base template (unfold's skeleton); served by core.favicon whether static is or not
    "SITE_FAVICONS": [
        {"rel": "icon", "sizes": "32x32", "type": "image/x-icon", "href": "/favicon.ico"},
    ],
    # the header's tools wrap instead of hiding the record's title (core/static/core/desk.css)
    "STYLES": [lambda request: static("core/desk.css")],
    # no time-zone warning beside date-only fields (core/static/core/desk_dates.js)
    "SCRIPTS": [lambda request: static("core/desk_dates.js"),
                # the call window and the incoming-call pop-up (telephony/static/telephony/call_window.js);
                # its incoming-call feed only for those who may call
                "legal_crm.telephony.desk.call_window_script"],
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    "DASHBOARD_CALLBACK": "legal_crm.org.dashboard.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "legal_crm.navigation.sidebar",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"legal_crm": {"level": "INFO"}},
}
