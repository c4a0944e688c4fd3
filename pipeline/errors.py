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
