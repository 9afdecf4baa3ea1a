"""Settings for Khối thi đua: one module, driven by the environment (see .env.example).

Every variable is read through the helpers below, which raise ImproperlyConfigured on a value
they do not understand rather than silently falling back to a default.
"""

import importlib.util
import json
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or empty (an empty line in .env means default)."""
    value = env.str(name, default="").strip()
    return value or None


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = _raw("SECRET_KEY") or ""
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Copy .env.example to .env (make run does it for you) or export it."
    )

ALLOWED_HOSTS = [h for h in env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"]) if h]
CSRF_TRUSTED_ORIGINS = [o for o in env.list("CSRF_TRUSTED_ORIGINS", default=[]) if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    # The project's apps, in their layers (docs/ARCHITECTURE.md): each imports only those above it.
    "blocs",
    "province",
    "agreements",
    "scoring",
    "ballots",
    "conferences",
    "board",
    "demo",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.NormalizeUnicodeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "blocs.submits.DuplicateSubmitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if DEBUG:  # `make run`: the project's own error pages, and the server's own address (config.site)
    MIDDLEWARE.append("config.middleware.DevelopmentErrorPagesMiddleware")

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.csp",
                "blocs.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db_url_config(_raw("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured(
        "DATABASE_URL must point to PostgreSQL (postgres://…) or SQLite (sqlite:///…)."
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "blocs.User"
AUTHENTICATION_BACKENDS = ["blocs.backends.UnitModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "blocs:dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "blocs.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Grouping is asked for where a number is a quantity ({{ score|floatformat:"-2g" }} gives "1.234,5"),
# not globally: years and document numbers must never print as "2.023".
USE_THOUSAND_SEPARATOR = False
NUMBER_GROUPING = 3

STATIC_URL = "static/"
STATIC_ROOT = Path(_raw("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (decision scans, signed agreements) are private: no MEDIA_URL is served, every
# file goes out through a view that checks permission.
MEDIA_ROOT = Path(_raw("MEDIA_ROOT") or BASE_DIR / "media")
# Where uploaded and generated files go (agreement PDFs, scans, evidence). One server: MEDIA_ROOT.
# Several app servers share them: MEDIA_ROOT on a shared file system mounted on each (NFS…), or
# another Django storage backend named by MEDIA_STORAGE, with its options as a JSON object in
# MEDIA_STORAGE_OPTIONS (e.g. django-storages' S3 backend for an S3-compatible store, installed apart).
MEDIA_STORAGE = _raw("MEDIA_STORAGE") or "django.core.files.storage.FileSystemStorage"
try:
    MEDIA_STORAGE_OPTIONS = json.loads(_raw("MEDIA_STORAGE_OPTIONS") or "{}")
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS is not JSON: {exc}") from None
if not isinstance(MEDIA_STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured('MEDIA_STORAGE_OPTIONS must be a JSON object, e.g. {"bucket_name": "thidua"}.')
try:
    _media_module = importlib.util.find_spec(MEDIA_STORAGE.rpartition(".")[0] or MEDIA_STORAGE)
except (ImportError, ValueError):
    _media_module = None
if _media_module is None:
    raise ImproperlyConfigured(f"MEDIA_STORAGE={MEDIA_STORAGE!r}: no such module (a dotted path to a class).")
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE_MB", 10, minimum=1) * 1024 * 1024

# The public address of the app: printed documents carry it in their verification QR code.
SITE_URL = (_raw("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# In development without SITE_URL, verification links and QR codes use the address the server runs on.
SITE_URL_FROM_REQUEST = DEBUG and not _raw("SITE_URL")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")

# The cache counts failed logins and verification attempts and keeps draft PDFs; with several
# workers or app servers it must be shared
# (e.g. dbcache://django_cache after `manage.py createcachetable`, or a Redis URL).
try:
    CACHES = {"default": env.cache_url_config(_raw("CACHE_URL") or "locmemcache://")}
except Exception as exc:  # django-environ raises several types for a URL it does not know
    raise ImproperlyConfigured(f"CACHE_URL is not understood: {exc}") from None
# Sessions are kept in the database, which every app server sees. With a shared cache, SESSION_STORE=
# cached_db reads them from the cache and writes both (one query fewer on every page); a cache of
# one process (the default) would let a worker accept a session that another has just ended.
SESSION_STORE = (_raw("SESSION_STORE") or "db").strip()
if SESSION_STORE not in ("db", "cached_db"):
    raise ImproperlyConfigured(f"SESSION_STORE={SESSION_STORE!r}: use db or cached_db.")
if SESSION_STORE == "cached_db" and CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in (
    "LocMemCache",
    "DummyCache",
):
    raise ImproperlyConfigured(
        "SESSION_STORE=cached_db needs a cache shared by every worker and server in CACHE_URL "
        "(e.g. redis://127.0.0.1:6379/0), not one kept in each process."
    )
SESSION_ENGINE = f"django.contrib.sessions.backends.{SESSION_STORE}"
# Wrong passwords for one account (four times as many from one address) before login is refused
# for LOGIN_LOCKOUT_SECONDS (blocs/login.py); counted in the shared cache.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# An identical second POST of the same person within this many seconds is a double click: it is
# answered with the first's redirect instead of being done again (blocs/submits.py). It waits up to
# DUPLICATE_SUBMIT_WAIT seconds for the first to finish.
DUPLICATE_SUBMIT_WINDOW = env_int("DUPLICATE_SUBMIT_WINDOW", 600, minimum=1)
DUPLICATE_SUBMIT_WAIT = env_int("DUPLICATE_SUBMIT_WAIT", 20, minimum=1)

# Failed verification codes from one address before it gets 429 for VERIFY_WINDOW_SECONDS.
VERIFY_MAX_MISSES = env_int("VERIFY_MAX_MISSES", 5, minimum=1)
VERIFY_WINDOW_SECONDS = env_int("VERIFY_WINDOW_SECONDS", 600, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django 6.1 mailers; the URL form (django-environ) keeps one variable for the whole mail set-up.
_email = env.email_url_config(_raw("EMAIL_URL") or "consolemail://")
_email_options = {
    option: _email[key]
    for key, option in [
        ("EMAIL_HOST", "host"),
        ("EMAIL_PORT", "port"),
        ("EMAIL_HOST_USER", "username"),
        ("EMAIL_HOST_PASSWORD", "password"),
        ("EMAIL_USE_TLS", "use_tls"),
        ("EMAIL_USE_SSL", "use_ssl"),
        ("EMAIL_FILE_PATH", "file_path"),
    ]
    if _email.get(key) not in (None, "")
}
if not _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email_options = {k: v for k, v in _email_options.items() if k == "file_path"}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = _raw("DEFAULT_FROM_EMAIL") or "khoithidua@localhost"

# Security. Production values come from the environment; see .env.example and README.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _raw("LOG_LEVEL") or "WARNING"},
}
