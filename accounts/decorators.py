from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def second_factor_pending(user) -> bool:
    return user.needs_second_factor and not user.is_verified()


def login_and_second_factor_required(view=None, *, roles=None):
    """Logged in, past the second factor when required, and (if given) in one of `roles`.

    A person who is not logged in goes to the login page; one who still owes the TOTP code
    goes to the code page; a logged-in person of another role gets 403.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if second_factor_pending(user):
                return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}")
            if roles is not None and user.role not in roles:
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
