# Production web server settings (docker-compose.yml).
import os

bind = "0.0.0.0:8000"
# Threads, not a process per request: a client that sends its request slowly holds one thread,
# not a whole worker (issue 15; gunicorn's gthread worker waits for the first byte without a
# thread at all). The proxy in front (docker-compose.yml, deploy/nginx.conf) buffers whole
# requests, so slow clients never reach gunicorn there. Sizes come from the environment, not
# from cpu_count(), which inside a container counts the host's CPUs.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS") or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 8)
timeout = 30
graceful_timeout = 30
accesslog = "-"
# No client address, no user agent, no query string: anonymous reporters leave no trace in
# the logs (design: confidentiality rules).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# X-Forwarded-Proto is believed only from these addresses or networks (comma separated):
# docker-compose.yml sets the network nginx reaches gunicorn from; never "*", which would let
# anyone who reaches gunicorn directly say their plain request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
