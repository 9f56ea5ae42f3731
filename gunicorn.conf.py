"""gunicorn's settings for `make serve`, read from the working directory; `make serve` gives the workers and the
address (`--workers $(WORKERS) --bind $(HOST):$(PORT)`)."""

# Each worker builds the app itself after the fork, so no database connection or Redis socket is shared between
# processes; with --preload anyway, post_fork drops the pool the master may have opened.
preload_app = False
timeout = 120  # the annual report's PDF is the slowest answer
graceful_timeout = 30  # on a restart or scale-down a worker finishes the requests it has
keepalive = 5  # a load balancer reuses its connections
accesslog = "-"
errorlog = "-"
# The client as the app saw it (after COACTION_PROXY_HOPS), and the time taken in milliseconds.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_fork(server, worker):
    import sys

    if "wsgi" in sys.modules:  # the app was loaded in the master (--preload)
        from coaction.extensions import db

        with sys.modules["wsgi"].app.app_context():
            db.engine.dispose(close=False)
