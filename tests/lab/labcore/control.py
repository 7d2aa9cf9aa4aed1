# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start, reach and stop an emulator from tests, molecule and benchmarks.

``start_process`` runs an emulator as a child process and waits for its ready file;
``start_thread`` runs one inside the test process (fastest, used by unit tests).
Both return a :class:`LabHandle` with the URL, CA file and a side-door client.
"""

import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

from .server import LabServer

LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class LabHandle:
    """A running emulator as tests see it."""

    def __init__(self, info, process=None, server=None):
        self.info = info
        self.url = info['url']
        self.port = info['port']
        self.ca_file = info['ca_file']
        self.token = info['lab_token']
        self.process = process
        self.server = server
        self._context = ssl.create_default_context(cafile=self.ca_file)

    def side(self, method, route, data=None, timeout=10):
        """Call the side door; returns the decoded JSON answer."""
        body = json.dumps(data).encode('utf-8') if data is not None else None
        request = urllib.request.Request(self.url + '/_lab/' + route.lstrip('/'), data=body, method=method,
                                         headers={'X-Lab-Token': self.token, 'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=timeout, context=self._context) as answer:  # nosec - loopback lab
            return json.loads(answer.read().decode('utf-8'))

    def reset(self):
        return self.side('POST', 'reset')

    def load(self, fixture):
        return self.side('POST', 'load', fixture)

    def fault(self, **spec):
        return self.side('POST', 'faults', spec)

    def clear_faults(self):
        return self.side('DELETE', 'faults')

    def latency(self, ms):
        return self.side('POST', 'latency', {'ms': ms})

    def log(self, limit=None):
        return self.side('GET', 'log' + ('?limit=%d' % limit if limit else ''))

    def clear_log(self):
        return self.side('DELETE', 'log')

    def state(self):
        return self.side('GET', 'state')

    def stop(self):
        if self.server is not None:
            self.server.stop()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_thread(app, workdir=None, **server_args):
    """Run ``app`` in this process; stop it with ``handle.stop()``."""
    workdir = workdir or tempfile.mkdtemp(prefix='zw-lab-')
    server_args.setdefault('ca_file', os.path.join(workdir, '%s-ca.pem' % app.name))
    server = LabServer(app, **server_args).start()
    return LabHandle(server.ready_info(), server=server)


def start_process(module, workdir=None, args=(), timeout=20.0, env=None):
    """Run ``python -m <module>`` from tests/lab and wait until it is ready."""
    workdir = workdir or tempfile.mkdtemp(prefix='zw-lab-')
    ready = os.path.join(workdir, '%s-ready.json' % module)
    if os.path.exists(ready):
        os.unlink(ready)
    command = [sys.executable, '-m', module, '--port', '0', '--ready-file', ready,
               '--ca-file', os.path.join(workdir, '%s-ca.pem' % module), '--max-lifetime', '3600'] + list(args)
    child_env = dict(os.environ if env is None else env)
    child_env['PYTHONPATH'] = os.pathsep.join([LAB_DIR] + [p for p in [child_env.get('PYTHONPATH')] if p])
    log = open(os.path.join(workdir, '%s.log' % module), 'wb')  # pylint: disable=consider-using-with
    process = subprocess.Popen(command, cwd=workdir, env=child_env, stdout=log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(ready):
            with open(ready, encoding='utf-8') as handle:
                return LabHandle(json.load(handle), process=process)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    with open(os.path.join(workdir, '%s.log' % module), encoding='utf-8', errors='replace') as handle:
        raise RuntimeError('%s did not start: %s' % (module, handle.read()[-2000:]))
