import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, for counting (login lockout, rate limits) and nothing else.

    Each proxy in front of gunicorn appends the address it got the request from to
    X-Forwarded-For, and gunicorn sees the last one as REMOTE_ADDR. With TRUSTED_PROXY_COUNT
    proxies that do so, the client is the entry that many places from the right of
    X-Forwarded-For + [REMOTE_ADDR]: the one the outermost trusted proxy appended. Anything left of
    it was sent by the client and can be forged; with 0 (the default) X-Forwarded-For is never
    read. docker-compose.yml has 2: the operator's TLS proxy, then nginx (deploy/nginx).

    When there are fewer entries than proxies (a proxy that does not append), the leftmost one
    is used: every entry was then written by a trusted proxy, none by the client. A value that
    is not an address (a misconfigured proxy) falls back to REMOTE_ADDR. For anonymous reporters
    the address is only ever turned into a salted hash (core.ratelimit).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [entry.strip() for entry in forwarded.split(",") if entry.strip()] + [remote or ""]
    candidate = hops[max(0, len(hops) - 1 - count)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
