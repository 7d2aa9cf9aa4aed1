# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by handlers, shaped the way the PVE API server reports them.

PVE distinguishes a parameter exception (HTTP 400, reason ``Parameter verification failed.``,
body with an ``errors`` object) from a plain ``die`` in handler code (HTTP 500, the message is the
reason phrase). The message of a plain die keeps its trailing newline in the body's ``message``.
"""

PARAM_FAILED = 'Parameter verification failed.\n'


class ApiError(Exception):
    """Base: an HTTP status, a message (with trailing newline as PVE sends it) and optional errors."""

    def __init__(self, message, status=500, errors=None):
        super().__init__(message)
        if not message.endswith('\n'):
            message += '\n'
        self.message = message
        self.status = status
        self.errors = errors


class ParamError(ApiError):
    """``raise_param_exc``: one or more parameter errors, HTTP 400."""

    def __init__(self, errors):
        super().__init__(PARAM_FAILED, status=400, errors=dict(errors))


def param_error(name, message):
    """The handler-level form: exactly one key."""
    return ParamError({name: message})


class PlainError(ApiError):
    """A plain ``die`` in handler code: HTTP 500 with the text as reason phrase."""

    def __init__(self, message):
        super().__init__(message, status=500)


class NotImplementedPath(ApiError):
    """Unknown path or method (HTTP 501). The message has no trailing newline in real PVE."""

    def __init__(self, method, rel_path):
        super().__init__("Method '%s %s' not implemented" % (method, rel_path), status=501)
        self.message = self.message.rstrip('\n')


class BareError(ApiError):
    """An error the HTTP server itself answers: status and reason phrase, no JSON body."""


class AuthFailure(BareError):
    """401 raised before any handler runs."""

    def __init__(self, message):
        super().__init__(message, status=401)


class PermissionDenied(ApiError):
    """403 permission check failure."""

    def __init__(self, message='Permission check failed'):
        super().__init__(message, status=403)
