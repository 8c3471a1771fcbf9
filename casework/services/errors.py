"""Errors a service command raises; adapters turn them into HTTP statuses or exit codes.

Each carries an untranslated message (an English gettext id with named placeholders) so that the
adapter can say it in the user's language.
"""

from collections.abc import Mapping
from typing import ClassVar

from casework.i18n import N_, gettext


class ServiceError(Exception):
    """A refused command; nothing it started was written."""

    code = "error"

    def __init__(self, msgid: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params: Mapping[str, object] = params
        self.field = field

    def message(self, language: str) -> str:
        """Say what went wrong in the given language."""
        return gettext(self.msgid, language, **self.params)


class NotFound(ServiceError):
    code = "not_found"


class InvalidInput(ServiceError):
    code = "invalid"


class VersionConflict(ServiceError):
    code = "version_conflict"

    def __init__(self, *, current_version: int, given_version: int) -> None:
        super().__init__(
            N_(
                "The case was changed by someone else (version %(current)s, not %(given)s): "
                "reload it and try again."
            ),
            current=current_version,
            given=given_version,
        )
        self.current_version = current_version


class TransitionNotAllowed(ServiceError):
    """A transition refused by the life cycle rules (workflows.case_flow): not allowed from the
    current state, or missing what it needs (then `field` names it)."""

    code = "transition_not_allowed"

    def __init__(self, *, reason, allowed) -> None:
        super().__init__(reason.msgid, field=reason.field, **reason.params)
        self.reason = reason
        self.allowed = list(allowed)

    def message(self, language: str) -> str:
        """Say why, with states and triggers named in the given language."""
        return self.reason.render(lambda msgid: gettext(msgid, language))


class NotAuthenticated(ServiceError):
    """No valid credentials: no API key or session, or an unknown, revoked or expired one."""

    code = "not_authenticated"

    def __init__(self, msgid: str | None = None) -> None:
        super().__init__(
            msgid or N_("Sign in, or send an API key in the X-API-Key header, to use this service.")
        )


class Forbidden(ServiceError):
    """The credentials are valid but their role does not allow the command."""

    code = "forbidden"

    def __init__(self, msgid: str | None = None, **params: object) -> None:
        super().__init__(msgid or N_("Your role does not allow this action."), **params)


class CsrfRejected(Forbidden):
    """A form or a cookie-authenticated request without the token of its session."""

    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "This form has expired or did not come from casework: reload the page and try "
                "again."
            )
        )


class TooManyAttempts(ServiceError):
    """Too many failed logins from this client address: it must wait before trying again."""

    code = "too_many_attempts"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            N_(
                "Too many failed attempts from this address. Try again later (in about "
                "%(minutes)s min)."
            ),
            minutes=max(1, -(-retry_after // 60)),
        )
        self.retry_after = retry_after


class BodyTooLarge(ServiceError):
    """A request body larger than the configured limit; it was not read."""

    code = "body_too_large"

    def __init__(self, *, limit: int) -> None:
        super().__init__(
            N_("The request is too large: at most %(megabytes)s MB are accepted here."),
            megabytes=f"{limit / 1_000_000:g}",
        )


class DatabaseBusy(ServiceError):
    """The database did not answer in time (a lock held too long, or the database is down);
    nothing was written."""

    code = "database_busy"

    def __init__(self) -> None:
        super().__init__(
            N_("The database is busy: nothing was changed. Try again in a few seconds.")
        )


class InternalError(ServiceError):
    """Something failed that casework did not foresee; it was logged and nothing was written."""

    code = "internal_error"

    def __init__(self) -> None:
        super().__init__(
            N_(
                "An unexpected failure stopped the request and nothing was changed. The error "
                "was logged; try again, and tell your administrator if it happens again."
            )
        )


class RequestRefused(ServiceError):
    """A request refused before any command: no such address, a method the address does not
    answer, a body that cannot be read. `status` is its HTTP status."""

    MESSAGES: ClassVar[dict[int, str]] = {
        400: N_("The request could not be read."),
        404: N_("There is nothing at this address."),
        405: N_("This address does not answer this method."),
    }

    def __init__(self, *, status: int) -> None:
        super().__init__(self.MESSAGES.get(status, N_("The request was refused.")))
        self.status = status
        self.code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
            status, "refused"
        )
