"""gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The Docker image runs exactly that command; it works the same outside a container. Every value
below can be changed from the environment, so one file serves a laptop and a server:

``GUNICORN_BIND``       address to listen on (default ``127.0.0.1:8000``; the image sets
                        ``0.0.0.0:8000`` so nginx can reach it)
{%- if cookiecutter.use_socketio and not (cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis) %}
``WEB_CONCURRENCY``     worker processes (default 1: see the live updates below)
{%- else %}
``WEB_CONCURRENCY``     worker processes (default: one per CPU this process may use)
{%- endif %}
{%- if cookiecutter.use_socketio %}
``GUNICORN_THREADS``    threads per worker (default 50; an open live-update socket holds one)
{%- else %}
``GUNICORN_THREADS``    threads per worker (default 1: sync workers; more: gthread workers)
{%- endif %}
``GUNICORN_TIMEOUT``    seconds a worker may go without answering its heartbeat before it is
                        restarted
``GUNICORN_LOG_LEVEL``  gunicorn's own log level (the app's is ``FLASK_LOG_LEVEL``)
``GUNICORN_LOG_FORMAT`` ``json`` (default: one JSON object per line, like the production app's
                        lines) or ``text`` (gunicorn's own formats)
``GUNICORN_ACCESS_LOG`` ``on`` (default) or ``off``: a line for each request answered (but
                        the liveness probe's, ``PROBE_PATH`` below)
``GUNICORN_PRELOAD``    ``on`` (default): build the app once, before the workers start;
                        ``off``: each worker builds its own (see ``preload_app`` below)

and, less often, ``GUNICORN_GRACEFUL_TIMEOUT``, ``GUNICORN_KEEPALIVE``, ``GUNICORN_MAX_REQUESTS``,
``GUNICORN_MAX_REQUESTS_JITTER`` and ``GUNICORN_CONTROL_SOCKET`` (all explained below).

See https://docs.gunicorn.org/en/stable/settings.html for every setting.
"""

import gc
import logging
import os
{%- if cookiecutter.use_prometheus %}
import shutil
import tempfile
{%- endif %}
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger


def cpu_count() -> int:
    """CPUs this process may run on (a container's CPU set, not the whole host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Keep gunicorn behind a buffering proxy, on 127.0.0.1 or a private network: a worker (or, with
# threads, a thread) is held by its request until the answer is sent, so a client that sends
# its body slowly holds one, and gunicorn's docs ("Deploying Gunicorn") require such a proxy in
# front. docker/nginx.conf is one: it reads whole bodies before passing them on and drops
# clients silent for 30 s.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
{%- if cookiecutter.use_socketio %}
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
# Events reach sockets on any worker through the message queue (SOCKETIO_MESSAGE_QUEUE).
workers = int(os.environ.get("WEB_CONCURRENCY", cpu_count()))
{%- else %}
# One worker: with no message queue an event reaches only the sockets of the worker that sent
# it. Set SOCKETIO_MESSAGE_QUEUE (a Redis or RabbitMQ URL) before raising WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
{%- endif %}
# Live updates: each open socket (a /tasks/ or /admin/ page) holds a thread for as long as the
# page is open, so gthread workers with many threads (Flask-SocketIO's docs, "Deployment":
# gunicorn's threaded worker with simple-websocket).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "50"))
{%- else %}
# Sync workers, one per CPU: each worker process answers one request at a time and closes the
# connection after it, so the next request goes to whichever worker is free. Not gthread
# workers: they keep each keep-alive connection they accept (nginx and Caddy keep theirs open
# to the app), and under load one worker can end up holding all of them while the others sit
# idle. Measured with wrk's 16 keep-alive connections on 2 workers of 4 threads: in 4 runs of
# 5, one worker used all the CPU time and the server answered a third of the requests that 2
# sync workers answer. A request that waits on the database or another service holds its
# worker: for pages that mostly wait, raise WEB_CONCURRENCY towards gunicorn's 2 per CPU
# plus 1 (its "How Many Workers?"), or set GUNICORN_THREADS above 1 for gthread workers,
# uneven share of keep-alive connections and all.
workers = int(os.environ.get("WEB_CONCURRENCY", cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# gunicorn's own rule, said here so that --print-config shows the worker that runs.
worker_class = "sync" if threads == 1 else "gthread"
{%- endif %}

# A worker whose heartbeat is silent for `timeout` seconds is killed and replaced.
{%- if cookiecutter.use_socketio %}
# A gthread worker's heartbeat goes on while its threads answer, so this catches a stuck
# process; a slow request holds one thread, and the app's own timeouts on its services
# (database, cache, broker) and the proxy's bound it.
{%- else %}
# A sync worker beats between requests, so one request that runs longer than that is cut off
# (its client sees the connection close); the app's own timeouts on its services (database,
# cache, broker) answer 503 long before.
{%- endif %}
# On shutdown or reload, workers get `graceful_timeout` seconds to finish their requests.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
{%- if cookiecutter.use_socketio %}
# Seconds a worker holds an idle keep-alive connection; nginx in front reuses its connections.
{%- else %}
# Seconds a gthread worker holds an idle keep-alive connection (sync workers hold none).
{%- endif %}
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Workers are not restarted after a number of requests (0: off). A new worker builds the app
# again, seconds of CPU, and under steady load a limit of 1000 did that every second or two,
# taking the 99th-percentile latency from tens of milliseconds to over a second. Set
# GUNICORN_MAX_REQUESTS (e.g. 1000) only when a worker's memory keeps growing; the jitter then
# keeps workers from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# The master process builds the app once and forks the workers from it (preload_app), so they
# share the memory of everything it imported until one writes to it, and a worker that replaces
# a dead one serves at once instead of importing the app again. Each worker opens connections of
# its own: the master opens none to the broker or the cache, and the app's fork handler
# (extensions.py) gives each worker an empty database pool. The price: `kill -HUP` starts the
# new workers from the master's copy of the code, so after a deploy restart gunicorn (or send
# USR2, then QUIT to the old master: gunicorn's docs, "Signal Handling"). GUNICORN_PRELOAD=off
# has each worker build its own app, and HUP reload the code.
preload_app = os.environ.get("GUNICORN_PRELOAD", "on") != "off"


def pre_fork(server: object, worker: object) -> None:
    """In the master, right before it forks a worker: move every object it holds out of the
    garbage collector's reach (``gc.freeze``), so that the worker's collections never write
    to them and their pages stay shared. Python's docs (``gc.freeze``) describe this for a
    process that forks without exec. Measured: after a few seconds of serving pages, a worker
    had copied about 1.7 times as much of the master's memory without it."""
    gc.freeze()


# Workers heartbeat through a temporary file; /dev/shm (memory) keeps a slow container disk
# from making healthy workers look stuck. Only gunicorn writes there (S108: not a shared path).
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# Recent gunicorn releases open a control socket (for `gunicornc`) under the user's home, which
# the image's user cannot write; it stays off unless GUNICORN_CONTROL_SOCKET gives a path.
# Releases without the feature ignore both settings.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

{%- if cookiecutter.use_prometheus %}

# Prometheus metrics from every worker (prometheus_client's multiprocess mode): each worker
# writes its counts into PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. The folder must be
# empty when the server starts, or the counts of an earlier run would be added in. It is set up
# here, as gunicorn reads this file: prometheus_client picks its mode when it is imported, and
# with preload_app that happens before any server hook runs. The workers inherit it. A reload
# (HUP), which reads this file again, starts the counts from zero, as a restart does.
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
if os.environ.get(METRICS_DIR):
    shutil.rmtree(os.environ[METRICS_DIR], ignore_errors=True)
    os.makedirs(os.environ[METRICS_DIR])
else:
    os.environ[METRICS_DIR] = tempfile.mkdtemp(prefix="prometheus-")


def on_exit(server: object) -> None:
    """After the last worker stopped: delete the counts, which only this run could add up."""
    shutil.rmtree(os.environ[METRICS_DIR], ignore_errors=True)
{%- endif %}


# Access and error logs to stdout/stderr, where Docker and systemd collect them. Behind Caddy or
# nginx, which write a line for each request themselves (with its id), gunicorn's would say it
# twice: GUNICORN_ACCESS_LOG=off drops them (docker-compose.yml sets it). Each JSON line costs
# the worker some CPU (JsonAccessLogger below), most noticeable on cheap requests such as health
# probes; off, next to nothing.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "on") != "off" else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The text format's line (GUNICORN_LOG_FORMAT=text): client address (the proxy's
# X-Forwarded-For, through the app's ProxyFix), request, status, bytes, milliseconds, user agent,
# and the request's id (the one the app logs and sends back). The JSON line carries the same as
# fields (JsonAccessLogger).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'


#: The unit of the access line's ``duration_ms``.
MILLISECOND = timedelta(milliseconds=1)
#: The app's liveness probe. Docker's HEALTHCHECK polls it every 30 s and an orchestrator as
#: often as it is told: a line for each answer it got would be most of a quiet server's log,
#: and cost more than the answer itself (the app answers it in front of Flask).
PROBE_PATH = "/health/ping"


def answered_probe(resp: Any, environ: Mapping[str, Any]) -> bool:
    """Whether gunicorn's response ``resp`` answered the liveness probe with 200; the access
    loggers write no line for it (a failed probe's answer is logged)."""
    return environ.get("PATH_INFO") == PROBE_PATH and str(resp.status).startswith("200")


class AccessLogger(Logger):
    """gunicorn's logger (its text formats), without a line for each answered liveness probe
    (:func:`answered_probe`). gunicorn's ``logger_class`` setting documents replacing it."""

    def access(
        self, resp: Any, req: object, environ: Mapping[str, Any], request_time: timedelta
    ) -> None:
        """gunicorn's own access line, unless ``resp`` answered the probe (arguments as
        :meth:`JsonAccessLogger.access` takes them)."""
        if not answered_probe(resp, environ):
            super().access(resp, req, environ, request_time)


class JsonAccessLogger(Logger):
    """gunicorn's logger, writing JSON lines, whose access records carry their fields.

    gunicorn's own ``access`` builds every atom of ``access_log_format`` (each request and
    response header and each environ key, escaped) for each request. This one reads only the
    fields it logs, and nothing when ``gunicorn.access`` drops INFO records: measured
    in-process, half the time a line, and almost none with the log off. gunicorn's
    ``logger_class`` setting documents replacing the logger this way.
    """

    def setup(self, cfg: Any) -> None:
        """gunicorn's own setup, then JSON lines (python-json-logger) on the handlers it made.

        gunicorn makes the handlers from its settings, the command line's included
        (``--access-logfile``, ``--error-logfile``, ``--log-level``), reopens their files on
        USR1 (its log rotation signal) and runs this again on a reload (HUP); only the format
        is changed here. Syslog handlers keep gunicorn's format.

        Args:
            cfg: gunicorn's settings (``gunicorn.config.Config``).
        """
        from pythonjsonlogger.json import JsonFormatter

        super().setup(cfg)
        # gunicorn calls access() for every request, with the log off too: this level is
        # what tells it to return at once.
        self.access_log.setLevel(logging.INFO if cfg.accesslog else logging.WARNING)
        formatter = JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                if isinstance(handler, logging.StreamHandler):  # files too, not syslog
                    handler.setFormatter(formatter)

    def access(
        self, resp: Any, req: object, environ: Mapping[str, Any], request_time: timedelta
    ) -> None:
        """Log one INFO record on ``gunicorn.access`` for a response gunicorn sent.

        Args:
            resp: gunicorn's response (``status``, ``sent`` bytes, ``headers`` as pairs).
            req: gunicorn's request; unused, the WSGI ``environ`` has what is logged.
            environ: the request's WSGI environ, as the app left it (ProxyFix has put the
                client's address in ``REMOTE_ADDR``).
            request_time: how long the request took.

        The record's fields: ``remote_addr``, ``request_id`` (the ``X-Request-ID`` the app sent
        back), ``method``, ``path``, ``status`` (int), ``bytes`` (int, or ``None`` when nothing
        was sent), ``duration_ms`` (int, milliseconds) and ``user_agent``. No line for an
        answered liveness probe (:func:`answered_probe`). Never raises: a failure is written to
        the error log, as gunicorn's own ``access`` does.
        """
        if not self.access_log.isEnabledFor(logging.INFO) or answered_probe(resp, environ):
            return
        try:
            request_id = next(
                (value for name, value in resp.headers if name.lower() == "x-request-id"), None
            )
            status = int(str(resp.status).split(None, 1)[0])
            milliseconds = request_time // MILLISECOND
            fields = {
                "remote_addr": environ.get("REMOTE_ADDR"),
                "request_id": request_id,
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": status,
                "bytes": resp.sent,
                "duration_ms": milliseconds,
                "user_agent": environ.get("HTTP_USER_AGENT"),
            }
            self.access_log.info(
                '%s "%s %s" %s %sms',
                fields["remote_addr"],
                fields["method"],
                environ.get("RAW_URI"),
                status,
                milliseconds,
                extra=fields,
            )
        except Exception:
            self.exception("Failed to write the access line")


logger_class = AccessLogger
if os.environ.get("GUNICORN_LOG_FORMAT", "json") == "json":
    logger_class = JsonAccessLogger
