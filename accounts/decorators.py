from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .capabilities import Capability, user_can


def second_factor_pending(user) -> bool:
    return user.needs_second_factor and not user.is_verified()


def login_and_second_factor_required(view=None, *, capability: Capability | None = None):
    """Logged in, past the second factor when required, and (if given) holding `capability`.

    A person who is not logged in goes to the login page; one who still owes the TOTP code
    goes to the code page; a logged-in person without the capability gets 403. The API's
    accounts.permissions.HasCapability is the same rule.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if second_factor_pending(user):
                return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}")
            if capability is not None and not user_can(user, capability):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
