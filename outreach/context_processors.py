from .access import OUTREACH_READERS


def navigation(request):
    user = getattr(request, "user", None)
    return {"can_read_outreach": bool(user and user.is_authenticated and user.role in OUTREACH_READERS)}
