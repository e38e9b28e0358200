"""Health probes answered before anything reads the Host header.

Docker's healthcheck asks http://127.0.0.1:8000/readyz, nginx's asks itself /healthz (passed on
with Host 127.0.0.1:8080), and Kubernetes asks the pod's IP: none of these names is in
ALLOWED_HOSTS, and must not be, or every page would answer to them (a forged Host ends up in
links). So this first middleware answers exactly GET /healthz and /readyz itself, with
the same views as the URLconf, before SecurityMiddleware (HTTPS redirect) and CommonMiddleware
(host validation) run. Every other path, and these two with another method, goes through the
whole stack and an unknown Host is still refused. The probes build no URL from the Host and
their answers name no host: the address asked for changes nothing in them.
"""

from . import views

PROBES = {"/healthz": views.healthz, "/readyz": views.readyz}


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method == "GET":
            return probe(request)
        return self.get_response(request)
