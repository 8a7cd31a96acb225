"""The LRS's errors: a status code and a message naming what is wrong. Raised by the store,
the validation rules and the resources alike, and answered as JSON by lms.xapi.lrs.http."""


class XapiError(Exception):
    """An LRS error response: status code and a message naming what is wrong."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
