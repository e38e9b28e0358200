class DomainError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user.

    `field` names the input field at fault, if any, so forms and the API can put the
    message next to it; `code` is a stable machine-readable identifier.
    """

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def raise_first(errors: dict[str, list[str]]) -> None:
    """Services check every rule with an *_input_errors function (shared with forms and
    serializers, which show them all); the service itself refuses with the first one."""
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], code="invalid", field=field)


def input_values(data) -> dict:
    """The fields of an input dataclass as a dict, without copying the values (unlike asdict)."""
    return {name: getattr(data, name) for name in data.__dataclass_fields__}
