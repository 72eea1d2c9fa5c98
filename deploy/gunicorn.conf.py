"""gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py`` (installed: /etc/surveyapp/).

Threaded workers behind nginx: nginx buffers whole requests, so a slow client holds an nginx connection, never
a worker; the threads keep a worker busy while one request waits for PostgreSQL. Every value can be overridden
with the environment variable named next to it.
"""

import os

wsgi_app = "surveyapp.wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx is the only client; never bind publicly
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker that does not report for `timeout` seconds is killed and replaced; requests normally take
# milliseconds, report downloads a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # on SIGTERM/HUP: finish the requests in progress first
keepalive = 5  # nginx keeps upstream connections open (see nginx/surveyapp-proxy.conf)
# Recycle workers now and then, so slow leaks in libraries cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500

# Request size limits at the server too (nginx has its own, smaller, in front).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# X-Forwarded-* is trusted from nginx on this machine only; set to nginx's address when it runs elsewhere.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No access log here: request paths hold respondents' private link tokens. nginx logs requests without paths.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
