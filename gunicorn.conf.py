"""Gunicorn's settings for IMPOR's web process: `gunicorn impor.wsgi` (docs/deploy.md).

Everything comes from the environment. A web process keeps no state of its own (sessions,
tasks and locks live in PostgreSQL; static files are in the build), so any number of them
may run, on any number of machines, behind one load balancer.
"""

import os

from impor.logs import JSON_FORMATTER

#: Where to listen: GUNICORN_BIND, else all addresses on PORT (8000).
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
#: Worker processes: WEB_CONCURRENCY, else two per core plus one, at most eight.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8)))
#: Seconds a request may take (exports of a whole programme take a while).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
#: Recycle a worker now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
#: Worker heartbeats in memory, not on a disk that may be read-only or slow; and no
#: control socket in the home directory: the platform starts and stops the process.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True

# Logs: JSON lines on stdout, like the application's (impor/settings.py, LOGGING). The
# application writes one line per request itself (logger impor.request, with method,
# path, status and duration_ms), so gunicorn's access log would only repeat it.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
