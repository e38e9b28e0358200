from django.conf import settings


def client_ip(request) -> str | None:
    """The address django-axes counts staff login failures against.

    Behind our one TLS proxy the client is the last X-Forwarded-For entry, the one the
    proxy itself appended; anything left of it was sent by the client and can be forged.
    Only staff logins use this: anonymous reporters' addresses are never read or stored.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR")
