"""Errors that carry a message meant for the person who caused them."""


class DomainError(Exception):
    """A business rule said no; `str(exc)` is shown to the user as it is."""


class NotAllowed(DomainError):
    """The person may not do this to this object."""


class FieldError(DomainError):
    """A value the person entered is not acceptable; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
