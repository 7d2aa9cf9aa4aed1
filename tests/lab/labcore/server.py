# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTPS server base shared by the emulators, with the test-only side door.

An emulator subclasses :class:`LabApp` and implements ``handle(request)``. The server adds what
every lab needs: TLS on 127.0.0.1 with a CA made at start, keep-alive, fault and latency injection, a request
log with counts, persistence to a state file, and a lifetime limit so it always stops by itself.

Side door (not part of any emulated API; needs header ``X-Lab-Token`` from the ready file):
  GET    /_lab/health              liveness and uptime
  POST   /_lab/reset               back to the empty (or fixture) state
  POST   /_lab/load                load a fixture (JSON body, emulator specific)
  GET    /_lab/state               dump the whole state as JSON
  POST   /_lab/faults              add a fault rule (JSON: status, reason, body, count, method, path, drop, delay_ms)
  DELETE /_lab/faults              clear fault rules
  POST   /_lab/latency             set injected latency per request (JSON: {"ms": 5})
  GET    /_lab/log                 request log (?limit=N) with counts by method and path
  DELETE /_lab/log                 clear the request log
  POST   /_lab/stop                stop the server
Emulators add their own routes through ``LabApp.side_door``.
"""

import json
import os
import re
import secrets
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .tls import server_context

SIDE_DOOR = '/_lab/'
LOOPBACK = ('127.0.0.1', 'localhost')
MAX_LOG_ENTRIES = 200000


class Request:
    """One parsed HTTP request."""

    def __init__(self, method, raw_path, headers, body):
        split = urlsplit(raw_path)
        self.method = method
        self.raw_path = split.path
        self.path = unquote(split.path)
        self.query = dict(parse_qsl(split.query, keep_blank_values=True))
        self.headers = headers
        self.body = body
        self.cookies = {}
        cookie_header = headers.get('Cookie')
        if cookie_header:
            jar = SimpleCookie()
            jar.load(cookie_header)
            self.cookies = {key: morsel.value for key, morsel in jar.items()}
        self.form = {}
        ctype = (headers.get('Content-Type') or '').split(';')[0].strip().lower()
        if body and ctype == 'application/json':
            self.form = json.loads(body.decode('utf-8'))
        elif body:
            self.form = dict(parse_qsl(body.decode('utf-8'), keep_blank_values=True))

    def params(self):
        """Query and body parameters merged (body wins), as APIs that accept both see them."""
        merged = dict(self.query)
        if isinstance(self.form, dict):
            merged.update(self.form)
        return merged

    def json(self):
        return json.loads(self.body.decode('utf-8')) if self.body else {}


class Response:
    """What a handler returns."""

    def __init__(self, status=200, body=b'', content_type='application/json;charset=UTF-8', reason=None, headers=None):
        self.status = status
        self.reason = reason
        self.body = body if isinstance(body, bytes) else body.encode('utf-8')
        self.content_type = content_type
        self.headers = list(headers or [])
        self.delay = 0.0

    @classmethod
    def json(cls, data, status=200, reason=None, headers=None):
        return cls(status, json.dumps(data), reason=reason, headers=headers)


class LabApp:
    """Base of an emulated API. Subclasses keep their state and answer requests."""

    name = 'lab'

    def __init__(self):
        self.lock = threading.RLock()

    def handle(self, request):  # pragma: no cover - abstract
        raise NotImplementedError

    def reset(self):
        """Forget all state."""

    def load_fixture(self, data):
        """Load a fixture (emulator-specific JSON)."""

    def dump_state(self):
        return {}

    def load_state(self, data):
        self.load_fixture(data)

    def is_write(self, request):
        return request.method not in ('GET', 'HEAD')

    def side_door(self, request):
        """Emulator-specific side-door routes; return a Response or None."""
        return None


class FaultRule:
    """Answer matching requests with an error, a delay or a dropped connection."""

    def __init__(self, spec):
        self.status = int(spec.get('status', 500))
        self.reason = spec.get('reason') or 'Injected fault'
        self.body = spec.get('body')
        self.count = int(spec.get('count', 1))
        self.method = (spec.get('method') or '').upper() or None
        self.path = re.compile(spec['path']) if spec.get('path') else None
        self.drop = bool(spec.get('drop', False))
        self.delay_ms = float(spec.get('delay_ms', 0))

    def matches(self, request):
        if self.count <= 0:
            return False
        if self.method and self.method != request.method:
            return False
        return not self.path or bool(self.path.search(request.path))


class RequestLog:
    """Bounded log of API requests plus unbounded counters."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.entries = []
            self.by_method = Counter()
            self.by_path = Counter()
            self.total = 0

    def add(self, request, status, started):
        key = '%s %s' % (request.method, request.path)
        with self.lock:
            self.total += 1
            self.by_method[request.method] += 1
            self.by_path[key] += 1
            if len(self.entries) < MAX_LOG_ENTRIES:
                self.entries.append({'time': round(started, 6), 'method': request.method, 'path': request.path,
                                     'status': status, 'ms': round((time.time() - started) * 1000, 3)})

    def snapshot(self, limit=None):
        with self.lock:
            entries = self.entries if limit is None else self.entries[-limit:]
            reads = sum(n for method, n in self.by_method.items() if method in ('GET', 'HEAD'))
            return {'total': self.total, 'reads': reads, 'writes': self.total - reads,
                    'by_method': dict(self.by_method), 'by_path': dict(self.by_path), 'entries': list(entries)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # Headers and body go out in separate writes; without this Nagle + delayed ACK cost 40 ms a request.
    disable_nagle_algorithm = True
    server_version = 'zonewarden-lab'
    sys_version = ''

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Stay quiet; the request log is the record."""

    def _read_body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _dispatch(self):
        lab = self.server.lab
        started = time.time()
        request = Request(self.command, self.path, self.headers, self._read_body())
        if request.path.startswith(SIDE_DOOR):
            self._send(lab.side_door_request(request))
            return
        lab.touch()
        fault = lab.take_fault(request)
        if lab.latency_ms:
            time.sleep(lab.latency_ms / 1000.0)
        if fault is not None:
            if fault.delay_ms:
                time.sleep(fault.delay_ms / 1000.0)
            if fault.drop:
                lab.log.add(request, 0, started)
                self.close_connection = True
                self.connection.close()
                return
            if fault.status:
                response = Response.json(fault.body if fault.body is not None else {'data': None},
                                         status=fault.status, reason=fault.reason)
                lab.log.add(request, response.status, started)
                self._send(response)
                return
        try:
            response = lab.app_handle(request)
        except Exception as exc:  # pylint: disable=broad-except
            # An emulator bug must surface as a 500 the test can see, not a dead connection.
            response = Response.json({'data': None, 'message': 'emulator error: %r' % (exc,)}, status=500,
                                     reason='emulator error')
        if response.delay:
            # Delays (such as PVE's on failed logins) are served outside the app lock.
            time.sleep(response.delay)
        lab.log.add(request, response.status, started)
        self._send(response)

    def _send(self, response):
        reason = response.reason
        if reason is not None:
            # The reason phrase must be one latin-1 line.
            reason = reason.splitlines()[0] if reason else reason
            reason = reason.encode('latin-1', 'replace').decode('latin-1')
        self.send_response(response.status, reason)
        self.send_header('Content-Type', response.content_type)
        self.send_header('Content-Length', str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, lab, context):
        super().__init__(address, _Handler)
        self.lab = lab
        self.context = context

    def get_request(self):
        sock, addr = super().get_request()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        """Client resets and TLS failures are part of life in tests (wrong CA checks); keep quiet."""


class LabServer:
    """Run a LabApp over HTTPS on loopback."""

    def __init__(self, app, host='127.0.0.1', port=0, ca_file=None, state_file=None, latency_ms=0.0,
                 max_lifetime=7200.0, idle_timeout=0.0):
        if host not in LOOPBACK:
            raise ValueError('the lab listens on loopback only, not %r' % host)
        self.app = app
        self.host = host
        self.ca_file = os.path.abspath(ca_file or os.path.join('.lab', '%s-ca.pem' % app.name))
        self.state_file = state_file
        self.latency_ms = float(latency_ms)
        self.max_lifetime = float(max_lifetime or 0)
        self.idle_timeout = float(idle_timeout or 0)
        self.token = secrets.token_hex(16)
        self.log = RequestLog()
        self.faults = []
        self._faults_lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopped = threading.Event()
        self.started = time.time()
        self.last_request = self.started
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding='utf-8') as handle:
                app.load_state(json.load(handle))
        context = server_context(app.name, self.ca_file)
        self.httpd = _HTTPServer(('127.0.0.1', int(port)), self, context)
        self.port = self.httpd.server_address[1]
        self._threads = []

    @property
    def url(self):
        return 'https://127.0.0.1:%d' % self.port

    # -- request path -------------------------------------------------------------------------
    def touch(self):
        self.last_request = time.time()

    def take_fault(self, request):
        with self._faults_lock:
            for rule in self.faults:
                if rule.matches(request):
                    rule.count -= 1
                    return rule
        return None

    def app_handle(self, request):
        with self.app.lock:
            response = self.app.handle(request)
            if self.state_file and self.app.is_write(request) and response.status < 400:
                self._dirty.set()
        return response

    def side_door_request(self, request):
        if not secrets.compare_digest(request.headers.get('X-Lab-Token') or '', self.token):
            return Response.json({'error': 'side door needs X-Lab-Token'}, status=403, reason='Forbidden')
        route = (request.method, request.path[len(SIDE_DOOR) - 1:])
        with self.app.lock:
            try:
                return self._side_route(route, request)
            except (ValueError, KeyError, TypeError) as exc:
                return Response.json({'error': str(exc)}, status=400, reason='Bad side-door request')

    def _side_route(self, route, request):
        if route == ('GET', '/health'):
            return Response.json({'status': 'ok', 'name': self.app.name, 'uptime': time.time() - self.started})
        if route == ('POST', '/reset'):
            self.app.reset()
            self._dirty.set()
            return Response.json({'status': 'reset'})
        if route == ('POST', '/load'):
            self.app.load_fixture(request.json())
            self._dirty.set()
            return Response.json({'status': 'loaded'})
        if route == ('GET', '/state'):
            return Response.json(self.app.dump_state())
        if route == ('POST', '/faults'):
            with self._faults_lock:
                self.faults.append(FaultRule(request.json()))
            return Response.json({'faults': len(self.faults)})
        if route == ('DELETE', '/faults'):
            with self._faults_lock:
                self.faults = []
            return Response.json({'faults': 0})
        if route == ('POST', '/latency'):
            self.latency_ms = float(request.json().get('ms', 0))
            return Response.json({'latency_ms': self.latency_ms})
        if route == ('GET', '/log'):
            limit = request.query.get('limit')
            return Response.json(self.log.snapshot(int(limit) if limit else None))
        if route == ('DELETE', '/log'):
            self.log.clear()
            return Response.json({'status': 'cleared'})
        if route == ('POST', '/stop'):
            threading.Thread(target=self.stop, daemon=True).start()
            return Response.json({'status': 'stopping'})
        response = self.app.side_door(request)
        if response is None:
            return Response.json({'error': 'no side-door route %s %s' % route}, status=404, reason='Not Found')
        return response

    # -- lifecycle ----------------------------------------------------------------------------
    def save_state(self):
        if not self.state_file:
            return
        with self.app.lock:
            data = self.app.dump_state()
        tmp = self.state_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.state_file)

    def _housekeeping(self):
        while not self._stopped.wait(0.25):
            if self._dirty.is_set():
                self._dirty.clear()
                self.save_state()
            now = time.time()
            if self.max_lifetime and now - self.started > self.max_lifetime:
                break
            if self.idle_timeout and now - self.last_request > self.idle_timeout:
                break
        if not self._stopped.is_set():
            self.stop()

    def start(self):
        """Serve in background threads and return at once."""
        serve = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.1},
                                 name='%s-serve' % self.app.name, daemon=True)
        keeper = threading.Thread(target=self._housekeeping, name='%s-housekeeping' % self.app.name, daemon=True)
        self._threads = [serve, keeper]
        serve.start()
        keeper.start()
        return self

    def wait(self):
        self._stopped.wait()

    def stop(self):
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._dirty.is_set():
            self.save_state()

    def ready_info(self):
        return {'name': self.app.name, 'url': self.url, 'host': self.host, 'port': self.port,
                'ca_file': self.ca_file, 'lab_token': self.token, 'pid': os.getpid()}

    def write_ready_file(self, path):
        tmp = path + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            json.dump(self.ready_info(), handle)
        os.replace(tmp, path)
