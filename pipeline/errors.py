"""One error family for the studio: every message names the item and the fix."""
from __future__ import annotations


class StudioError(Exception):
    """Base of every error the CLI and the app show to a person."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message}\n  fix: {fix}" if fix else message)


class ConfigError(StudioError):
    """A setting (environment variable, config file) is missing or wrong."""


class CorpusError(StudioError):
    """The corpus cannot be read or is invalid; nothing was indexed."""

    exit_code = 2

    def __init__(self, message: str, *, fix: str = "", issues: list | None = None) -> None:
        super().__init__(message, fix=fix)
        self.issues = issues or []


class IndexLockedError(StudioError):
    """Another process holds the embedded index."""

    exit_code = 3


class IndexUnavailableError(StudioError):
    """The index (embedded folder or Chroma server) cannot be reached or is empty."""

    exit_code = 3


class QueryError(StudioError):
    """A query or a filter given by the user is not usable."""

    exit_code = 2


class ReviewError(StudioError):
    """A review action refused: its message says why and what to do."""

    exit_code = 6


class AuthError(ReviewError):
    """Wrong user name or password, or a disabled account."""


class SignInLockedError(AuthError):
    """Too many failed attempts on one account: refused, whatever the password, for `minutes` more (until `until`)."""

    def __init__(self, message: str, *, fix: str = "", until=None, minutes: int = 1) -> None:
        super().__init__(message, fix=fix)
        self.until = until
        self.minutes = minutes


class ForbiddenError(ReviewError):
    """The user's role does not allow this action."""


class ConflictError(ReviewError):
    """The draft changed since the user loaded it."""


class LLMError(StudioError):
    """A model call failed after its retries; the message names the backend and where it runs."""

    exit_code = 4


class LockBusy(StudioError):
    """Another process holds a lock past the timeout; `holder` names it (the index and run locks say more)."""

    exit_code = 3

    def __init__(self, holder: str) -> None:
        super().__init__(f"busy: held by {holder}", fix="wait for it to finish, or stop that process")
        self.holder = holder


class PublishError(StudioError):
    """Publishing refused or failed; the output folder was left as it was."""

    exit_code = 7


class RegenerationError(StudioError):
    """A regeneration cannot start (another one runs, a bad budget…); nothing was changed."""

    exit_code = 2


class PromptError(StudioError):
    """A prompt file is missing, malformed, or rendered without one of its variables."""


class DraftError(StudioError):
    """A draft cannot be made (no usable facts, unknown prompt…); nothing was stored."""

    exit_code = 2


class StoreError(StudioError):
    """The drafts database cannot be reached or written."""

    exit_code = 5


class BarometerError(StudioError):
    """The barometer cannot be computed as asked (weights negative or all zero, an unknown indicator)."""

    exit_code = 2


class BackupError(StudioError):
    """A backup or a restore refused or failed (a full disk, a folder not empty, a manifest that does not match its
    files); the data was left as it was."""

    exit_code = 9


class AuditChainError(StudioError):
    """The audit log's hash chain is broken: an entry was changed, removed or moved (each named)."""

    exit_code = 10
