"""Domain errors raised by the model layer. They carry no HTTP knowledge: each product's error
registry in ``server/`` decides the status code and renders its own documented body."""


class DomainError(Exception):
    """Base class. ``message`` is shown to the caller; ``field`` names the offending input;
    ``details`` is product-specific structured information (rendered by the product)."""

    def __init__(self, message, *, field=None, details=None, code=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details
        self.code = code


class NotFound(DomainError):
    """The addressed object does not exist, or is not visible to the caller."""


class Conflict(DomainError):
    """The change collides with existing state (duplicate key, already processed)."""


class RuleViolation(DomainError):
    """The input is well-formed but breaks a business rule."""


class InvalidInput(DomainError):
    """The input is malformed in a way the schema cannot express (bad image data, bad id)."""


class Unauthorized(DomainError):
    """Credentials are missing, wrong or expired."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class TooManyRequests(DomainError):
    """The caller has asked for this too often; ``retry_after`` (seconds) says when to ask again."""

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class UpstreamFailure(DomainError):
    """An outside provider (payments, mail, geocoding) failed; nothing was changed. With
    ``retry_after`` (seconds) the provider is only unavailable for now (timeout, unreachable, 5xx,
    rate limited): the caller is told to retry then (503) rather than that the provider failed (502)."""

    retry_after = None
