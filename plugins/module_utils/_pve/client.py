# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the one place that talks to the Proxmox VE API.

Every module builds a :class:`PveClient` from its parameters. The client opens the proxmoxer
connection, records every call (for the ``commands`` result key), retries transient failures
with bounded jittered backoff, and turns proxmoxer/requests errors into the collection's error
types carrying one clear sentence.
"""

from __future__ import annotations

import random
import threading
import time
import traceback

from ansible.module_utils.basic import env_fallback

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConflictError,
    ConnectionFailure,
    LockError,
    ValidationError,
)

PROXMOXER_IMPORT_ERROR = None
try:
    import proxmoxer
    from proxmoxer import ProxmoxAPI
    from proxmoxer.core import AuthenticationError, ResourceException
    HAS_PROXMOXER = True
except ImportError:
    HAS_PROXMOXER = False
    PROXMOXER_IMPORT_ERROR = traceback.format_exc()

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

MIN_PROXMOXER = (2, 3)
DEFAULT_PORT = 8006
DEFAULT_TIMEOUT = 30
CONFLICT_TEXT = 'detected modified configuration'
LOCK_TEXT = 'got lock request timeout'
# 5xx answers that say something definite about the request: retrying cannot help.
PERMANENT_5XX_TEXTS = ('no rule at position', 'no such', 'is not empty', 'not implemented', 'does not exist',
                       'already exists', CONFLICT_TEXT)
TRANSIENT_STATUS = (502, 503, 504, 595, 596)

PVE_CONNECTION_ARGSPEC = dict(
    api_host=dict(type='str', fallback=(env_fallback, ['PROXMOX_HOST'])),
    api_port=dict(type='int', fallback=(env_fallback, ['PROXMOX_PORT'])),
    api_user=dict(type='str', fallback=(env_fallback, ['PROXMOX_USER'])),
    api_password=dict(type='str', no_log=True, fallback=(env_fallback, ['PROXMOX_PASSWORD'])),
    api_token_id=dict(type='str', no_log=False, fallback=(env_fallback, ['PROXMOX_TOKEN_ID'])),
    api_token_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['PROXMOX_TOKEN_SECRET'])),
    validate_certs=dict(type='bool', fallback=(env_fallback, ['PROXMOX_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['PROXMOX_CA_PATH'])),
    api_timeout=dict(type='int', fallback=(env_fallback, ['PROXMOX_TIMEOUT'])),
    api_retries=dict(type='int', default=3),
)

PVE_CONNECTION_REQUIRED_TOGETHER = [('api_token_id', 'api_token_secret')]
PVE_CONNECTION_MUTUALLY_EXCLUSIVE = [('api_password', 'api_token_id')]


def pve_argument_spec(**extra):
    """The connection options plus a module's own options."""
    spec = dict((key, dict(value)) for key, value in PVE_CONNECTION_ARGSPEC.items())
    spec.update(extra)
    return spec


def _version_tuple(text):
    parts = []
    for piece in str(text).split('.')[:2]:
        digits = ''.join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def check_libraries():
    """Return an error message when a required library is missing or too old, else None."""
    if not HAS_PROXMOXER:
        return 'proxmoxer', PROXMOXER_IMPORT_ERROR
    if not HAS_REQUESTS:
        return 'requests', REQUESTS_IMPORT_ERROR
    if _version_tuple(getattr(proxmoxer, '__version__', '0')) < MIN_PROXMOXER:
        return 'proxmoxer >= %d.%d' % MIN_PROXMOXER, 'proxmoxer %s is installed' % proxmoxer.__version__
    return None


class Call(object):
    """One API call as it is planned or made; rendered into the ``commands`` result."""

    __slots__ = ('method', 'path', 'params')

    def __init__(self, method, path, params=None):
        self.method = method
        self.path = path
        self.params = dict(params or {})

    def as_dict(self):
        result = {'method': self.method, 'path': '/' + self.path.strip('/')}
        if self.params:
            result['params'] = dict(self.params)
        return result


class PveClient(object):
    """A proxmoxer connection with retries, error mapping and a call log.

    ``sleep`` and ``rng`` are injectable so tests can run the backoff without waiting.
    """

    def __init__(self, params, api=None, sleep=time.sleep, rng=None):
        self.params = params
        self.host = params.get('api_host')
        self.port = params.get('api_port') or DEFAULT_PORT
        self.timeout = params.get('api_timeout') or DEFAULT_TIMEOUT
        self.retries = max(0, params.get('api_retries') if params.get('api_retries') is not None else 3)
        self._api = api
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._version = None
        self.calls = []
        self.reads = 0
        self.writes = 0
        # Modules that work through many guests call from a bounded thread pool.
        self._lock = threading.Lock()

    # -- connection ---------------------------------------------------------------------------
    def _verify(self):
        validate = self.params.get('validate_certs')
        if validate is None:
            validate = True
        if not validate:
            return False
        return self.params.get('ca_path') or True

    def _connect(self):
        missing = [key for key in ('api_host', 'api_user') if not self.params.get(key)]
        if not (self.params.get('api_password') or self.params.get('api_token_id')):
            missing.append('api_password or api_token_id')
        if missing:
            raise ValidationError('Missing connection option(s) %s: set them (or PROXMOX_HOST, PROXMOX_USER, '
                                  'PROXMOX_PASSWORD / PROXMOX_TOKEN_ID) to contact the API' % ', '.join(missing))
        user = self.params['api_user']
        kwargs = dict(port=self.port, user=user, verify_ssl=self._verify(), timeout=self.timeout)
        token_id = self.params.get('api_token_id')
        if token_id:
            # Accept the full "user@realm!name" spelling too, as the GUI shows it.
            if '!' in token_id:
                token_user, token_id = token_id.split('!', 1)
                if token_user != user:
                    raise ValidationError('api_token_id %r belongs to %s, not to api_user %s' % (
                        self.params.get('api_token_id'), token_user, user))
            kwargs.update(token_name=token_id, token_value=self.params.get('api_token_secret'))
        else:
            kwargs['password'] = self.params.get('api_password')
        attempt = 0
        while True:
            try:
                return ProxmoxAPI(self.host, backend='https', **kwargs)
            except AuthenticationError as exc:
                raise AuthError('Failed to log in to %s:%s as %s: the credentials were refused (%s)' % (
                    self.host, self.port, user, exc), status=401)
            except requests.exceptions.SSLError as exc:
                raise ConnectionFailure(self._tls_message(exc))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if attempt >= self.retries:
                    raise ConnectionFailure('Failed to connect to %s:%s: %s' % (self.host, self.port, _short(exc)))
                attempt += 1
                self._backoff(attempt)

    @property
    def api(self):
        if self._api is None:
            with self._lock:
                if self._api is None:
                    self._api = self._connect()
        return self._api

    def _tls_message(self, exc):
        where = 'with the CA in %s' % self.params['ca_path'] if self.params.get('ca_path') else 'with the system trust store'
        return ('Failed to verify the TLS certificate of %s:%s %s (%s); set ca_path to the CA that signed it' % (
            self.host, self.port, where, _short(exc)))

    # -- calls --------------------------------------------------------------------------------
    def get(self, path, desc=None, **params):
        return self.call('GET', path, params, desc)

    def post(self, path, desc=None, **params):
        return self.call('POST', path, params, desc)

    def put(self, path, desc=None, **params):
        return self.call('PUT', path, params, desc)

    def delete(self, path, desc=None, **params):
        return self.call('DELETE', path, params, desc)

    def version(self):
        """The PVE version as a (major, minor) tuple, read once per client."""
        if self._version is None:
            data = self.get('version', desc='read the Proxmox VE version') or {}
            self._version = _version_tuple(data.get('version', '0'))
        return self._version

    def call(self, method, path, params=None, desc=None):
        params = dict((key, value) for key, value in (params or {}).items() if value is not None)
        desc = desc or '%s %s' % (method, '/' + path.strip('/'))
        is_read = method == 'GET'
        with self._lock:
            if is_read:
                self.reads += 1
            else:
                self.writes += 1
                self.calls.append(Call(method, path, params))
        attempt = 0
        while True:
            try:
                return self._send(method, path, params)
            except ResourceException as exc:
                error = self._map_resource_error(exc, desc)
            except requests.exceptions.SSLError as exc:
                raise ConnectionFailure(self._tls_message(exc))
            except requests.exceptions.ConnectionError as exc:
                error = ConnectionFailure('Failed to %s: cannot reach %s:%s (%s)' % (desc, self.host, self.port, _short(exc)))
                # A refused connection never reached the server, so even a write is safe to repeat.
                error.retry = is_read or _was_refused(exc)
            except requests.exceptions.Timeout as exc:
                error = ConnectionFailure('Failed to %s: no answer from %s:%s within %ss (%s)' % (
                    desc, self.host, self.port, self.timeout, _short(exc)))
                # A write may have been applied before the timeout: let the caller re-read instead.
                error.retry = is_read
            if not getattr(error, 'retry', False) or attempt >= self.retries:
                raise error
            attempt += 1
            self._backoff(attempt)

    def _send(self, method, path, params):
        resource = self.api(path.strip('/'))
        if method == 'GET':
            return resource.get(**params)
        if method == 'POST':
            return resource.post(**params)
        if method == 'PUT':
            return resource.put(**params)
        if method == 'DELETE':
            return resource.delete(**params)
        raise ValueError('unsupported method %s' % method)

    def _map_resource_error(self, exc, desc):
        status = exc.status_code
        reason = (exc.content or exc.status_message or '').strip()
        errors = exc.errors if isinstance(exc.errors, dict) else {}
        detail = reason
        if errors:
            detail = '; '.join('%s: %s' % (key, str(value).strip()) for key, value in sorted(errors.items()))
        message = 'Failed to %s: %s' % (desc, detail or 'HTTP %s' % status)
        if status == 401:
            error = AuthError(message + ' (check api_user and the password or token)', status=status, errors=errors)
        elif CONFLICT_TEXT in reason:
            error = ConflictError(message, status=status, errors=errors)
        elif LOCK_TEXT in reason:
            error = LockError(message, status=status, errors=errors)
            error.retry = True
        else:
            error = ApiError(message, status=status, errors=errors)
            error.retry = status in TRANSIENT_STATUS or (
                status >= 500 and not errors and not any(text in reason for text in PERMANENT_5XX_TEXTS)
                and self._retry_safe_5xx(reason))
        return error

    @staticmethod
    def _retry_safe_5xx(reason):
        # Plain 500s from handler code are definite answers; only empty or proxy-style reasons are transient.
        return reason == '' or reason.lower().startswith(('connection', 'proxy', 'internal server error', 'service unavailable'))

    def _backoff(self, attempt):
        # Full jitter, capped: 0.5 s, 1 s, 2 s ... at most 8 s per wait.
        ceiling = min(8.0, 0.5 * (2 ** (attempt - 1)))
        self._sleep(self._rng.uniform(ceiling / 2.0, ceiling))

    def commands(self):
        return [call.as_dict() for call in self.calls]


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:297] + '...'


def _was_refused(exc):
    text = str(exc).lower()
    return 'refused' in text or 'newconnectionerror' in text
