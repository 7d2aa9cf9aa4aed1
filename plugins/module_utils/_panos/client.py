# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the one place that talks to the PAN-OS XML API.

Every PAN-OS module builds a :class:`PanosClient` from its parameters. The client uses pan.xapi
(pan-python, installed with pan-os-python) for the transport only and builds every request
itself, so it controls the exact xpaths and the number of calls:

* TLS is verified by default: pan.xapi skips verification unless it is given an ``ssl_context``,
  so the client always gives it one, built from ``validate_certs`` and ``ca_path``.
* At most one ``keygen`` per module run (none with ``api_key``); no ``show system info`` unless a
  module asks for it.
* Writes are batched: several config actions go out as one ``multi-config`` request.
* "Configuration is locked by" and "commit in progress" answers are retried with jittered
  backoff (nothing was applied); everything else maps to the collection's error types once.
* Every write (or, in check mode, planned write) is recorded for the ``commands`` result.
"""

from __future__ import annotations

import random
import ssl
import time
import traceback

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves import http_client
from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConnectionFailure,
    LockError,
    ValidationError,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml

PANXAPI_IMPORT_ERROR = None
try:
    import pan.xapi
    HAS_PANXAPI = True
except ImportError:
    HAS_PANXAPI = False
    PANXAPI_IMPORT_ERROR = traceback.format_exc()

# Raised by urllib/http.client below pan.xapi without being turned into PanXapiError.
TRANSPORT_ERRORS = (OSError, http_client.HTTPException)

DEFAULT_PORT = 443
DEFAULT_TIMEOUT = 60
DEFAULT_RETRIES = 4
BATCH_SIZE = 100

LOCK_TEXTS = ('Configuration is locked by', 'Config for scope', 'Commit lock is already held')
COMMIT_BUSY_TEXTS = ('Another commit/validate is in progress', 'A commit is in progress', 'commit is in progress',
                     'You cannot commit while an install is in progress')
AUTH_TEXTS = ('Invalid credentials', 'code: 403', 'Invalid Credential')
TLS_TEXTS = ('CERTIFICATE_VERIFY_FAILED', 'ssl.CertificateError', 'certificate verify failed', 'SSLError', 'WRONG_VERSION_NUMBER')

PANOS_CONNECTION_ARGSPEC = dict(
    host=dict(type='str', required=True, fallback=(env_fallback, ['PANOS_HOST'])),
    port=dict(type='int', fallback=(env_fallback, ['PANOS_PORT'])),
    username=dict(type='str', fallback=(env_fallback, ['PANOS_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['PANOS_PASSWORD'])),
    api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['PANOS_API_KEY'])),
    validate_certs=dict(type='bool', fallback=(env_fallback, ['PANOS_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['PANOS_CA_PATH'])),
    timeout=dict(type='int', fallback=(env_fallback, ['PANOS_TIMEOUT'])),
)


def panos_argument_spec(offline_states=False, **extra):
    """The connection options plus a module's own options.

    Modules with offline states (rendered, parsed) need no ``host``; they check it when they connect.
    """
    spec = dict((key, dict(value)) for key, value in PANOS_CONNECTION_ARGSPEC.items())
    if offline_states:
        spec['host']['required'] = False
    spec.update(extra)
    return spec


def check_libraries():
    """Return (library, traceback) when pan.xapi is missing, else None."""
    if not HAS_PANXAPI:
        return 'pan-os-python', PANXAPI_IMPORT_ERROR
    return None


class Op(object):
    """One config action (set, edit, delete, move) as it is planned, sent and reported."""

    __slots__ = ('action', 'xpath', 'element', 'where', 'dst', 'desc')

    def __init__(self, action, xpath, element=None, where=None, dst=None, desc=None):
        self.action = action
        self.xpath = xpath
        # For set: the child elements to merge (string); for edit: the node itself (string).
        self.element = element
        self.where = where
        self.dst = dst
        self.desc = desc

    def params(self):
        params = {'type': 'config', 'action': self.action, 'xpath': self.xpath}
        if self.element is not None:
            params['element'] = self.element
        if self.where:
            params['where'] = self.where
        if self.dst:
            params['dst'] = self.dst
        return params

    def as_dict(self):
        return self.params()

    def as_xml(self, index):
        """This action inside a <multi-config> request."""
        element = pxml.new(self.action, id=str(index), xpath=self.xpath)
        if self.where:
            element.set('where', self.where)
        if self.dst:
            element.set('dst', self.dst)
        if self.element:
            holder = pxml.parse('<zw>%s</zw>' % self.element, 'the element of %s %s' % (self.action, self.xpath))
            element.extend(list(holder))
        return element

    def __repr__(self):
        return 'Op(%r, %r)' % (self.action, self.xpath)


class PanosClient(object):
    """A pan.xapi connection with TLS, one key, retries, error mapping and a call log.

    ``xapi_factory``, ``sleep`` and ``rng`` are injectable so tests can run without waiting.
    """

    def __init__(self, params, xapi_factory=None, sleep=time.sleep, rng=None, retries=DEFAULT_RETRIES):
        self.params = params
        self.host = params.get('host')
        self.port = params.get('port') or DEFAULT_PORT
        self.timeout = params.get('timeout') or DEFAULT_TIMEOUT
        self.retries = retries
        self._factory = xapi_factory
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._xapi = None
        self._key = None
        self.calls = []
        self.reads = 0
        self.writes = 0
        self._system_info = None

    # -- connection ---------------------------------------------------------------------------
    @property
    def admin(self):
        """The administrator whose changes this connection makes, when known."""
        return self.params.get('username')

    def ssl_context(self):
        validate = self.params.get('validate_certs')
        if validate is None or validate:
            return ssl.create_default_context(cafile=self.params.get('ca_path') or None)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self):
        if not self.host:
            raise ValidationError('Missing connection option host: set it (or PANOS_HOST) to contact the device')
        api_key = self.params.get('api_key')
        if not api_key and not (self.params.get('username') and self.params.get('password') is not None):
            raise ValidationError('Missing credentials: set api_key (or PANOS_API_KEY), or username and password '
                                  '(or PANOS_USERNAME and PANOS_PASSWORD)')
        try:
            context = self.ssl_context()
        except (IOError, OSError, ssl.SSLError) as exc:
            raise ConnectionFailure('Failed to load the CA file %s: %s' % (self.params.get('ca_path'), exc))
        factory = self._factory or pan.xapi.PanXapi
        kwargs = dict(hostname=self.host, port=self.port, timeout=self.timeout, ssl_context=context)
        if api_key:
            kwargs['api_key'] = api_key
        else:
            kwargs.update(api_username=self.params['username'], api_password=self.params['password'])
        try:
            xapi = factory(**kwargs)
        except pan.xapi.PanXapiError as exc:
            raise ValidationError('Invalid connection options: %s' % exc)
        if not api_key:
            api_key = self._keygen(xapi)
        # pan.xapi appends the key to the request body without URL-encoding it: encode it once here.
        self._key = quote(api_key, safe='')
        xapi.api_key = self._key
        return xapi

    def _keygen(self, xapi):
        self.reads += 1
        attempt = 0
        while True:
            try:
                return xapi.keygen()
            except pan.xapi.PanXapiError as exc:
                error = self._map(exc, 'log in to %s:%s as %s' % (self.host, self.port, self.params.get('username')), None)
            except TRANSPORT_ERRORS as exc:
                error = self._transport(exc, 'log in to %s:%s' % (self.host, self.port), write=False)
            if not getattr(error, 'retry', False) or attempt >= self.retries:
                raise error
            attempt += 1
            self._backoff(attempt)

    @property
    def xapi(self):
        if self._xapi is None:
            self._xapi = self._connect()
        return self._xapi

    # -- requests -----------------------------------------------------------------------------
    def request(self, query, desc, write=False, retry_busy=False, retries=None):
        """Send one request; return the parsed <response> element. Retries only what was not applied."""
        retries = self.retries if retries is None else retries
        xapi = self.xapi
        query = dict(query)
        query['key'] = self._key
        if write:
            self.writes += 1
        else:
            self.reads += 1
        attempt = 0
        while True:
            try:
                xapi.ad_hoc(qs=query)
                return xapi.element_root
            except pan.xapi.PanXapiError as exc:
                error = self._map(exc, desc, xapi, write=write, retry_busy=retry_busy)
            except TRANSPORT_ERRORS as exc:
                error = self._transport(exc, desc, write)
            if not getattr(error, 'retry', False) or attempt >= retries:
                raise error
            attempt += 1
            self._backoff(attempt)

    def _map(self, exc, desc, xapi, write=False, retry_busy=False):
        text = str(exc).strip() or 'no message'
        code = getattr(xapi, 'status_code', None) if xapi is not None else None
        message = 'Failed to %s: %s' % (desc, text)
        if any(t in text for t in AUTH_TEXTS) and not text.startswith('URLError: code: 5'):
            return AuthError(message + ' (check username and password, or api_key)', status=code or 403)
        if any(t in text for t in TLS_TEXTS):
            where = 'with the CA in %s' % self.params['ca_path'] if self.params.get('ca_path') else 'with the system trust store'
            return ConnectionFailure('Failed to verify the TLS certificate of %s:%s %s (%s); set ca_path to the CA that '
                                     'signed it' % (self.host, self.port, where, text))
        if any(t in text for t in LOCK_TEXTS):
            error = LockError(message, status=code)
            error.retry = True
            return error
        if any(t in text for t in COMMIT_BUSY_TEXTS):
            error = LockError(message, status=code)
            error.retry = retry_busy
            return error
        if text.startswith('URLError') or 'timed out' in text:
            error = ConnectionFailure('Failed to %s: cannot reach %s:%s (%s)' % (desc, self.host, self.port, text))
            # A write that timed out may have been applied; a refused connection never reached the device.
            error.retry = not write or 'refused' in text.lower()
            return error
        if text.startswith('Session timed out'):
            error = AuthError(message, status=code)
            return error
        return ApiError(message, status=code)

    def _transport(self, exc, desc, write):
        """A connection dropped or timed out below pan.xapi (which only wraps URLError)."""
        if isinstance(exc, ssl.SSLError):
            return self._map(pan.xapi.PanXapiError('SSLError: %s' % exc), desc, None, write=write)
        error = ConnectionFailure('Failed to %s: the connection to %s:%s failed (%s: %s)' % (
            desc, self.host, self.port, type(exc).__name__, exc))
        # The request may have been applied before the connection broke: only reads are repeated.
        error.retry = not write
        return error

    def _backoff(self, attempt):
        # Full jitter, capped: about 0.5 s, 1 s, 2 s ... at most 8 s per wait.
        ceiling = min(8.0, 0.5 * (2 ** (attempt - 1)))
        self._sleep(self._rng.uniform(ceiling / 2.0, ceiling))

    # -- reads --------------------------------------------------------------------------------
    def get(self, xpath, desc=None):
        """Read the candidate configuration; returns the <result> element (None when nothing matches)."""
        root = self.request({'type': 'config', 'action': 'get', 'xpath': xpath}, desc or 'read %s' % xpath)
        result = root.find('result') if root is not None else None
        if result is None or (not len(result) and not (result.text or '').strip()):
            return None
        return result

    def get_node(self, xpath, tag, desc=None):
        """Read one container or entry of the candidate configuration; None when it does not exist."""
        return pxml.unwrap_result(self.get(xpath, desc), tag)

    def names(self, xpath, desc=None):
        """Entry names selected by an ``.../entry/@name`` xpath (unions allowed)."""
        result = self.get(xpath, desc)
        if result is None:
            return set()
        return set(e.get('name') for e in result.iter('entry') if e.get('name') is not None)

    def op(self, cmd, desc, write=False):
        return self.request({'type': 'op', 'cmd': cmd}, desc, write=write)

    def system_info(self):
        """``show system info`` (read once, only by modules that need it)."""
        if self._system_info is None:
            root = self.op('<show><system><info/></system></show>', 'read the system information')
            system = root.find('result/system')
            self._system_info = dict((child.tag, (child.text or '').strip()) for child in (system if system is not None else []))
        return self._system_info

    # -- writes -------------------------------------------------------------------------------
    def apply(self, ops, check_mode=False, batch_size=BATCH_SIZE):
        """Record and (unless check mode) send config actions, several per multi-config request."""
        ops = list(ops)
        self.calls.extend(op.as_dict() for op in ops)
        if check_mode or not ops:
            return
        for start in range(0, len(ops), batch_size):
            chunk = ops[start:start + batch_size]
            if len(chunk) == 1:
                op = chunk[0]
                self.request(op.params(), op.desc or '%s %s' % (op.action, op.xpath), write=True)
            else:
                self._multi_config(chunk)

    def _multi_config(self, ops):
        batch = pxml.new('multi-config')
        for index, op in enumerate(ops, 1):
            batch.append(op.as_xml(index))
        query = {'type': 'config', 'action': 'multi-config', 'element': pxml.to_string(batch)}
        try:
            self.request(query, 'apply %d configuration changes' % len(ops), write=True)
        except ApiError as exc:
            raise self._multi_config_error(exc, ops)

    def _multi_config_error(self, exc, ops):
        """Name the action that failed; the device rolled the whole batch back."""
        root = self._xapi.element_root if self._xapi is not None else None
        failed = None
        if root is not None:
            for answer in root.iter('response'):
                if answer.get('status') == 'error' and answer.get('id'):
                    failed = answer
                    break
        if failed is None:
            return exc
        index = int(failed.get('id')) - 1
        lines = [line.text for line in failed.iter('line') if line.text] or [failed.findtext('msg') or '']
        op = ops[index] if 0 <= index < len(ops) else None
        what = op.desc or '%s %s' % (op.action, op.xpath) if op else 'change %s' % failed.get('id')
        error = type(exc)('Failed to %s: %s (nothing of this batch of %d changes was applied)' % (
            what, ' '.join(lines).strip(), len(ops)), status=failed.get('code'))
        return error

    def record(self, call):
        """Record a planned call that is not sent (check mode of actions such as commit)."""
        self.calls.append(call)

    def commands(self):
        return list(self.calls)
