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
