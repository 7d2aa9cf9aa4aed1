# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the error types every client maps its library's exceptions to."""

from __future__ import annotations


class ZonewardenError(Exception):
    """Base of every error the collection raises on purpose.

    ``str(error)`` is one sentence a user can act on; ``details`` carries structured extras
    (HTTP status, per-field errors) for the module result.
    """

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationError(ZonewardenError):
    """User input is wrong; raised before anything is written."""


class ApiError(ZonewardenError):
    """The API refused a call."""

    def __init__(self, message, status=None, errors=None, **details):
        super().__init__(message, status=status, errors=errors, **details)
        self.status = status
        self.errors = errors or {}


class AuthError(ApiError):
    """Credentials were refused or missing."""


class ConflictError(ApiError):
    """Someone else changed the object between our read and our write (digest mismatch)."""


class LockError(ApiError):
    """A configuration lock could not be had in time."""


class ConnectionFailure(ZonewardenError):
    """The API could not be reached (refused, reset, TLS failure, timeout)."""


class TimeoutError(ZonewardenError):  # pylint: disable=redefined-builtin
    """A job or an API call did not finish in time."""
