"""gunicorn's settings for HP Register (`make serve`, deploy/hpregister-web.service). Each can be overridden
from the environment: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT."""

import gc
import multiprocessing
import os

wsgi_app = "hpregister.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, as many as the usual rule gives for the cores: a request never waits on another's I/O.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # a worker is replaced now and then, so no slow leak lives for ever
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Behind nginx on the same host (deploy/nginx.conf): trust its X-Forwarded-* headers, and only its.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The access log names each request by its id (X-Request-ID), as the application's own log lines do.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'


def child_exit(server, worker):
    """/metrics adds up every worker's figures (PROMETHEUS_MULTIPROC_DIR): a worker that ended is let go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The application is loaded: its 200 000 objects (modules, URL patterns, templates) live as long as the
    worker, so the collector stops scanning them (gc.freeze, as Python's documentation advises for forking
    servers). A full collection took over 100 ms of some request every hundred or so; now it scans only
    what requests made."""
    gc.freeze()
