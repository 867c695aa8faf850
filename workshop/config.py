"""Settings, read from the environment with defaults that let a newcomer run the app at once."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from workshop.calls import settings as call_settings

# The app runs from a checkout: instance/ sits beside the package, as Flask expects.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_DIR = PROJECT_ROOT / "instance"

ASYNC_MODES = ("eventlet", "gevent", "threading")
SECRET_KEY_FILE_NAME = "secret_key"
SECRET_KEY_BYTES = 32
MAX_HTTP_BODY_BYTES = 2 * 1024 * 1024  # CSV imports are the largest bodies we accept
JOBS_BACKENDS = ("process", "rq", "inline")
# Two renders at once: a 2-core server keeps one core for the event loop's own work.
DEFAULT_JOB_WORKERS = 2


class ConfigError(RuntimeError):
    """Raised when the environment cannot give a safe configuration."""


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` scheme that hosting platforms hand out, and pin psycopg2.

    psycopg2 is the driver whose waits psycogreen can hand to eventlet or gevent; SQLAlchemy 2.1
    would otherwise pick psycopg 3, whose C-level waits would block every green thread.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def load_or_create_dev_secret(instance_dir: Path) -> str:
    """Keep one generated development key under instance/ so logins survive a restart."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / SECRET_KEY_FILE_NAME
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    key = secrets.token_hex(SECRET_KEY_BYTES)
    # Created readable by the owner only: it signs every session.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


class Config:
    """Development defaults: SQLite under instance/, one process, a generated secret."""

    ENV_NAME = "development"

    def __init__(self) -> None:
        env = os.environ
        self.INSTANCE_DIR = Path(env.get("WORKSHOP_INSTANCE_DIR", DEFAULT_INSTANCE_DIR))
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{self.INSTANCE_DIR / 'workshop.sqlite3'}"
        )
        # Optional: when set, Socket.IO emits travel through Redis so processes share rooms.
        self.REDIS_URL = env.get("REDIS_URL") or None
        # The Redis pub/sub channel: channels are global to a Redis server, so two deployments
        # (or a test run beside a benchmark) sharing one must not share a channel.
        self.SOCKETIO_CHANNEL = env.get("WORKSHOP_SOCKETIO_CHANNEL", "workshop")
        self.SOCKETIO_ASYNC_MODE = env.get("SOCKETIO_ASYNC_MODE", self.DEFAULT_ASYNC_MODE)
        # Origins allowed to open a socket besides the page's own (comma separated). Never "*".
        self.SOCKETIO_EXTRA_ORIGINS = [
            o.strip() for o in env.get("WORKSHOP_ALLOWED_ORIGINS", "").split(",") if o.strip()
        ]
        # PostgreSQL connections per process. A socket event holds one only while it reads or
        # writes, never while it waits for a board's write lock (handlers._end_reads), so the
        # pool bounds what runs at once, not who is connected: one writer per busy board, the
        # checks and joins in flight beside them, maintenance. 10 + 20 per process stays within
        # PostgreSQL's default 100 connections with three processes and room for psql.
        self.DB_POOL_SIZE = int(env.get("WORKSHOP_DB_POOL_SIZE", "10"))
        self.DB_MAX_OVERFLOW = int(env.get("WORKSHOP_DB_MAX_OVERFLOW", "20"))
        # A checkout still waiting after this long answers `unavailable` (retryable), not a
        # 30 s stall.
        self.DB_POOL_TIMEOUT_S = float(env.get("WORKSHOP_DB_POOL_TIMEOUT_S", "10"))
        # A checkpoint of each board every this many changes (boards.service); tests lower it.
        every = int(env.get("WORKSHOP_CHECKPOINT_EVERY_CHANGES", "0"))
        self.CHECKPOINT_EVERY_CHANGES = every if every > 0 else None
        # How long a SQLite write waits for another process's write lock (see database.py).
        self.SQLITE_BUSY_TIMEOUT_MS = int(env.get("WORKSHOP_SQLITE_BUSY_TIMEOUT_MS", "10000"))
        self.SECRET_KEY = env.get("SECRET_KEY") or self.DEFAULT_SECRET_KEY
        self.BABEL_DEFAULT_TIMEZONE = env.get("WORKSHOP_TIMEZONE", "Europe/Rome")
        # Behind one reverse proxy: trust exactly that many X-Forwarded-For hops, so a client
        # cannot spoof its address past the rate limits.
        self.PROXY_FIX_HOPS = int(env.get("WORKSHOP_PROXY_HOPS", "0"))
        # The site's address as people reach it ("https://tavolo.comune.example.it"): every link
        # that leaves the page (e-mails, invite, registration and public report links) is built
        # from it, never from the request's Host or X-Forwarded-Host, which a client can forge.
        # Required in production; without it (development) links follow the request.
        self.BASE_URL = (env.get("WORKSHOP_BASE_URL") or "").strip().rstrip("/") or None
        # Other host names the site answers to besides BASE_URL's (comma separated), e.g. the
        # name a load balancer's health check uses. The hosts of WORKSHOP_ALLOWED_ORIGINS count too.
        self.EXTRA_TRUSTED_HOSTS = [
            h.strip() for h in env.get("WORKSHOP_TRUSTED_HOSTS", "").split(",") if h.strip()
        ]
        self.RATELIMIT_STORAGE_URI = self.DEFAULT_RATELIMIT_STORAGE or self.REDIS_URL or "memory://"
        self.LOGIN_RATE_LIMIT = env.get("WORKSHOP_LOGIN_RATE_LIMIT", "10 per minute")
        self.JOIN_RATE_LIMIT = env.get("WORKSHOP_JOIN_RATE_LIMIT", "30 per minute")
        # Calls (docs/calls.md): WORKSHOP_ICE_SERVERS (JSON), WORKSHOP_CALL_MESH_LIMIT,
        # WORKSHOP_CALL_SFU_URL. None of them is needed on a local network.
        try:
            self.CALLS = call_settings.from_env(env)
        except call_settings.CallSettingsError as error:
            raise ConfigError(str(error)) from None
        self.REGISTER_RATE_LIMIT = env.get("WORKSHOP_REGISTER_RATE_LIMIT", "10 per minute")
        # E-mail (workshop/mail.py): without a host, messages are written to the log.
        self.MAIL_SMTP_HOST = env.get("WORKSHOP_SMTP_HOST") or None
        self.MAIL_SMTP_PORT = int(env.get("WORKSHOP_SMTP_PORT", "587"))
        self.MAIL_SMTP_USER = env.get("WORKSHOP_SMTP_USER") or None
        self.MAIL_SMTP_PASSWORD = env.get("WORKSHOP_SMTP_PASSWORD") or None
        self.MAIL_SMTP_SECURITY = env.get("WORKSHOP_SMTP_SECURITY", "starttls")  # or ssl, none
        self.MAIL_SENDER = env.get("WORKSHOP_MAIL_SENDER", "workshop@localhost")
        # Heavy downloads (workshop/jobs): "process" (a pool inside the app), "rq" (workers on
        # Redis, the Procfile's worker: line) or "inline" (tests only).
        self.JOBS_BACKEND = env.get("WORKSHOP_JOBS", self.DEFAULT_JOBS_BACKEND)
        self.JOB_WORKERS = int(env.get("WORKSHOP_JOB_WORKERS", str(DEFAULT_JOB_WORKERS)))
        self.JOBS_QUEUE = env.get("WORKSHOP_JOBS_QUEUE", "tavolo-downloads")
        # The time the monitoring calendar's pages read (workshop/web/monitoring.now): a callable
        # returning an aware UTC datetime; None is the real clock. Tests advance it.
        self.CLOCK = None

    DEFAULT_ASYNC_MODE = "gevent"
    DEFAULT_JOBS_BACKEND = "process"
    DEFAULT_SECRET_KEY: str | None = None
    DEFAULT_RATELIMIT_STORAGE: str | None = None

    BABEL_DEFAULT_LOCALE = "it"
    LANGUAGES = ("it", "en")

    SESSION_COOKIE_NAME = "workshop_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # absolute lifetime of a login or a join
    MAX_CONTENT_LENGTH = MAX_HTTP_BODY_BYTES
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session that holds it
    PREFERRED_URL_SCHEME = "http"
    TRUSTED_HOSTS: list[str] | None = None  # from BASE_URL (finalise)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not turn logins, joins and public pages into 500s: the limits fall back to
    # this process's memory until Redis answers again (and an unforeseen storage error lets the
    # request through rather than failing it). A short timeout: a dead Redis must not hold a page.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

    HSTS = False
    TESTING = False
    DEBUG = False

    def finalise(self) -> None:
        """Fill what depends on the environment and refuse unsafe combinations."""
        if self.SOCKETIO_ASYNC_MODE not in ASYNC_MODES:
            raise ConfigError(
                f"SOCKETIO_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, "
                f"not {self.SOCKETIO_ASYNC_MODE!r}"
            )
        if self.BASE_URL:
            self.BASE_URL = self.BASE_URL.rstrip("/")
            parts = urlsplit(self.BASE_URL)
            bad = parts.scheme not in ("http", "https") or not parts.hostname
            if bad or parts.path or parts.query:
                raise ConfigError(
                    "WORKSHOP_BASE_URL must be the site's address, scheme and host only: "
                    f"'https://tavolo.comune.example.it', not {self.BASE_URL!r}"
                )
            # Flask answers 400 to a request naming any other host (Host, X-Forwarded-Host).
            hosts = [parts.hostname, *self.EXTRA_TRUSTED_HOSTS]
            hosts += [h for h in (urlsplit(o).hostname for o in self.SOCKETIO_EXTRA_ORIGINS) if h]
            self.TRUSTED_HOSTS = list(dict.fromkeys(hosts))
            self.PREFERRED_URL_SCHEME = parts.scheme
        if self.JOBS_BACKEND not in JOBS_BACKENDS:
            raise ConfigError(
                f"WORKSHOP_JOBS must be one of {', '.join(JOBS_BACKENDS)}, "
                f"not {self.JOBS_BACKEND!r}"
            )
        if self.JOBS_BACKEND == "rq" and not self.REDIS_URL:
            raise ConfigError(
                "WORKSHOP_JOBS=rq needs REDIS_URL: the RQ workers take their jobs from Redis."
            )
        if self.JOB_WORKERS < 1:
            raise ConfigError("WORKSHOP_JOB_WORKERS must be at least 1.")
        if not self.SECRET_KEY:
            self.SECRET_KEY = load_or_create_dev_secret(Path(self.INSTANCE_DIR))


class ProductionConfig(Config):
    """Production: a real secret is required and cookies only travel over HTTPS."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host, over HTTPS, for every path.
    SESSION_COOKIE_NAME = "__Host-workshop_session"
    PREFERRED_URL_SCHEME = "https"
    HSTS = True

    def finalise(self) -> None:
        if not self.SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is not set. In production the app refuses to start without it: "
                'generate one with `python -c "import secrets; print(secrets.token_hex(32))"`.'
            )
        if len(self.SECRET_KEY) < 32:
            raise ConfigError("SECRET_KEY is too short: use at least 32 characters.")
        if not self.BASE_URL:
            raise ConfigError(
                "WORKSHOP_BASE_URL is not set. In production every e-mailed and shared link is "
                "built "
                "from it (never from the request's Host): set it to the site's address, "
                "e.g. https://tavolo.comune.example.it"
            )
        super().finalise()


class TestConfig(Config):
    """In-process tests: threading mode, CSRF on (tests send tokens), a throwaway secret."""

    ENV_NAME = "testing"
    TESTING = True
    DEFAULT_ASYNC_MODE = "threading"
    DEFAULT_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
    DEFAULT_RATELIMIT_STORAGE = "memory://"
    # The in-process tests run a job in its request; real servers (tests/reliability) use a pool.
    DEFAULT_JOBS_BACKEND = "inline"


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}


def config_from_env() -> Config:
    """The configuration named by WORKSHOP_ENV (development by default)."""
    name = os.environ.get("WORKSHOP_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"WORKSHOP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None
    return cls()
