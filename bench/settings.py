"""Benchmark settings: the production settings plus the `bench` app (a baseline endpoint that
parses a small JSON body and inserts one row, a query counter header, timing hooks).
Only `make bench` / bench/run.py use this module; balikpapan_kla.settings never sees it."""

import os

from balikpapan_kla.settings import *  # noqa: F403
from balikpapan_kla.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# Record when urgent reports commit (alert latency row) only when asked to.
BENCH_RECORD_COMMITS = os.environ.get("BENCH_RECORD_COMMITS") == "1"
