from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, for counting (login lockout, rate limits) and nothing else.

    Behind our one TLS proxy the client is the last X-Forwarded-For entry, the one the
    proxy itself appended; anything left of it was sent by the client and can be forged.
    For anonymous reporters it is only ever turned into a salted hash (core.ratelimit).
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR")
