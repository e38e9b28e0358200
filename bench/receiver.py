"""The chat gateway stand-in for the alert latency row: records when each webhook arrived.

    python bench/receiver.py PORT REDIS_URL

Every POST is answered 204; for a new urgent report's alert to bench-officer, the arrival time is stored
in the Redis hash bench:hook under the report's reference (bench/run.py pairs it with the
commit time that bench/signals.py stored under bench:commit).
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import redis

client = redis.Redis.from_url(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()
        try:
            payload = json.loads(body)
        except ValueError:
            return
        if (
            payload.get("kind") == "new_report"
            and payload.get("priority") == "darurat"
            and payload.get("recipient", {}).get("username") == "bench-officer"
        ):
            client.hsetnx("bench:hook", payload.get("reference", ""), repr(arrived))
        client.incr("bench:hooks-total")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
