# Production web server settings (docker-compose.yml).
import multiprocessing

bind = "0.0.0.0:8000"
workers = multiprocessing.cpu_count() * 2 + 1
timeout = 30
graceful_timeout = 30
accesslog = "-"
# No client address, no user agent, no query string: anonymous reporters leave no trace in
# the logs (design: confidentiality rules).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = "*"
