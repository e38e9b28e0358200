from .capabilities import Capability, user_can


class CapabilitiesOf:
    """What a person may do, by capability name, for templates: `{% if can.triage %}`. Asked when
    a template looks; a name that is no capability fails loudly instead of hiding a link."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name: str) -> bool:
        if name not in Capability._value2member_map_:
            raise LookupError(f"{name!r} is not a capability (accounts.capabilities.Capability)")
        return user_can(self.user, Capability(name))


def capabilities(request):
    """`can`, for the staff menu and the buttons pages show; the views check again."""
    return {"can": CapabilitiesOf(getattr(request, "user", None))}
