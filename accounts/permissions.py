from rest_framework.permissions import BasePermission

from .capabilities import Capability, user_can
from .decorators import second_factor_pending


class HasCapability(BasePermission):
    """Logged in, past the second factor when it is required, and holding `capability`: the rule
    of accounts.decorators.login_and_second_factor_required, for the API. Make one per capability
    with `HasCapability.of(...)`; combine them with DRF's `|` and `&`."""

    capability: Capability

    @classmethod
    def of(cls, capability: Capability) -> type["HasCapability"]:
        return type(f"Has{capability.name.title().replace('_', '')}", (cls,), {"capability": capability})

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and not second_factor_pending(user) and user_can(user, self.capability)
        )
